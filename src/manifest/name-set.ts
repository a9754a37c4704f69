import { hash53 } from "../text/hash";

/**
 * The names seen so far in an expansion, kept in typed arrays as 32 bits of a name's
 * hash and the row that added it: 8 bytes a slot and nothing for the garbage collector to
 * trace, where a Map of strings cost twenty times that and slowed every collection.
 *
 * A name's slot is chosen by its whole 53-bit hash; only the slots from there to the
 * first empty one are compared, by their 32 bits. So a name that was not seen matches
 * one that was only when both land in one run of slots and share 32 bits: less than once
 * in a thousand expansions of a million names. A match returns the row that added the
 * other name; the caller confirms it exactly (renders that row again).
 *
 * The first table is sized for the names expected (one per row), at most two thirds
 * full. The full hash is not kept, so a table is never rehashed: more names (rows of
 * several Jobs) go to a new table twice the size, and a name is looked up in all of them.
 */
export class NameSet {
  private readonly tables: Table[];

  /** `hash` is hash53 but for tests, which give one that collides to reach the exact check. */
  constructor(
    expected = 0,
    private readonly hash: (text: string) => number = hash53,
  ) {
    this.tables = [new Table(Math.max(1024, Math.ceil(expected * 1.5) + 1))];
  }

  /** Adds a name; returns the row that added a name sharing its hash's bits, if one did. */
  add(name: string, row: number): number | undefined {
    const h = this.hash(name);
    for (const table of this.tables) {
      const earlier = table.find(h);
      if (earlier !== undefined) return earlier;
    }
    let newest = this.tables[this.tables.length - 1] as Table;
    if (newest.full()) this.tables.push((newest = new Table(newest.slots * 2)));
    newest.insert(h, row);
    return undefined;
  }
}

/** Open addressing with linear probing; a slot holds 32 bits of a hash and its row. */
class Table {
  private readonly bits: Uint32Array;
  /** The row that added each slot's name, plus 1: 0 marks an empty slot. */
  private readonly rows: Uint32Array;
  private size = 0;

  constructor(readonly slots: number) {
    this.bits = new Uint32Array(slots);
    this.rows = new Uint32Array(slots);
  }

  full(): boolean {
    return (this.size + 1) * 3 > this.slots * 2;
  }

  /** The row of the entry sharing `h`'s 32 bits in its run of slots, if there is one. */
  find(h: number): number | undefined {
    const bits = upperBits(h);
    for (let slot = h % this.slots; ; slot = this.next(slot)) {
      const row = this.rows[slot] as number;
      if (row === 0) return undefined;
      if (this.bits[slot] === bits) return row - 1;
    }
  }

  /** Puts `h` in the first empty slot of its run (the caller has looked it up first). */
  insert(h: number, row: number): void {
    let slot = h % this.slots;
    while (this.rows[slot] !== 0) slot = this.next(slot);
    this.bits[slot] = upperBits(h);
    this.rows[slot] = row + 1;
    this.size++;
  }

  private next(slot: number): number {
    return slot + 1 === this.slots ? 0 : slot + 1;
  }
}

/** The upper 32 of a 53-bit hash's bits (hash53 puts its first 32-bit hash there). */
function upperBits(h: number): number {
  return Math.floor(h / 0x200000) >>> 0;
}
