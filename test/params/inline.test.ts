import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors";
import { escapeListItem, parseParam, parseRange, parseSet, splitList } from "../../src/params/inline";
import { expectError } from "./helpers";

describe("splitList", () => {
  it.each([
    ["a", ["a"]],
    ["a,b,c", ["a", "b", "c"]],
    ["a\\,b,c", ["a,b", "c"]],
    ["a\\\\,b", ["a\\", "b"]],
    ["a\\\\\\,b", ["a\\,b"]],
    ["C:\\tmp,x", ["C:\\tmp", "x"]],
    ["ends\\", ["ends\\"]],
    [" spaced , kept ", [" spaced ", " kept "]],
    ["\\,", [","]],
    ["ünï,😀", ["ünï", "😀"]],
  ])("%j → %j", (text, expected) => {
    expect(splitList(text, "--items")).toEqual(expected);
  });

  it.each([
    ["a,,b", "value 2 of 3 is empty"],
    ["a,b,", "value 3 of 3 is empty"],
    [",a", "value 1 of 2 is empty"],
    ["", "the list is empty"],
  ])("refuses %j with the flag, the position and the fix", (text, what) => {
    expectError(() => splitList(text, "--items"), UsageError, ["--items", JSON.stringify(text), what, "Remove the extra comma", "\\,"]);
  });
});

describe("escapeListItem", () => {
  it.each([
    ["plain", "plain"],
    ["a,b", "a\\,b"],
    ["back\\slash", "back\\\\slash"],
    ["\\,", "\\\\\\,"],
  ])("%j → %j", (value, escaped) => {
    expect(escapeListItem(value)).toBe(escaped);
    expect(splitList(escaped, "--items")).toEqual([value]);
  });
});

describe("parseParam", () => {
  it.each([
    ["size=small,large", "size", ["small", "large"]],
    ["size=a=b", "size", ["a=b"]],
    ["file name=x", "file name", ["x"]],
    ["k=a\\,b", "k", ["a,b"]],
  ])("%j", (text, key, values) => {
    expect(parseParam(text)).toEqual({ key, values });
  });

  it.each([
    ["size", 'missing "="'],
    ["=a,b", 'the name before "=" is empty'],
  ])("refuses %j and shows the expected form", (text, what) => {
    expectError(() => parseParam(text), UsageError, ["--param", what, "--param KEY=VALUE[,VALUE...]", "--param size=small,large"]);
  });

  it("names the key when a value is empty", () => {
    expectError(() => parseParam("size=a,"), UsageError, ["--param size", "value 2 of 2 is empty"]);
  });
});

describe("parseSet", () => {
  it.each([
    ["region=eu-west-1", "region", "eu-west-1"],
    ["x=", "x", ""],
    ["x=a=b,c\\,d", "x", "a=b,c\\,d"],
  ])("%j keeps everything after the first = as typed", (text, key, value) => {
    expect(parseSet(text)).toEqual({ key, value });
  });

  it.each([
    ["region", 'missing "="'],
    ["=x", 'the name before "=" is empty'],
  ])("refuses %j", (text, what) => {
    expectError(() => parseSet(text), UsageError, ["--set", what, "--set KEY=VALUE", "--set region=eu-west-1"]);
  });
});

describe("parseRange", () => {
  const values = (text: string) => {
    const { start, step, count } = parseRange(text);
    return Array.from({ length: count }, (_, i) => start + i * step);
  };

  it.each([
    ["n=1..3", [1, 2, 3]],
    ["n=0..0", [0]],
    ["n=3..1", [3, 2, 1]],
    ["n=0..10:3", [0, 3, 6, 9]],
    ["n=0..9:3", [0, 3, 6, 9]],
    ["n=10..0:-5", [10, 5, 0]],
    ["n=-2..2:2", [-2, 0, 2]],
    ["n=+1..2", [1, 2]],
    ["n=5..5:-3", [5]],
    ["n= 1..2 ", [1, 2]],
  ])("%j → %j (END included when a step lands on it)", (text, expected) => {
    expect(values(text)).toEqual(expected);
  });

  it("gives numbers, not strings", () => {
    expect(typeof parseRange("n=1..2").start).toBe("number");
  });

  it.each([
    ["n", ['missing "="', "--range KEY=START..END[:STEP]", "--range shard=0..9"]],
    ["=1..2", ['the name before "=" is empty']],
    ["n=1-5", ["--range n", "expected START..END or START..END:STEP", "--range n=0..9"]],
    ["n=1..", ["expected START..END"]],
    ["n=1.5..3", ["expected START..END"]],
    ["n=a..b", ["expected START..END"]],
    ["n=1..5:0", ["--range n", "the step is 0", "Use a step like 1 or -1"]],
    ["n=1..5:-1", ["--range n", "a step of -1 never gets from 1 to 5", "--range n=1..5:1"]],
    ["n=5..1:2", ["a step of 2 never gets from 5 to 1", "--range n=5..1:-2"]],
    ["n=0..10000000", ["10000001 values", "more than the limit of 10000000", "typo"]],
    ["n=0..99999999999999999999", ["too large"]],
  ])("refuses %j", (text, fragments) => {
    expectError(() => parseRange(text), UsageError, fragments);
  });

  it("accepts exactly the limit", () => {
    expect(parseRange("n=1..10000000").count).toBe(10_000_000);
  });
});
