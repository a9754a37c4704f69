import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parse } from "csv-parse/sync";
import { fileAxis, fileRows } from "../../src/params/files";

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

describe("CSV with quotes, parsed again in batches as rows are used", () => {
  const quotedCell = (text: string) => `"${text.replace(/"/g, '""')}"`;

  it("gives the rows csv-parse gives, values with commas, quotes and line breaks included (property)", () => {
    const cell = fc.string({ unit: fc.constantFrom("a", "b", " ", ",", '"', "\n", "é", "1"), maxLength: 6 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(cell, cell), { minLength: 1, maxLength: 8 }),
        fc.constantFrom("\n", "\r\n"),
        fc.boolean(),
        (rows, eol, bom) => {
          const text = `${bom ? "\ufeff" : ""}"name",size${eol}${rows.map(([a, b]) => `${quotedCell(a)},${quotedCell(b)}`).join(eol)}${eol}`;
          expect(fileRows({ name: "t.csv", text })).toEqual(csvParseRows(text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("reads across batch boundaries, in order and out of order", () => {
    const rows = Array.from({ length: 1300 }, (_, i) => [`item ${i}`, i % 7 === 0 ? `line one\nline "two" of ${i}` : String(i)]);
    const text = `item,note\n${rows.map(([a, b]) => `${quotedCell(a ?? "")},${quotedCell(b ?? "")}`).join("\n\n")}\n`;
    const expected = csvParseRows(text);
    const axis = fileAxis({ name: "big.csv", text });
    expect(axis.length).toBe(1300);
    for (const position of [0, 511, 512, 1299, 3, 1024, 700, 0]) {
      expect(Object.fromEntries(axis.entries(position))).toEqual(expected[position]);
    }
    expect(fileRows({ name: "big.csv", text })).toEqual(expected);
  });

  it("checks every record before the first row is used, naming the line", () => {
    expect(() => fileRows({ name: "q.csv", text: '"a","b"\n"1","2\n3"\n"4"\n' })).toThrow(/q\.csv line 4: row 2 has 1 column but the header has 2/);
    expect(() => fileRows({ name: "q.csv", text: '"a","b"\n"1,2\n' })).toThrow(/q\.csv line \d: not valid CSV/);
  });
});

describe("NDJSON, read lazily", () => {
  it("gives each line's object, with blank lines and CRLF (property)", () => {
    const value = fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(fc.stringMatching(/^[a-z]{1,3}$/), fc.string({ maxLength: 3 })));
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_]{0,5}$/), value, { minKeys: 1, maxKeys: 4 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom("\n", "\r\n"),
        fc.boolean(),
        (objects, eol, blankLines) => {
          const text = objects.map((o) => JSON.stringify(o)).join(blankLines ? `${eol}  ${eol}` : eol) + eol;
          expect(fileRows({ name: "t.ndjson", text })).toEqual(objects);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("checks every line before the first row is used, naming the line", () => {
    expect(() => fileRows({ name: "r.ndjson", text: '{"a": 1}\n\n{"a": 2, "a": 3}\n' })).toThrow(/r\.ndjson line 3: .*duplicated mapping key "a"/);
    expect(() => fileRows({ name: "r.ndjson", text: '{"a": 1}\n[1]\n' })).toThrow(/r\.ndjson line 2: expected one JSON object per line/);
  });
});

describe("a JSON list of objects, read lazily", () => {
  const value = fc.oneof(
    fc.string({ unit: fc.constantFrom("a", ",", "]", "[", "{", "}", '"', "\\", " ", "é"), maxLength: 6 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }),
    fc.dictionary(fc.stringMatching(/^[a-z]{1,3}$/), fc.string({ maxLength: 3 })),
  );

  it("gives the list's objects, however the JSON is laid out (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_]{0,5}$/), value, { minKeys: 1, maxKeys: 4 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom(undefined, 0, 2, "\t"),
        (objects, indent) => {
          const text = `${JSON.stringify(objects, null, indent)}\n`;
          expect(fileRows({ name: "t.json", text })).toEqual(JSON.parse(text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("leaves anything else to the YAML loader and its messages", () => {
    expect(() => fileRows({ name: "d.json", text: '[{"a": 1}, {"a": 2, "a": 3}]' })).toThrow(/d\.json.*duplicated mapping key/);
    expect(() => fileRows({ name: "n.json", text: '[{"a": 1}, 5]' })).toThrow(/n\.json row 2: expected an object/);
    expect(() => fileRows({ name: "s.json", text: '[{"a": 1},\n {"a" 2}]' })).toThrow(/s\.json line 2: not valid JSON: missed comma/);
    expect(() => fileRows({ name: "k.json", text: '[{"index": 1}]' })).toThrow(/k\.json row 1/);
    expect(fileRows({ name: "o.json", text: ' [ {"a": [1, {"b": "],["}]} ] ' })).toEqual([{ a: [1, { b: "],[" }] }]);
  });
});
