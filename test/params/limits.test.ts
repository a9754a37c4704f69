import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors";
import { fileRows } from "../../src/params/files";
import { ALIAS_BUDGET, MAX_NESTING } from "../../src/params/structured";
import { expectError, file } from "./helpers";

/** A row `{item: "a", v: [[…]]}` whose value sits in `levels` lists, the row's object counted as one more. */
const nested = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;
const FORMATS = {
  json: (levels: number) => file("rows.json", `[{"item": "a", "v": ${nested(levels)}}]`),
  // A JSON file the lazy reader gives to the YAML loader (a trailing comma is YAML, not JSON).
  "json read by the YAML loader": (levels: number) => file("rows.json", `[{"item": "a", "v": ${nested(levels)}},]`),
  ndjson: (levels: number) => file("rows.ndjson", `{"item": "a", "v": ${nested(levels)}}\n`),
  yaml: (levels: number) => file("rows.yaml", `- item: a\n  v: ${nested(levels)}\n`),
} as const;

describe("how deep values may nest", () => {
  it.each(Object.entries(FORMATS))("%s: up to the limit is read, one level more is an input error naming the line", (format, make) => {
    // The row's own object is one level.
    expect(fileRows(make(MAX_NESTING - 1))).toHaveLength(1);
    expectError(() => fileRows(make(MAX_NESTING)), InputError, [`line ${format === "yaml" ? 2 : 1}`, `values nest more than ${MAX_NESTING} levels deep`, "flatten them"]);
  });

  it.each(Object.entries(FORMATS))("%s: thousands of levels stop at the limit, without overflowing the stack", (_format, make) => {
    expectError(() => fileRows(make(100_000)), InputError, [`values nest more than ${MAX_NESTING} levels deep`]);
  });

  it("YAML aliases count the levels they bring", () => {
    const chain = ["- item: a", "  z0: &z0 [x]"];
    for (let i = 1; i <= 200; i++) chain.push(`  z${i}: &z${i} [*z${i - 1}]`);
    expectError(() => fileRows(file("rows.yaml", chain.join("\n"))), InputError, ["rows.yaml line", `values nest more than ${MAX_NESTING} levels deep`]);
    expect(fileRows(file("rows.yaml", chain.slice(0, 50).join("\n")))).toHaveLength(1);
  });
});

describe("what YAML aliases may add", () => {
  /** Ten aliases of the level below at each of `levels` levels: 10^levels values written out. */
  function bomb(levels: number): string {
    const lines = ["- item: x", "  a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i <= levels; i++) lines.push(`  a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(", ")}]`);
    return lines.join("\n");
  }

  it("an alias bomb is an input error naming the file, the line and the limit", () => {
    expectError(() => fileRows(file("bomb.yaml", bomb(9))), InputError, ["bomb.yaml line", "an alias bomb, not parameters", "more than 64 MiB"]);
  });

  it("anchors used as people use them are read, shared", () => {
    const rows = fileRows(file("rows.yaml", "- item: a\n  res: &r {cpu: 1, mem: 2Gi}\n- item: b\n  res: *r\n"));
    expect(rows.map((r) => r.res)).toEqual([{ cpu: 1, mem: "2Gi" }, { cpu: 1, mem: "2Gi" }]);
    expect(fileRows(file("rows.yaml", bomb(4)))).toHaveLength(1);
  });

  it("the budget grows with the file: ten times its size when that is more than 64 MiB", () => {
    // One anchor of 1 MiB, aliased 70 times: 70 MiB added, from a file of about 1 MiB.
    const big = "x".repeat(1024 * 1024);
    const text = `- item: a\n  s: &s ${big}\n${Array.from({ length: 70 }, (_, i) => `- item: r${i}\n  s: *s`).join("\n")}\n`;
    expect(70 * big.length).toBeGreaterThan(ALIAS_BUDGET);
    expectError(() => fileRows(file("rows.yaml", text)), InputError, ["an alias bomb"]);
    // The same added size is within ten times a file of 8 MiB.
    const padded = `${text}${"# padding\n".repeat(800 * 1024)}`;
    expect(fileRows(file("rows.yaml", padded))).toHaveLength(71);
  });
});
