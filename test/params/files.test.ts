import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors";
import { detectFormat, fileRows, sniffFormat } from "../../src/params/files";
import { duplicateJsonKey } from "../../src/params/structured";
import { expectError, file } from "./helpers";

describe("format detection", () => {
  it.each([
    ["rows.yaml", "yaml"],
    ["rows.yml", "yaml"],
    ["ROWS.YML", "yaml"],
    ["rows.json", "json"],
    ["rows.csv", "csv"],
    ["dir.v2/rows.ndjson", "ndjson"],
    ["rows.jsonl", "ndjson"],
  ] as const)("%s is read as %s by its extension, whatever it holds", (name, format) => {
    expect(detectFormat(file(name, "a,b\n1,2"))).toEqual({ format, sniffed: false });
  });

  it.each([
    ["-", "[1]"],
    ["rows.txt", "[1]"],
    ["dir.csv/rows", "[1]"],
    [".csv", "[1]"],
  ])("%s without a known extension is sniffed", (name, text) => {
    expect(detectFormat(file(name, text))).toEqual({ format: "json", sniffed: true });
  });

  it.each([
    ['[{"a": 1}]', "json"],
    ['\ufeff  \n [{"a": 1}]', "json"],
    ['{"a": 1}', "ndjson"],
    ['{"a": 1}\n\n  {"a": 2}\r\n', "ndjson"],
    ['{"a": 1}\nb: 2', "yaml"],
    ["a,b\n1,2", "csv"],
    ["\n\na,b\n1,2", "csv"],
    ["name\nx", "yaml"],
    ["- a: 1, 2", "yaml"],
    ["- a,b", "yaml"],
    ["a: 1,2", "yaml"],
    ["# rows, one per job\n- a: 1", "yaml"],
    ["", "yaml"],
  ])("content %j is sniffed as %s", (text, format) => {
    expect(sniffFormat(text)).toBe(format);
  });
});

describe("YAML and JSON files", () => {
  it("keeps YAML types (core schema: no dates, no yes/no booleans)", () => {
    const rows = fileRows(file("r.yaml", "- n: 1\n  f: 1.5\n  b: true\n  s: 'x'\n  nul: null\n  yes: yes\n  date: 2024-01-01\n  v: 1.10\n  l: [1, a]\n  o: {k: v}\n"));
    expect(rows).toEqual([{ n: 1, f: 1.5, b: true, s: "x", nul: null, yes: "yes", date: "2024-01-01", v: 1.1, l: [1, "a"], o: { k: "v" } }]);
  });

  it("gives plain, frozen nested values shared safely between rows", () => {
    const [row] = fileRows(file("r.yaml", "- o: {k: [1]}"));
    const o = row?.o as { k: number[] };
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect(Object.isFrozen(o)).toBe(true);
    expect(Object.isFrozen(o.k)).toBe(true);
  });

  it("allows rows with different keys", () => {
    expect(fileRows(file("r.yaml", "- a: 1\n- b: 2\n  a: 3\n- {}"))).toEqual([{ a: 1 }, { b: 2, a: 3 }, {}]);
  });

  it("reads JSON with types", () => {
    expect(fileRows(file("r.json", '[{"a": 1, "b": "2", "c": [true]}]'))).toEqual([{ a: 1, b: "2", c: [true] }]);
  });

  it("allows keys that are not identifiers", () => {
    expect(fileRows(file("r.json", '[{"file name": "x", "a-b": 1}]'))).toEqual([{ "file name": "x", "a-b": 1 }]);
  });

  it("strips a BOM", () => {
    expect(fileRows(file("r.json", '\ufeff[{"a": 1}]'))).toEqual([{ a: 1 }]);
  });

  it.each([
    ["r.yaml", "a: 1", ["r.yaml", "expected a list of objects, like:", "- {name: a, size: 1}", "- {name: b, size: 2}", "a single object"]],
    ["r.yaml", "just text", ["expected a list of objects", 'the text "just text"']],
    ["r.json", '{"a": 1}', ["r.json", "expected a list of objects", '[{"name": "a", "size": 1},', "a single object"]],
    ["-", "a: 1", ["stdin", "expected a list of objects", "give the file a .csv or .ndjson name"]],
    ["r.yaml", "- a: 1\n- [1, 2]", ["r.yaml row 2", "expected an object", "a list"]],
    ["r.yaml", "- a: 1\n- 3", ["r.yaml row 2", "a number (3)"]],
    ["r.yaml", "- a: 1\n- ~", ["r.yaml row 2", "got null"]],
    ["r.yaml", "- a: 1\n  a: 2", ["r.yaml line 2", "duplicated mapping key", "Each key may appear once per row"]],
    ["r.json", '[{"a": 1,\n  "a": 2}]', ["r.json line 2", "not valid JSON", "duplicated mapping key"]],
    ["r.yaml", "- a: [1", ["r.yaml line 1", "not valid YAML", "Fix the YAML syntax"]],
    ["r.yaml", "- a: 1\n---\n- b: 2", ["r.yaml", "holds 2 YAML documents", "Put all rows in one list"]],
    ["r.yaml", "- index: 1", ["r.yaml row 1", "'index' is reserved", "Rename it"]],
    ["r.yaml", "- a: 1\n- jobx: 1", ["r.yaml row 2", "'jobx' is reserved"]],
    ["r.json", '[{"__proto__": 1}]', ["r.json row 1", "'__proto__' is not allowed", "prototype"]],
    ["r.yaml", "- constructor: 1", ["'constructor' is not allowed"]],
    ["r.yaml", "- prototype: 1", ["'prototype' is not allowed"]],
    ["r.yaml", "- '': 1", ["r.yaml row 1", "a parameter name is empty"]],
  ])("%s %j is refused", (name, text, fragments) => {
    expectError(() => fileRows(file(name, text)), InputError, fragments);
  });

  it.each([
    ["r.yaml", ""],
    ["r.yaml", "# nothing yet\n"],
    ["r.yaml", "[]"],
    ["r.json", "[]"],
    ["r.json", "  \n"],
  ])("%s %j has no rows", (name, text) => {
    expectError(() => fileRows(file(name, text)), InputError, [`no rows in ${name}`, `leave out --params ${name}`]);
  });

  it("never lets __proto__ reach a row's prototype", () => {
    let error: unknown;
    try {
      fileRows(file("r.yaml", "- __proto__: {polluted: true}"));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("NDJSON files", () => {
  it("reads one object per line and skips blank lines", () => {
    expect(fileRows(file("r.ndjson", '{"a": 1}\n\n  \r\n{"b": "x"}\r\n'))).toEqual([{ a: 1 }, { b: "x" }]);
  });

  it.each([
    ['{"a": 1}\n[1]', ["r.ndjson line 2", "expected one JSON object per line"]],
    ['{"a": 1}\n\n{"a": ', ["r.ndjson line 3", "not valid JSON"]],
    ['{"a": 1, "a": 2}', ["r.ndjson line 1", 'duplicated mapping key "a"', "once per row"]],
    ['{"a": 1}\n{a: 1}', ["r.ndjson line 2", "not valid JSON"]],
    ['{"a": 1}\n{"index": 2}', ["r.ndjson line 2", "'index' is reserved"]],
    ['{"__proto__": {"x": 1}}', ["r.ndjson line 1", "'__proto__' is not allowed"]],
    ["\n\n", ["no rows in r.ndjson"]],
  ])("%j is refused with its line", (text, fragments) => {
    expectError(() => fileRows(file("r.ndjson", text)), InputError, fragments);
  });
});

describe("CSV files", () => {
  it.each([
    ["a,b\n1,2\n3,4\n", [{ a: "1", b: "2" }, { a: "3", b: "4" }]],
    ["a,b\r\n1,2\r\n", [{ a: "1", b: "2" }]],
    ["a,b\n1,2", [{ a: "1", b: "2" }]],
    ["\ufeffa,b\n1,2\n", [{ a: "1", b: "2" }]],
    ['a,b\n"x, y","say ""hi"""\n', [{ a: "x, y", b: 'say "hi"' }]],
    ['a,b\n"two\nlines",2\n', [{ a: "two\nlines", b: "2" }]],
    ["a,b\n1,2\n\n3,4\n\n", [{ a: "1", b: "2" }, { a: "3", b: "4" }]],
    ["a\n\"\"\n", [{ a: "" }]],
    ["a,b\n,\n", [{ a: "", b: "" }]],
    ["file name,n\nx y, 007\n", [{ "file name": "x y", n: " 007" }]],
    ["n,v,t\n1,1.10,true\n", [{ n: "1", v: "1.10", t: "true" }]],
  ])("%j", (text, rows) => {
    expect(fileRows(file("r.csv", text))).toEqual(rows);
  });

  it("keeps the header order for every row", () => {
    const [row] = fileRows(file("r.csv", "z,a,m\n1,2,3\n"));
    expect(Object.keys(row ?? {})).toEqual(["z", "a", "m"]);
  });

  it.each([
    ["a,b\n1,2\n3\n", ["r.csv line 3", "row 2 has 1 column but the header has 2", "one value per header column"]],
    ["a,b\n1,2,3\n", ["r.csv line 2", "row 1 has 3 columns but the header has 2"]],
    ['a,b\n"x\ny",2\n\n1,2,3\n', ["r.csv line 5", "row 2 has 3 columns"]],
    ["a,b,a,b,c\n1,2,3,4,5\n", ["r.csv line 1", 'repeats the column names "a", "b"', "rename or remove"]],
    ["a,,c\n1,2,3\n", ["r.csv line 1", "column 2 of the header has no name"]],
    ["a,index\n1,2\n", ["r.csv line 1", "'index' is reserved"]],
    ["a,params\n1,2\n", ["'params' is reserved"]],
    ["a,__proto__\n1,2\n", ["'__proto__' is not allowed"]],
    ['a,b\n1,"2\n', ["r.csv", "not valid CSV", "close every quote"]],
    ["a,b\n", ["no rows in r.csv"]],
    ["", ["no rows in r.csv"]],
    ["\n\n", ["no rows in r.csv"]],
  ])("%j is refused", (text, fragments) => {
    expectError(() => fileRows(file("r.csv", text)), InputError, fragments);
  });

  it("is sniffed from stdin", () => {
    expect(fileRows(file("-", "a,b\n1,2\n"))).toEqual([{ a: "1", b: "2" }]);
  });

  it("names stdin in messages", () => {
    expectError(() => fileRows(file("-", "a,b\n1\n")), InputError, ["stdin line 2"]);
  });
});

describe("duplicateJsonKey", () => {
  it.each([
    ['{"a": 1, "b": 2}', undefined],
    ['{"a": 1, "a": 2}', "a"],
    ['{"a": {"b": 1}, "b": 2}', undefined],
    ['{"a": {"b": 1, "b": 2}}', "b"],
    ['[{"a": 1}, {"a": 2}]', undefined],
    ['{"a": "a", "x": ["a", "a"]}', undefined],
    ['{"a\\"": 1, "a\\u0022": 2}', 'a"'],
    ['{"k\\\\": 1, "k": 2}', undefined],
    ['{"a" : 1, "b":{}, "a"\t:2}', "a"],
  ])("%s → %s", (json, expected) => {
    expect(duplicateJsonKey(json)).toBe(expected);
  });
});

describe("nested values", () => {
  it("keep YAML aliases shared instead of expanding them", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    // Four levels of ten: 100,000 values when written out, well within what aliases may add.
    for (let i = 1; i < 5; i++) levels.push(`l${i}: &l${i} [${Array(10).fill(i === 1 ? "*a" : `*l${i - 1}`).join(", ")}]`);
    const text = `- ${levels.join("\n  ")}`;
    const [row] = fileRows(file("bomb.yaml", text));
    const l4 = row?.l4 as unknown[][];
    expect(l4).toHaveLength(10);
    expect(l4[0]).toBe(l4[1]);
  });

  it("keep a nested __proto__ key as an ordinary key", () => {
    const [row] = fileRows(file("r.json", '[{"o": {"__proto__": {"polluted": true}}}]'));
    const o = row?.o as Record<string, unknown>;
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect(Object.keys(o)).toEqual(["__proto__"]);
    expect((o as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
