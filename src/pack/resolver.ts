/**
 * What runs first in a packed pod: a POSIX sh script that picks the pod's row (or rows,
 * with --per-pod) by its completion index, gives the container that row's command, args
 * and env — read from the rows ConfigMap mounted at ROWS_DIR — and runs it. The row files
 * are written by jobx, never by a value: each value is one single-quoted shell word.
 *
 * The contract, for people writing templates:
 * - A packed container runs `/bin/sh -c RESOLVER`: its image needs a shell at /bin/sh.
 *   (An image without one can still be packed when nothing of its container varies per
 *   row: it then reads its row itself, from ROWS_DIR/<row>.json or the JOB_COMPLETION_INDEX
 *   the Job controller gives every pod.)
 * - The row's command runs with `exec`, with the row's own argv and env, as it would have
 *   in a Job of its own; kubelet's `$(VAR)` expansion of command and args is done by jobx
 *   when it packs (the values are known then).
 * - With --per-pod K, the K rows of a pod run one after another: each is framed in the log
 *   by `[jobx] row N begins` and `[jobx] row N ended with exit code C`, and the pod's
 *   termination message lists every row's exit code (`jobx-rows 17=0 18=1`); the pod fails
 *   when any of its rows failed, so Kubernetes retries the index — all K rows — up to the
 *   row's backoffLimit.
 */

/** Where the rows ConfigMaps are mounted in a packed pod. */
export const ROWS_DIR = "/var/run/jobx/rows";
/** How a per-pod row is framed in the log; jobx logs reads these back. */
export const ROW_BEGINS = /^\[jobx\] row (\d+) begins$/;
export const ROW_ENDS = /^\[jobx\] row (\d+) ended with exit code (\d+)$/;
/** The termination message of a --per-pod pod: each row's exit code. */
export const ROWS_MESSAGE = /^jobx-rows((?: \d+=\d+)*)\s*$/;

/** One shell word holding exactly `text`, whatever it contains. */
export function shellWord(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A row's file for one container: its argv and the env values that are its own. */
export function rowFile(argv: readonly string[], env: readonly (readonly [string, string])[]): string {
  const lines = [`set -- ${argv.map(shellWord).join(" ")}`];
  for (const [name, value] of env) lines.push(`export ${name}=${shellWord(value)}`);
  return `${lines.join("\n")}\n`;
}

/** The ConfigMap key of a row's file for container number `container`. */
export function rowKey(row: number, container: number): string {
  return `${row}.${container}`;
}

/**
 * The script for container number `container`. The pod's rows: with JOBX_ROWS (a retry's
 * list of rows, in index order) its K entries from index·K; otherwise JOBX_FIRST_ROW + index·K
 * onwards, up to JOBX_END_ROW.
 */
export function resolverScript(container: number, perPod: number): string {
  const head = [
    "set -u",
    `i=\${JOB_COMPLETION_INDEX:?jobx: this pod has no completion index}`,
    `k=${perPod}`,
    `run_row() { . "${ROWS_DIR}/$1.${container}" || exit 127; exec "$@"; }`,
    // The rows of this pod, one per line.
    `rows() { if [ -n "\${JOBX_ROWS:-}" ]; then n=0; for r in $JOBX_ROWS; do [ "$n" -ge $((i * k)) ] && [ "$n" -lt $((i * k + k)) ] && echo "$r"; n=$((n + 1)); done; else r=$((JOBX_FIRST_ROW + i * k)); e=$((r + k)); [ "$e" -gt "$JOBX_END_ROW" ] && e=$JOBX_END_ROW; while [ "$r" -lt "$e" ]; do echo "$r"; r=$((r + 1)); done; fi; }`,
  ];
  if (perPod === 1) return [...head, `run_row "$(rows)"`].join("\n");
  return [
    ...head,
    "status=0",
    "results=",
    "for r in $(rows); do",
    `  echo "[jobx] row $r begins"`,
    `  (run_row "$r")`,
    "  code=$?",
    `  echo "[jobx] row $r ended with exit code $code"`,
    `  results="$results $r=$code"`,
    "  [ \"$code\" -eq 0 ] || status=1",
    "done",
    `printf 'jobx-rows%s\\n' "$results" > /dev/termination-log 2>/dev/null || true`,
    "exit $status",
  ].join("\n");
}

/** Each row's exit code from a --per-pod pod's termination message. */
export function rowsFromMessage(message: string | undefined): Map<number, number> {
  const out = new Map<number, number>();
  const match = ROWS_MESSAGE.exec((message ?? "").trim());
  if (!match) return out;
  for (const pair of (match[1] ?? "").trim().split(/\s+/).filter(Boolean)) {
    const [row, code] = pair.split("=").map(Number);
    if (row !== undefined && code !== undefined && Number.isInteger(row) && Number.isInteger(code)) out.set(row, code);
  }
  return out;
}
