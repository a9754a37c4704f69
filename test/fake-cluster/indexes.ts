/**
 * completedIndexes / failedIndexes text (K: pkg/controller/job/indexed_job_utils.go):
 * ascending, comma separated, runs of three or more as "a-b", pairs as "a,b".
 */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].filter((n) => Number.isInteger(n) && n >= 0).sort((a, b) => a - b);
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] ?? 0) + 1) j++;
    const a = sorted[i] ?? 0;
    const b = sorted[j] ?? 0;
    if (j - i >= 2) parts.push(`${a}-${b}`);
    else for (let k = i; k <= j; k++) parts.push(String(sorted[k]));
    i = j + 1;
  }
  return parts.join(",");
}

export function parseIndexes(text: string | undefined | null): Set<number> {
  const out = new Set<number>();
  if (!text) return out;
  for (const part of text.split(",")) {
    const [a, b] = part.split("-");
    if (a === undefined || a.trim() === "") continue;
    const from = Number(a);
    const to = b === undefined ? from : Number(b);
    for (let n = from; n <= to; n++) out.add(n);
  }
  return out;
}

/** Pod-failure back-off of the Job controller: 10s · 2^(n-1), capped (K: pkg/controller/job/backoff_utils.go). */
export const DEFAULT_POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 600_000;

export function podFailureBackoffMs(failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(DEFAULT_POD_FAILURE_BACKOFF_MS * 2 ** (failures - 1), MAX_POD_FAILURE_BACKOFF_MS);
}
