/**
 * `jobx expand --raw` against python3's jinja2, byte for byte: the docs' expansion
 * template and further Jinja2 templates in test/fixtures/jinja2/. Skipped, with the
 * reason printed, where python3 or jinja2 is missing.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jobx, ROOT } from "../cli/run";

const FIXTURES = join(ROOT, "test/fixtures/jinja2");

function jinja2Version(): string | undefined {
  const probe = spawnSync("python3", ["-c", "import jinja2; print(jinja2.__version__)"], { encoding: "utf8" });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

const version = jinja2Version();
if (!version) console.warn("jinja2 parity tests skipped: python3 with the jinja2 package is not available here (pip install jinja2)");

/** As the docs' one-liner: print(Template(src).render(...)) for each row. */
const PYTHON = `
import json, sys, jinja2
src = open(sys.argv[1], encoding="utf-8").read()
rows = json.loads(sys.argv[2])
t = jinja2.Template(src)
for i, row in enumerate(rows):
    print(t.render(index=i, params=row, **row))
`;

function python(template: string, rows: Record<string, string>[]): string {
  const run = spawnSync("python3", ["-c", PYTHON, template, JSON.stringify(rows)], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`);
  return run.stdout;
}

/** Each fixture with the rows it is rendered over (none: rendered once). */
const CASES: { file: string; args: string[]; rows: Record<string, string>[] }[] = [
  { file: "docs-expansion.j2", args: [], rows: [{}] },
  { file: "loops-and-filters.j2", args: [], rows: [{}] },
  { file: "macros-and-blocks.j2", args: [], rows: [{}] },
  {
    file: "per-item.j2",
    args: ["--items", "apple,banana,cherry", "--set", "region=eu-west"],
    rows: ["apple", "banana", "cherry"].map((item) => ({ item, region: "eu-west" })),
  },
];

describe.skipIf(!version)(`jobx expand --raw renders as jinja2 ${version ?? ""} does`, () => {
  it("covers every fixture", () => {
    expect(CASES.map((c) => c.file).sort()).toEqual(readdirSync(FIXTURES).filter((f) => f.endsWith(".j2")).sort());
  });

  it.each(CASES)("$file", ({ file, args, rows }) => {
    const path = join(FIXTURES, file);
    const run = jobx(["expand", path, "--raw", "-q", ...args]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(python(path, rows));
  });

  it("the docs' template also expands into three checked Jobs", () => {
    const run = jobx(["expand", join(FIXTURES, "docs-expansion.j2"), "-o", "json", "-q"]);
    expect(run.status, run.stderr).toBe(0);
    const names = (JSON.parse(run.stdout) as { items: { metadata: { name: string } }[] }).items.map((j) => j.metadata.name);
    expect(names).toEqual(["jobexample-apple", "jobexample-banana", "jobexample-cherry"]);
    expect(readFileSync(join(FIXTURES, "docs-expansion.j2"), "utf8")).toContain('"url": "http://dbpedia.org/resource/Apple", }');
  });
});
