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

  it("finds names in the table sized for them and, past it, in the tables added for more", () => {
    const names = new NameSet(100);
    // 100 expected: 1024 slots, two thirds full at 682; 5000 names fill a table of 2048 and one of 4096.
    for (let i = 0; i < 5000; i++) expect(names.add(`job-${i}`, i)).toBeUndefined();
    for (const i of [0, 1, 681, 682, 683, 2047, 2048, 4999]) expect(names.add(`job-${i}`, 10_000 + i)).toBe(i);
    const sized = new NameSet(100_000);
    for (let i = 0; i < 100_000; i++) expect(sized.add(`job-${i}`, i)).toBeUndefined();
    expect(sized.add("job-77777", 1)).toBe(77_777);
  });

  it("matches names whose hashes share their upper 32 bits: the caller checks those exactly", () => {
    // Same upper 32 bits, lower 21 that differ but give the same slot of 1024: the second returns the first's row.
    const hash = (name: string) => 0x12345678 * 0x200000 + name.length * 1024;
    const names = new NameSet(0, hash);
    expect(names.add("a", 3)).toBeUndefined();
    expect(names.add("bb", 4)).toBe(3);
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
