import { hash53 } from "../text/hash";

/**
 * The names seen so far in an expansion, kept as 53-bit hashes in typed arrays: a
 * million names cost about 24 MB and nothing for the garbage collector to trace, where a
 * Map of strings cost ten times that and slowed every collection. A hash that was seen
 * before returns the row that had it; the caller confirms the collision exactly.
 */
export class NameSet {
  /** `hash` is hash53 but for tests, which give one that collides to reach the exact check. */
  constructor(private readonly hash: (text: string) => number = hash53) {}

  private hashes = new Float64Array(1024);
  private rows = new Int32Array(1024);
  private size = 0;

  /** Adds a name; returns the row that added the same hash before, if one did. */
  add(name: string, row: number): number | undefined {
    if ((this.size + 1) * 2 > this.hashes.length) this.grow();
    const h = this.hash(name) + 1; // 0 marks an empty slot
    const mask = this.hashes.length - 1;
    for (let slot = h % this.hashes.length; ; slot = (slot + 1) & mask) {
      const there = this.hashes[slot];
      if (there === 0) {
        this.hashes[slot] = h;
        this.rows[slot] = row;
        this.size++;
        return undefined;
      }
      if (there === h) return this.rows[slot];
    }
  }

  private grow(): void {
    const old = { hashes: this.hashes, rows: this.rows };
    this.hashes = new Float64Array(old.hashes.length * 2);
    this.rows = new Int32Array(old.rows.length * 2);
    const mask = this.hashes.length - 1;
    old.hashes.forEach((h, i) => {
      if (h === 0) return;
      let slot = h % this.hashes.length;
      while (this.hashes[slot] !== 0) slot = (slot + 1) & mask;
      this.hashes[slot] = h;
      this.rows[slot] = old.rows[i] ?? 0;
    });
  }
}
