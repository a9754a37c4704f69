/** An axis from rows a file reader has already parsed: one position per row, keys checked once. */
import { InputError } from "../errors";
import { checkKey } from "./keys";
import type { Axis, Entry } from "./product";

/** Builds an axis from parsed rows, checking each key once. */
export function rowsAxis(source: string, rows: readonly (readonly Entry[])[], rowWhere: (index: number) => string): Axis {
  if (rows.length === 0) {
    throw new InputError(`no rows in ${source}: a parameter file needs at least one row. Add rows, or leave out --params ${source === "stdin" ? "-" : source} to render once.`);
  }
  const keys: string[] = [];
  const seen = new Set<string>();
  rows.forEach((entries, index) => {
    for (const [key] of entries) {
      if (seen.has(key)) continue;
      checkKey(key, rowWhere(index));
      seen.add(key);
      keys.push(key);
    }
  });
  return {
    source,
    length: rows.length,
    keys,
    keySources: keys.map(() => source),
    entries: (position) => rows[position] ?? [],
  };
}
