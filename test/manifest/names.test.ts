import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { deriveJobName, isValidJobName, maxJobNameLength } from "../../src/manifest/names";
import { isDnsLabel } from "../../src/text/dns";

const row = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.oneof(fc.string({ unit: "grapheme" }), fc.integer(), fc.boolean()), { maxKeys: 4 });
const input = fc.record({
  group: fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/),
  row,
  documentIndex: fc.nat(5),
  given: fc.option(fc.string({ unit: "grapheme", maxLength: 120 }), { nil: undefined }),
  maxLength: fc.integer({ min: 20, max: 63 }),
});

describe("isDnsLabel", () => {
  it.each([
    ["a", true],
    ["a-b-1", true],
    ["-a", false],
    ["a-", false],
    ["A", false],
    ["a_b", false],
    ["a".repeat(63), true],
    ["a".repeat(64), false],
  ])("%s → %s", (name, valid) => {
    expect(isDnsLabel(name)).toBe(valid);
  });
});

describe("maxJobNameLength", () => {
  it("reserves '-<completions-1>' for Indexed Jobs", () => {
    expect(maxJobNameLength(undefined)).toBe(63);
    expect(maxJobNameLength(1)).toBe(61);
    expect(maxJobNameLength(10)).toBe(61);
    expect(maxJobNameLength(11)).toBe(60);
  });
});

describe("deriveJobName (property)", () => {
  it("is always a valid Job name within the limit", () => {
    fc.assert(
      fc.property(input, (i) => {
        const name = deriveJobName(i);
        expect(isDnsLabel(name)).toBe(true);
        expect(name.length).toBeLessThanOrEqual(i.maxLength);
        expect(isValidJobName(name, undefined)).toBe(true);
      }),
    );
  });

  it("is deterministic", () => {
    fc.assert(
      fc.property(input, (i) => {
        expect(deriveJobName(structuredClone(i))).toBe(deriveJobName(i));
      }),
    );
  });

  it("gives distinct inputs distinct names, even when they differ only past the cut or in dropped characters", () => {
    fc.assert(
      fc.property(input, input, (a, b) => {
        fc.pre(JSON.stringify([a.group, a.row, a.documentIndex, a.given ?? null]) !== JSON.stringify([b.group, b.row, b.documentIndex, b.given ?? null]));
        expect(deriveJobName(a)).not.toBe(deriveJobName({ ...b, maxLength: a.maxLength }));
      }),
    );
    const long = "p".repeat(80);
    const base = { group: "g", documentIndex: 0, maxLength: 63 };
    expect(deriveJobName({ ...base, row: { item: `${long}1` }, given: undefined })).not.toBe(deriveJobName({ ...base, row: { item: `${long}2` }, given: undefined }));
    expect(deriveJobName({ ...base, row: { item: "a.b" }, given: "A.B" })).not.toBe(deriveJobName({ ...base, row: { item: "a_b" }, given: "A_B" }));
  });
});
