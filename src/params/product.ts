/**
 * Axes and their lazy combination. An axis is a list of partial rows (one source's
 * contribution); the plan is the cartesian product of the axes, walked like nested
 * for-loops with the first axis outermost, so rows never need to exist all at once.
 */
import type { Row } from "./types";

export type Entry = readonly [key: string, value: unknown];

export interface Axis {
  /** How messages name the source: "rows.csv", "--items", "--param size", "--range n". */
  readonly source: string;
  readonly length: number;
  /** Every key the axis can give, in first-seen order. */
  readonly keys: readonly string[];
  /** Where each of `keys` came from (same order); a zipped axis keeps the flags its lists came from. */
  readonly keySources: readonly string[];
  /** The key/value pairs at one position (0-based, below `length`). */
  entries(position: number): readonly Entry[];
}

/** An axis over values already in memory, one key per value. */
export function listAxis(source: string, key: string, values: readonly unknown[]): Axis {
  return {
    source,
    length: values.length,
    keys: [key],
    keySources: [source],
    entries: (position) => [[key, values[position]]],
  };
}

/** Pairs axes position by position; the caller has checked that their lengths agree. */
export function zipAxes(source: string, axes: readonly Axis[]): Axis {
  return {
    source,
    length: axes[0]?.length ?? 0,
    keys: axes.flatMap((axis) => axis.keys),
    keySources: axes.flatMap((axis) => axis.keySources),
    entries: (position) => axes.flatMap((axis) => axis.entries(position)),
  };
}

/**
 * The rows of the product, built one at a time. The last axis varies fastest, like
 * `for a of A: for b of B: ...` or Python's itertools.product. With no axes there is
 * exactly one row: the constants alone.
 */
export function* productRows(axes: readonly Axis[], constants: readonly Entry[]): Generator<Row> {
  if (axes.some((axis) => axis.length === 0)) return;
  const positions = axes.map(() => 0);
  for (;;) {
    const entries: Entry[] = [];
    axes.forEach((axis, k) => {
      for (const entry of axis.entries(positions[k] ?? 0)) entries.push(entry);
    });
    for (const entry of constants) entries.push(entry);
    // fromEntries defines own properties, so no key can ever reach the prototype.
    yield Object.fromEntries(entries) as Row;

    let k = axes.length - 1;
    for (; k >= 0; k--) {
      const next = (positions[k] ?? 0) + 1;
      if (next < (axes[k]?.length ?? 0)) {
        positions[k] = next;
        break;
      }
      positions[k] = 0;
    }
    if (k < 0) return;
  }
}
