import { describe, expect, it } from "vitest";
import { InputError, UsageError } from "../../src/errors";
import { MAX_ROWS, planRows } from "../../src/params/index";
import { expectError, file, rowsOf, spec } from "./helpers";

describe("no parameter options", () => {
  it("renders once with an empty row", () => {
    const plan = planRows(spec());
    expect(plan).toMatchObject({ count: 1, keys: [], empty: true });
    expect([...plan.rows()]).toEqual([{}]);
  });

  it("--set alone gives one row of constants", () => {
    const plan = planRows(spec({ sets: ["a=1", "b=x=y"] }));
    expect(plan).toMatchObject({ count: 1, keys: ["a", "b"], empty: false });
    expect([...plan.rows()]).toEqual([{ a: "1", b: "x=y" }]);
  });
});

describe("inline sources", () => {
  it("--items gives the key item, and repeated --items concatenate", () => {
    expect(rowsOf({ items: ["a,b", "c"] })).toEqual([{ item: "a" }, { item: "b" }, { item: "c" }]);
  });

  it("--range gives numbers", () => {
    expect(rowsOf({ ranges: ["n=2..0"] })).toEqual([{ n: 2 }, { n: 1 }, { n: 0 }]);
  });

  it("each --param is its own axis: the first varies slowest", () => {
    expect(rowsOf({ params: ["a=1,2", "b=x,y"] })).toEqual([
      { a: "1", b: "x" },
      { a: "1", b: "y" },
      { a: "2", b: "x" },
      { a: "2", b: "y" },
    ]);
  });

  it("orders axes: files in order, then items, params, ranges; then --set", () => {
    const plan = planRows(
      spec({
        files: [file("f1.csv", "f\n1\n2\n"), file("f2.yaml", "- g: true")],
        items: ["i1,i2"],
        params: ["p=q"],
        ranges: ["r=0..1"],
        sets: ["s=const"],
      }),
    );
    expect(plan.keys).toEqual(["f", "g", "item", "p", "r", "s"]);
    expect(plan.count).toBe(8);
    const rows = [...plan.rows()];
    expect(rows.map((row) => Object.keys(row))).toEqual(Array(8).fill(["f", "g", "item", "p", "r", "s"]));
    expect(rows.map((r) => `${String(r.f)}${String(r.item)}${String(r.r)}`)).toEqual([
      "1i10", "1i11", "1i20", "1i21", "2i10", "2i11", "2i20", "2i21",
    ]);
    expect(rows[0]).toEqual({ f: "1", g: true, item: "i1", p: "q", r: 0, s: "const" });
  });

  it("the order of flags of one kind is kept, whatever the order of kinds", () => {
    expect(planRows(spec({ params: ["z=1", "a=1"], ranges: ["y=1..1", "b=1..1"] })).keys).toEqual(["z", "a", "y", "b"]);
  });

  it("keys is the union of a file's keys in first-seen order", () => {
    const plan = planRows(spec({ files: [file("r.yaml", "- a: 1\n- b: 1\n  a: 2\n- c: 3")] }));
    expect(plan.keys).toEqual(["a", "b", "c"]);
    expect([...plan.rows()]).toEqual([{ a: 1 }, { b: 1, a: 2 }, { c: 3 }]);
  });
});

describe("--zip", () => {
  it("pairs every inline list position by position into one axis", () => {
    expect(rowsOf({ items: ["a,b"], params: ["p=x,y"], ranges: ["n=1..2"], zip: true })).toEqual([
      { item: "a", p: "x", n: 1 },
      { item: "b", p: "y", n: 2 },
    ]);
  });

  it("the zipped axis still combines with files, which vary slower", () => {
    expect(rowsOf({ files: [file("f.csv", "f\n1\n2\n")], params: ["a=x,y", "b=u,v"], zip: true, sets: ["s=1"] })).toEqual([
      { f: "1", a: "x", b: "u", s: "1" },
      { f: "1", a: "y", b: "v", s: "1" },
      { f: "2", a: "x", b: "u", s: "1" },
      { f: "2", a: "y", b: "v", s: "1" },
    ]);
  });

  it("lists every length when they differ", () => {
    expectError(() => planRows(spec({ items: ["a,b,c"], params: ["p=1,2"], ranges: ["n=1..5"], zip: true })), UsageError, [
      "--zip",
      "the same length",
      "item (--items): 3",
      "p (--param p): 2",
      "n (--range n): 5",
      "drop --zip",
    ]);
  });

  it.each([
    [{}, "but got none"],
    [{ params: ["a=1,2"] }, "but got only --param a"],
    [{ files: [file("f.csv", "a\n1\n"), file("g.csv", "b\n1\n")], items: ["x"] }, "but got only --items"],
  ])("needs at least two inline lists (%j)", (parts, what) => {
    expectError(() => planRows(spec({ ...parts, zip: true })), UsageError, ["--zip needs at least two lists", what, "drop --zip"]);
  });
});

describe("key rules", () => {
  it.each([
    [{ files: [file("rows.csv", "x\n1\n")], params: ["x=1"] }, "key 'x' comes from both rows.csv and --param x"],
    [{ files: [file("a.csv", "x\n1\n"), file("b.yaml", "- x: 1")] }, "key 'x' comes from both a.csv and b.yaml"],
    [{ params: ["x=1"], sets: ["x=2"] }, "key 'x' comes from both --param x and --set x"],
    [{ files: [file("-", "x,y\n1,2\n")], sets: ["y=2"] }, "key 'y' comes from both stdin and --set y"],
    [{ items: ["a"], params: ["item=b"] }, "key 'item' comes from both --items and --param item"],
    [{ params: ["n=1"], ranges: ["n=1..2"] }, "key 'n' comes from both --param n and --range n"],
    [{ params: ["n=1,2", "m=2,3"], ranges: ["n=1..2"], zip: true }, "key 'n' comes from both --param n and --range n"],
  ])("a key from two sources is refused (%#)", (parts, message) => {
    expectError(() => planRows(spec(parts)), InputError, [message, "rename it in one of them"]);
  });

  it("the same file twice is refused as such", () => {
    expectError(() => planRows(spec({ files: [file("r.csv", "x\n1\n"), file("r.csv", "x\n1\n")] })), InputError, ["r.csv is given twice", "Give each file once"]);
  });

  it.each([
    [{ params: ["a=1", "a=2,3"] }, ["--param a is given twice", "--param a=1,2,3"]],
    [{ ranges: ["a=1..2", "a=3..4"] }, ["--range a is given twice"]],
    [{ sets: ["a=1", "a=2"] }, ["--set a is given twice", '"a=1"', '"a=2"']],
  ])("a flag repeating its key is refused (%#)", (parts, fragments) => {
    expectError(() => planRows(spec(parts)), UsageError, fragments);
  });

  it.each([
    [{ params: ["index=1"] }, "--param index", "'index' is reserved"],
    [{ ranges: ["jobx=1..2"] }, "--range jobx", "'jobx' is reserved"],
    [{ sets: ["params=1"] }, "--set params", "'params' is reserved"],
    [{ params: ["__proto__=1"] }, "--param __proto__", "'__proto__' is not allowed"],
    [{ sets: ["constructor=1"] }, "--set constructor", "'constructor' is not allowed"],
    [{ params: ["prototype=1"] }, "--param prototype", "'prototype' is not allowed"],
  ])("reserved keys are refused with the reason (%#)", (parts, where, reason) => {
    expectError(() => planRows(spec(parts)), InputError, [where, reason, "Rename it"]);
  });

  it("allows keys that are not identifiers", () => {
    expect(rowsOf({ params: ["file name=a"], sets: ["a-b=1"] })).toEqual([{ "file name": "a", "a-b": "1" }]);
  });

  it("rows are plain objects whose prototype no key can touch", () => {
    const [row] = rowsOf({ sets: ["toString=x", "hasOwnProperty=y"] });
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(row).toEqual({ toString: "x", hasOwnProperty: "y" });
  });
});

describe("laziness and limits", () => {
  it("counts without building rows, and builds them one at a time", () => {
    const plan = planRows(spec({ ranges: ["a=1..10000", "b=1..10000"] }));
    expect(plan.count).toBe(MAX_ROWS);
    const first: unknown[] = [];
    for (const row of plan.rows()) {
      first.push(row);
      if (first.length === 3) break;
    }
    expect(first).toEqual([{ a: 1, b: 1 }, { a: 1, b: 2 }, { a: 1, b: 3 }]);
  });

  it("a million-row product streams through in order", () => {
    const plan = planRows(spec({ ranges: ["a=0..99", "b=0..99", "c=0..99"] }));
    expect(plan.count).toBe(1_000_000);
    let n = 0;
    let last: unknown;
    for (const row of plan.rows()) {
      if (n === 123_456) expect(row).toEqual({ a: 12, b: 34, c: 56 });
      last = row;
      n++;
    }
    expect(n).toBe(1_000_000);
    expect(last).toEqual({ a: 99, b: 99, c: 99 });
  });

  it("iterating twice gives the same rows, as fresh objects", () => {
    const plan = planRows(spec({ files: [file("r.yaml", "- a: {n: 1}\n- a: {n: 2}")], items: ["x,y"], sets: ["s=1"] }));
    const once = [...plan.rows()];
    const twice = [...plan.rows()];
    expect(twice).toEqual(once);
    expect(once).toHaveLength(plan.count);
    expect(twice[0]).not.toBe(once[0]);
  });

  it("refuses more than the row limit, naming every axis", () => {
    expectError(() => planRows(spec({ ranges: ["a=1..10000", "b=1..10000", "c=1..2"] })), InputError, [
      "more than 100,000,000 rows",
      "--range a: 10000 × --range b: 10000 × --range c: 2",
      "--zip",
    ]);
  });

  it("reports a file error before it would matter for the product", () => {
    expectError(() => planRows(spec({ files: [file("r.csv", "a\n")], items: ["x"] })), InputError, ["no rows in r.csv"]);
  });
});
