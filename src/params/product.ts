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
  /** Sets one position's keys on `row`, as `entries` gives them, without making the pairs (a file's rows: a million of them). */
  assign?(position: number, row: Record<string, unknown>): void;
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

function setOwn(row: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(row, key, { value, enumerable: true, writable: true, configurable: true });
  else row[key] = value;
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
    // Every key was checked when it was read (checkKey refuses __proto__, constructor and
    // prototype); an own property is defined all the same should one ever get past.
    const row: Record<string, unknown> = {};
    for (let k = 0; k < axes.length; k++) {
      const axis = axes[k] as Axis;
      const position = positions[k] ?? 0;
      if (axis.assign) axis.assign(position, row);
      else for (const [key, value] of axis.entries(position)) setOwn(row, key, value);
    }
    for (const [key, value] of constants) setOwn(row, key, value);
    yield row as Row;

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
