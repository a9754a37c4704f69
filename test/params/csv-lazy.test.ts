import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parse } from "csv-parse/sync";
import { fileRows } from "../../src/params/files";

/** What csv-parse reads from the same text, as rows of header → value. */
function csvParseRows(text: string): Record<string, string>[] {
  const [header = [], ...body] = parse(text, { bom: true, skip_empty_lines: true }) as string[][];
  return body.map((record) => Object.fromEntries(header.map((name, i) => [name, record[i] ?? ""])));
}

describe("quote-free CSV, read lazily", () => {
  it("gives the rows csv-parse gives, with blank lines and CRLF (property)", () => {
    const cell = fc.stringMatching(/^[a-z0-9 ._/-]{0,6}$/);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((columns) =>
          fc.tuple(
            fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/), { minLength: columns, maxLength: columns }),
            fc.array(fc.array(cell, { minLength: columns, maxLength: columns }), { minLength: 1, maxLength: 8 }),
            fc.constantFrom("\n", "\r\n"),
            fc.boolean(),
          ),
        ),
        ([header, rows, eol, blankLines]) => {
          fc.pre(rows.every((r) => r.join(",") !== ""));
          const lines = [header.join(","), ...rows.map((r) => r.join(","))];
          const text = lines.join(blankLines ? `${eol}${eol}` : eol) + eol;
          expect(fileRows({ name: "t.csv", text })).toEqual(csvParseRows(text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("names the line of a ragged row, counting blank lines", () => {
    expect(() => fileRows({ name: "r.csv", text: "a,b\n1,2\n\n3\n" })).toThrow(/r\.csv line 4: row 2 has 1 column but the header has 2/);
  });
});
