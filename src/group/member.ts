/**
 * What a member Job's own status says: its outcome, counts and times. Pure: it reads
 * Job objects as the API server returns them (batch/v1 JobStatus).
 * Conditions per Kubernetes 1.31+: SuccessCriteriaMet / FailureTarget come first and
 * already decide the outcome; Complete / Failed follow once pods are gone.
 * (kubernetes/pkg/controller/job/job_controller.go)
 */

export type Outcome = "pending" | "running" | "suspended" | "succeeded" | "failed" | "missing" | "vanished";

export interface JobCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface JobLike {
  metadata: { name: string; uid?: string; creationTimestamp?: string; deletionTimestamp?: string; labels?: Record<string, string>; resourceVersion?: string };
  spec?: { completions?: number; parallelism?: number; suspend?: boolean; completionMode?: string };
  status?: {
    active?: number;
    ready?: number;
    succeeded?: number;
    failed?: number;
    startTime?: string;
    completionTime?: string;
    conditions?: JobCondition[];
    completedIndexes?: string;
    failedIndexes?: string;
  };
}

export interface MemberState {
  outcome: Outcome;
  reason?: string;
  message?: string;
  active: number;
  ready: number;
  succeeded: number;
  failed: number;
  /** Completions wanted; undefined in work-queue mode (completions unset). */
  completions?: number;
  startTime?: string;
  /** When the outcome was decided (the deciding condition's transition time). */
  finishTime?: string;
}

export function isFinished(outcome: Outcome): boolean {
  return outcome === "succeeded" || outcome === "failed";
}

function trueCondition(job: JobLike, ...types: string[]): JobCondition | undefined {
  for (const type of types) {
    const found = job.status?.conditions?.find((c) => c.type === type && c.status === "True");
    if (found) return found;
  }
  return undefined;
}

export function memberState(job: JobLike): MemberState {
  const s = job.status ?? {};
  const base = {
    active: s.active ?? 0,
    ready: s.ready ?? 0,
    succeeded: s.succeeded ?? 0,
    failed: s.failed ?? 0,
    completions: job.spec?.completions,
    startTime: s.startTime,
  };
  const failed = trueCondition(job, "Failed", "FailureTarget");
  if (failed) return { ...base, outcome: "failed", reason: failed.reason, message: failed.message, finishTime: failed.lastTransitionTime };
  const done = trueCondition(job, "Complete", "SuccessCriteriaMet");
  if (done) return { ...base, outcome: "succeeded", reason: done.reason, message: done.message, finishTime: s.completionTime ?? done.lastTransitionTime };
  if (job.spec?.suspend) return { ...base, outcome: "suspended", reason: trueCondition(job, "Suspended")?.reason };
  return { ...base, outcome: base.active > 0 || base.succeeded > 0 || base.failed > 0 ? "running" : "pending" };
}

/** A core/v1 Event, as much of it as matters here. */
export interface EventLike {
  type?: string;
  reason?: string;
  message?: string;
  involvedObject?: { kind?: string; name?: string };
  lastTimestamp?: string;
  eventTime?: string;
  metadata?: { creationTimestamp?: string };
}

// The Job controller's terminal events (pkg/controller/job/job_controller.go): "Completed"
// on success, a Warning with the failure reason otherwise.
const FAILURE_REASONS = new Set(["BackoffLimitExceeded", "DeadlineExceeded", "PodFailurePolicy", "MaxFailedIndexesExceeded", "FailedIndexes"]);

/**
 * The outcome of a Job that is gone (say, removed by ttlSecondsAfterFinished), from the
 * events the Job controller left behind; undefined when there are none.
 */
export function outcomeFromEvents(name: string, events: readonly EventLike[]): Pick<MemberState, "outcome" | "reason" | "message" | "finishTime"> | undefined {
  const time = (e: EventLike) => e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp ?? "";
  const terminal = events
    .filter((e) => e.involvedObject?.kind === "Job" && e.involvedObject.name === name && (e.reason === "Completed" || FAILURE_REASONS.has(e.reason ?? "")))
    .sort((a, b) => time(a).localeCompare(time(b)))
    .at(-1);
  if (!terminal) return undefined;
  return terminal.reason === "Completed"
    ? { outcome: "succeeded", reason: "Completed (Job deleted since)", message: terminal.message, finishTime: time(terminal) }
    : { outcome: "failed", reason: `${terminal.reason} (Job deleted since)`, message: terminal.message, finishTime: time(terminal) };
}
