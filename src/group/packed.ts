/**
 * The items of a packed group, read from their Indexed Job: an item's outcome is its
 * completion index's, from the Job's own `completedIndexes` and `failedIndexes` (never a
 * pod per item), refined by the pods that failed — how often each index was tried, and,
 * with --per-pod, which of a failed pod's rows failed (its termination message lists
 * their exit codes). Pure: Job and Pod objects as the API returns them.
 */
import { rowsFromMessage } from "../pack/resolver";
import { memberState, type JobLike, type MemberState } from "./member";
import type { Member } from "./record";

/** "1,3-5,7" → {1, 3, 4, 5, 7}: the Job controller's format for completed and failed indexes. */
export function parseIndexes(text: string | undefined): Set<number> {
  const out = new Set<number>();
  for (const part of (text ?? "").split(",")) {
    const [a, b] = part.split("-").map((n) => Number(n));
    if (a === undefined || !Number.isInteger(a)) continue;
    for (let i = a; i <= (b !== undefined && Number.isInteger(b) ? b : a); i++) out.add(i);
  }
  return out;
}

export const COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";
const JOB_NAME_LABELS = ["batch.kubernetes.io/job-name", "job-name"];

/** As much of a pod as an item's state needs. */
export interface IndexPod {
  metadata: { name: string; creationTimestamp?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  status?: { phase?: string; containerStatuses?: { state?: { terminated?: { exitCode?: number; message?: string; finishedAt?: string } } }[] };
}

export function podJob(pod: IndexPod): string | undefined {
  for (const label of JOB_NAME_LABELS) if (pod.metadata.labels?.[label]) return pod.metadata.labels[label];
  return undefined;
}

export function podIndex(pod: IndexPod): number | undefined {
  const text = pod.metadata.annotations?.[COMPLETION_INDEX] ?? pod.metadata.labels?.[COMPLETION_INDEX];
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

/** What the pods of one packed Job say, per completion index: running now, failures, and the rows' exit codes of the last failed pod. */
export interface IndexPods {
  running: Set<number>;
  failures: Map<number, number>;
  /** Per index, the exit code of each of the last failed pod's rows (--per-pod), or of the pod (one row). */
  lastFailure: Map<number, { rows: Map<number, number>; exitCode?: number }>;
}

export function indexPods(pods: readonly IndexPod[], job: string): IndexPods {
  const out: IndexPods = { running: new Set(), failures: new Map(), lastFailure: new Map() };
  const latest = new Map<number, string>();
  for (const pod of pods) {
    if (podJob(pod) !== job) continue;
    const index = podIndex(pod);
    if (index === undefined) continue;
    const phase = pod.status?.phase;
    if (phase === "Running" || phase === "Pending") out.running.add(index);
    if (phase !== "Failed") continue;
    out.failures.set(index, (out.failures.get(index) ?? 0) + 1);
    const created = pod.metadata.creationTimestamp ?? "";
    if ((latest.get(index) ?? "") > created) continue;
    latest.set(index, created);
    const terminated = pod.status?.containerStatuses?.map((c) => c.state?.terminated).find((t) => t !== undefined);
    out.lastFailure.set(index, { rows: rowsFromMessage(terminated?.message), ...(terminated?.exitCode !== undefined ? { exitCode: terminated.exitCode } : {}) });
  }
  return out;
}

/** Each item's state, from its packed Job (and, when given, that Job's pods that did not succeed). */
export function itemStates(job: JobLike, items: readonly Member[], pods?: IndexPods): Map<string, MemberState> {
  const completed = parseIndexes(job.status?.completedIndexes);
  const failed = parseIndexes(job.status?.failedIndexes);
  const whole = memberState(job);
  const states = new Map<string, MemberState>();
  for (const item of items) {
    const at = item.packed?.at;
    if (at === undefined) continue;
    const failures = pods?.failures.get(at) ?? 0;
    const base = { active: 0, ready: 0, succeeded: 0, failed: failures, completions: 1, ...(whole.startTime ? { startTime: whole.startTime } : {}) };
    const last = pods?.lastFailure.get(at);
    const ownCode = last?.rows.get(item.index);
    if (completed.has(at)) {
      states.set(item.name, { ...base, outcome: "succeeded", succeeded: 1, reason: "Completed", message: `index ${at} of ${job.metadata.name} completed` });
    } else if (failed.has(at) || (whole.outcome === "failed" && !completed.has(at))) {
      // With --per-pod, a failed pod's other rows may have succeeded: its termination message says which.
      if (ownCode === 0) {
        states.set(item.name, { ...base, outcome: "succeeded", succeeded: 1, reason: "Completed", message: `row ${item.index} exited 0; its pod failed for another of its rows` });
        continue;
      }
      const code = ownCode ?? last?.exitCode;
      const reason = failed.has(at) ? "BackoffLimitExceeded" : (whole.reason ?? "Failed");
      states.set(item.name, { ...base, outcome: "failed", failed: Math.max(1, failures), reason, message: `index ${at} of ${job.metadata.name} failed${code !== undefined ? ` (exit code ${code})` : ""}${failed.has(at) ? "" : `: ${whole.message ?? "the Job failed"}`}` });
    } else if (whole.outcome === "succeeded") {
      states.set(item.name, { ...base, outcome: "succeeded", succeeded: 1, reason: whole.reason ?? "Completed" });
    } else if (whole.outcome === "suspended") {
      states.set(item.name, { ...base, outcome: "suspended", reason: whole.reason ?? "JobSuspended" });
    } else {
      const running = pods?.running.has(at) ?? false;
      states.set(item.name, { ...base, outcome: running ? "running" : "pending", active: running ? 1 : 0 });
    }
  }
  return states;
}
