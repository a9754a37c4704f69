import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { decimal } from "../../src/text/decimal";

describe("decimal", () => {
  it("writes what String writes, for every number (property)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: 2_000_000_000 }), fc.integer(), fc.maxSafeInteger(), fc.double()), (n) => {
        expect(decimal(n)).toBe(String(n));
      }),
      { numRuns: 2000 },
    );
  });

  it("is exact at the edges of its pieces", () => {
    for (const n of [0, -0, 7, 999, 1000, 1001, 10_010, 999_999, 1_000_000, 1_000_007, 12_003_045, 999_999_999, 1e9, -1, -1000, -999_999_999, 0.5, NaN, Infinity]) {
      expect(decimal(n)).toBe(String(n));
    }
  });
});
