import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { NameSet } from "../../src/manifest/name-set";
import { hash53 } from "../../src/text/hash";

describe("NameSet", () => {
  it("returns the row that added a name before, across growth", () => {
    const names = new NameSet();
    for (let i = 0; i < 5000; i++) expect(names.add(`job-${i}`, i)).toBeUndefined();
    expect(names.add("job-42", 9999)).toBe(42);
    expect(names.add("job-4999", 10_000)).toBe(4999);
  });

  it("gives distinct names distinct 53-bit hashes (property)", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z0-9-]{1,63}$/), { minLength: 2, maxLength: 200 }), (list) => {
        expect(new Set(list.map(hash53)).size).toBe(list.length);
        const names = new NameSet();
        list.forEach((name, row) => expect(names.add(name, row)).toBeUndefined());
      }),
    );
    expect(hash53("a")).toBeLessThan(2 ** 53);
  });
});
