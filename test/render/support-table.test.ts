/** docs/templates.md lists every filter and test jobx knows, and says which are refused. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FILTERS, REFUSED_FILTERS, REFUSED_TESTS, TESTS } from "../../src/render/builtins";

const doc = readFileSync(new URL("../../docs/templates.md", import.meta.url), "utf8");
const section = (title: string) => doc.slice(doc.indexOf(`## ${title}`)).split(/\n## /)[0] as string;
/** Table rows of a section: the names in backticks in the first cell, and the second cell. */
function rows(title: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of section(title).split("\n")) {
    const m = /^\| (.+?) \| (.+) \|$/.exec(line);
    if (!m || m[1] === "filter" || m[1] === "test" || /^-+$/.test(m[1] as string)) continue;
    for (const name of (m[1] as string).matchAll(/`([^`]+)`/g)) out.set(name[1] as string, m[2] as string);
  }
  return out;
}

describe("the support table", () => {
  it("has a row for every filter, saying which are refused", () => {
    const table = rows("Filters");
    expect([...table.keys()].sort()).toEqual([...new Set([...FILTERS.keys(), ...Object.keys(REFUSED_FILTERS)])].sort());
    for (const name of Object.keys(REFUSED_FILTERS)) expect(table.get(name)).toMatch(/^refused: /);
    for (const name of FILTERS.keys()) expect(table.get(name)).not.toMatch(/^refused/);
  });

  it("names every test", () => {
    const table = rows("Tests");
    expect([...table.keys()].sort()).toEqual([...new Set([...TESTS.keys(), ...Object.keys(REFUSED_TESTS)])].sort());
  });

  it("is linked from the README's template section", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    expect(readme.slice(readme.indexOf("### Templates"), readme.indexOf("### Values are data"))).toContain("(docs/templates.md)");
  });
});
