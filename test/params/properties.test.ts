import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { load } from "js-yaml";
import { fileRows } from "../../src/params/files";
import { duplicateJsonKey } from "../../src/params/structured";
import { splitCsvLine } from "../../src/params/csv";
import { parse as parseCsv } from "csv-parse/sync";
import { escapeListItem, parseParam, parseSet, splitList } from "../../src/params/inline";
import { planRows } from "../../src/params/index";
import { file, spec } from "./helpers";

const RESERVED = new Set(["index", "jobx", "params", "__proto__", "constructor", "prototype"]);
const anyText = fc.string({ unit: "binary", maxLength: 20 });
const key = fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !RESERVED.has(k) && !k.includes("="));

describe("properties", () => {
  it("a product has as many rows as the lengths multiplied, one per combination, first axis slowest", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }), (lengths) => {
        const params = lengths.map((n, axis) => `k${axis}=${Array.from({ length: n }, (_, i) => i).join(",")}`);
        const plan = planRows(spec({ params }));
        const rows = [...plan.rows()];
        const expected = lengths.reduce((a, b) => a * b, 1);
        expect(plan.count).toBe(expected);
        expect(rows).toHaveLength(expected);
        const tuples = rows.map((row) => lengths.map((_, axis) => Number(row[`k${axis}`])));
        expect(new Set(tuples.map((t) => t.join(" "))).size).toBe(expected);
        // Lexicographic order of positions is exactly nested loops with the first axis outermost.
        const sorted = [...tuples].sort((x, y) => {
          for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
          return 0;
        });
        expect(tuples).toEqual(sorted);
      }),
    );
  });

  it("--zip keeps positions: row i holds the i-th value of every list", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 2, max: 5 }), (n, lists) => {
        const params = Array.from({ length: lists }, (_, axis) => `k${axis}=${Array.from({ length: n }, (_, i) => `${axis}:${i}`).join(",")}`);
        const rows = [...planRows(spec({ params, zip: true })).rows()];
        expect(rows).toHaveLength(n);
        rows.forEach((row, i) => {
          for (let axis = 0; axis < lists; axis++) expect(row[`k${axis}`]).toBe(`${axis}:${i}`);
        });
      }),
    );
  });

  it("escaped values survive --param and --items", () => {
    fc.assert(
      fc.property(fc.array(anyText.filter((s) => s !== ""), { minLength: 1, maxLength: 6 }), (values) => {
        const typed = values.map(escapeListItem).join(",");
        expect(parseParam(`k=${typed}`).values).toEqual(values);
        expect(splitList(typed, "--items")).toEqual(values);
      }),
    );
  });

  it("any value survives --set as typed", () => {
    fc.assert(
      fc.property(key, anyText, (k, value) => {
        expect(parseSet(`${k}=${value}`)).toEqual({ key: k, value });
        expect([...planRows(spec({ sets: [`${k}=${value}`] })).rows()]).toEqual([{ [k]: value }]);
      }),
    );
  });

  it("a CSV table written with proper quoting reads back unchanged", () => {
    const cell = fc.string({ unit: fc.constantFrom("a", "b", " ", ",", '"', "\n", "\r\n", "'", "é", "😀", "\t", "\\", "#"), maxLength: 8 });
    const table = fc.uniqueArray(key, { minLength: 1, maxLength: 5 }).chain((header) =>
      fc.tuple(fc.constant(header), fc.array(fc.array(cell, { minLength: header.length, maxLength: header.length }), { minLength: 1, maxLength: 6 })),
    );
    const quoteCell = (value: string, alone: boolean) =>
      /[",\r\n\uFEFF]/.test(value) || (alone && value === "") ? `"${value.replace(/"/g, '""')}"` : value;
    fc.assert(
      fc.property(table, fc.constantFrom("\n", "\r\n"), fc.boolean(), ([header, body], eol, bom) => {
        const line = (cells: string[]) => cells.map((c) => quoteCell(c, cells.length === 1)).join(",");
        const text = (bom ? "\ufeff" : "") + [line(header), ...body.map(line)].join(eol) + eol;
        const rows = fileRows(file("t.csv", text));
        expect(rows).toEqual(body.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]]))));
      }),
    );
  });

  it("a CSV line is split as csv-parse reads it, or left to csv-parse", () => {
    const line = fc.string({ unit: fc.constantFrom("a", ",", '"', " ", "é", "\\"), maxLength: 12 });
    fc.assert(
      fc.property(line, (text) => {
        // Empty lines are skipped before any line is split, as csv-parse skips them.
        const values = text === "" ? undefined : splitCsvLine(text, 0, text.length);
        if (values === undefined) return;
        expect([values]).toEqual(parseCsv(text, { relax_column_count: true, skip_empty_lines: true }));
      }),
      { numRuns: 1000 },
    );
    // Quoted values with commas, doubled quotes and an empty last value; an open quote is csv-parse's.
    expect(splitCsvLine('a,"b,c","say ""hi""",', 0, 21)).toEqual(["a", "b,c", 'say "hi"', ""]);
    expect(splitCsvLine('a,"b', 0, 4)).toBeUndefined();
  });

  it("the JSON duplicate-key scan agrees with the YAML loader", () => {
    const name = fc.constantFrom("a", "b", 'q"', "c\\", "é", "a\u0000");
    const json: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.constantFrom("1", '"a"', "true", "null"),
        fc.array(tie("value"), { maxLength: 3 }).map((items) => `[${items.join(",")}]`),
        fc.array(fc.tuple(name, tie("value")), { maxLength: 4 }).map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)} : ${v}`).join(", ")}}`),
      ),
    })).value;
    fc.assert(
      fc.property(json, (text) => {
        let yamlSaysDuplicate = false;
        try {
          load(text);
        } catch (error) {
          yamlSaysDuplicate = String(error).includes("duplicated mapping key");
        }
        expect(duplicateJsonKey(text) !== undefined).toBe(yamlSaysDuplicate);
      }),
    );
  });
});
