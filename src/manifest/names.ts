/**
 * Kubernetes names for Jobs: what is valid, and the deterministic name jobx derives when a
 * template gives none or gives one the API server would refuse.
 */
import { isDnsLabel, MAX_LABEL, toDnsLabel } from "../text/dns";
import { shortHash } from "../text/hash";


/**
 * The longest name a Job may have. The API server adds the Job's name as the
 * `batch.kubernetes.io/job-name` label (≤ 63), and an Indexed Job's pods get the
 * hostname `<name>-<index>`, which must be a DNS label too (validation.go:
 * validateIndexedJobName... see KUBE-SPEC §6).
 */
export function maxJobNameLength(indexedCompletions: number | undefined): number {
  if (indexedCompletions === undefined || indexedCompletions < 1) return MAX_LABEL;
  return MAX_LABEL - 1 - String(indexedCompletions - 1).length;
}

export function isValidJobName(name: string, indexedCompletions: number | undefined): boolean {
  return isDnsLabel(name) && name.length <= maxJobNameLength(indexedCompletions);
}

const HASH_LENGTH = 8;

/**
 * A valid Job name derived from the group and the row. The hash covers everything that
 * identifies the document (group, row values, the document's place in the row, the name
 * the template gave), so rows that differ only past the cut, or only in characters that
 * sanitising drops, still get different names; the same inputs always give the same name.
 */
export function deriveJobName(input: {
  group: string;
  row: Record<string, unknown>;
  documentIndex: number;
  given: string | undefined;
  maxLength: number;
}): string {
  const hash = shortHash(JSON.stringify([input.group, input.row, input.documentIndex, input.given ?? null]), HASH_LENGTH);
  const values = Object.values(input.row)
    .filter((v) => v === null || typeof v !== "object")
    .map((v) => String(v))
    .join("-");
  const base = input.given ? toDnsLabel(input.given) : toDnsLabel(values ? `${input.group}-${values}` : input.group);
  const room = input.maxLength - HASH_LENGTH - 1;
  const prefix = base.slice(0, room).replace(/-+$/, "");
  return prefix ? `${prefix}-${hash}` : `j${hash}`;
}
