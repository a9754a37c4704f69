/** The likely intended name for a misspelt one, for "did you mean …?" in messages. */

/** The nearest of `names` to `name` by edit distance (case ignored), however far. */
export function closestName(name: string, names: Iterable<string>): { name: string; distance: number } | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of names) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  return best;
}

/** The nearest of `names` to `name`, when it is close enough to be a likely typo. */
export function nearestName(name: string, names: Iterable<string>): string | undefined {
  const best = closestName(name, names);
  return best && best.distance <= Math.max(2, Math.floor(name.length / 3)) ? best.name : undefined;
}

/** Levenshtein distance with adjacent transpositions (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((d[i - 1] as number[])[j] as number + 1, (d[i] as number[])[j - 1] as number + 1, (d[i - 1] as number[])[j - 1] as number + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, (d[i - 2] as number[])[j - 2] as number + 1);
      (d[i] as number[])[j] = v;
    }
  }
  return (d[rows - 1] as number[])[cols - 1] as number;
}
