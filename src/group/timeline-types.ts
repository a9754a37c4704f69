/**
 * The contract between the timeline model (src/group/timeline-model.ts), its terminal
 * drawing (src/ui/timeline-drawing.ts) and the reports (src/report/). Times are epoch milliseconds.
 */
import type { Outcome } from "./member";

/** One pod of one member: an attempt. */
export interface PodBar {
  pod: string;
  /** The member Job's name and its row. */
  job: string;
  index: number;
  params: Record<string, unknown>;
  /**
   * 0 for a first try, 1 for the first retry, …: the pods of the same member (and the
   * same completion index) that failed or were deleted before this one was created.
   * Pods of other indexes, or running beside it for further completions, do not count.
   */
  attempt: number;
  /** Indexed Jobs: the pod's completion index. */
  completionIndex?: number;
  /** Pod created (metadata.creationTimestamp). */
  created: number;
  /** First container started running (containerStatuses[].state/lastState .startedAt); undefined while pending. */
  started?: number;
  /** Container finished (terminated.finishedAt); undefined while running or pending. */
  finished?: number;
  /** When the pod was deleted before finishing (metadata.deletionTimestamp), if so. */
  deleted?: number;
  outcome: "pending" | "running" | "succeeded" | "failed" | "deleted";
  exitCode?: number;
  /** Container restarts in place (restartPolicy OnFailure). */
  restarts: number;
}

export interface MemberSummary {
  job: string;
  index: number;
  params: Record<string, unknown>;
  outcome: Outcome;
  reason?: string;
  message?: string;
  /** Job status.startTime and the finish (completionTime or the deciding condition). */
  startTime?: number;
  finishTime?: number;
  parallelism?: number;
  completions?: number;
  /** Its pods, first tries and retries. */
  pods: number;
  /** The most tries any of its work took: 1 without retries, 0 with no pods. */
  attempts: number;
}

export interface Stats {
  count: number;
  p50?: number;
  p95?: number;
  max?: number;
}

export interface TimelineFigures {
  /** First pod created → last pod finished (or now, while running). */
  makespanMs: number;
  pods: number;
  failedPods: number;
  /** Pods that were retries (attempt > 0). */
  retries: number;
  /** Container restarts in place (restartPolicy OnFailure), over all pods. */
  restarts?: number;
  /** Pods deleted before they finished. */
  deletedPods?: number;
  coldStart: Stats;
  runTime: Stats;
  peakConcurrency: number;
  /** Most pods active at once (pending or running): what the parallelism limit caps. */
  peakActive?: number;
  meanConcurrency: number;
  /** Sum over members of their parallelism (the most pods the group may run at once). */
  parallelismLimit: number;
  /** Cold start time as a share of all pod time (0..1). */
  coldStartShare: number;
  /** One-line hints: "cold start dominates …", "the parallelism limit set the makespan …". */
  hints: string[];
}

export interface Timeline {
  group: string;
  /** Start and end of the time axis. */
  from: number;
  to: number;
  /** Whether the group was still running when this was taken. */
  running: boolean;
  members: MemberSummary[];
  bars: PodBar[];
  figures: TimelineFigures;
  /** Concurrency over time: running pods (started, not finished) at each step, for the compact view. */
  concurrency: { at: number; running: number; pending: number }[];
}
