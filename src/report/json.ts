/**
 * The group as JSON for scripts and dashboards. Every key is always present (null when
 * unknown), in the order the types below list them, so two reports diff line by line.
 */
import type { Outcome } from "../group/member";
import type { PodBar, Stats, Timeline } from "../group/timeline-types";
import type { GroupPhase } from "../group/outcome";
import { barEnd } from "../group/timeline-model";
import { coldStartMs, groupState, memberDurationMs, runMs, sortedMembers } from "./text";

/** Times are ISO 8601 UTC strings; durations are milliseconds. */
export interface JsonPod {
  pod: string;
  /** 1 for the member's first pod, 2 for the next, … */
  attempt: number;
  completionIndex: number | null;
  outcome: PodBar["outcome"];
  exitCode: number | null;
  restarts: number;
  created: string;
  started: string | null;
  /** Finished, or deleted before finishing. */
  ended: string | null;
  /** Created → first container running (to the report's time while still pending). */
  coldStartMs: number | null;
  /** Running → ended (to the report's time while still running). */
  runMs: number | null;
}

export interface JsonMember {
  index: number;
  job: string;
  /** The row's parameters, in the row's column order. */
  params: Record<string, unknown>;
  outcome: Outcome;
  reason: string | null;
  message: string | null;
  attempts: number;
  parallelism: number | null;
  completions: number | null;
  startTime: string | null;
  finishTime: string | null;
  durationMs: number | null;
  pods: JsonPod[];
}

export interface JsonStats {
  count: number;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
}

export interface JsonReport {
  /** Bumped when a key changes meaning or goes away; new keys may appear without a bump. */
  schema: "jobx.report/v1";
  group: string;
  verdict: GroupPhase;
  running: boolean;
  from: string;
  to: string;
  figures: {
    makespanMs: number;
    members: number;
    succeeded: number;
    failed: number;
    pods: number;
    failedPods: number;
    retries: number;
    coldStart: JsonStats;
    runTime: JsonStats;
    peakConcurrency: number;
    meanConcurrency: number;
    parallelismLimit: number;
    /** 0..1 */
    coldStartShare: number;
    hints: string[];
  };
  members: JsonMember[];
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());
const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);
const stats = (s: Stats): JsonStats => ({ count: s.count, p50Ms: orNull(s.p50), p95Ms: orNull(s.p95), maxMs: orNull(s.max) });

export function jsonReport(timeline: Timeline): JsonReport {
  const f = timeline.figures;
  const members = sortedMembers(timeline.members).map((m): JsonMember => {
    const pods = timeline.bars
      .filter((b) => b.job === m.job)
      .sort((a, b) => a.attempt - b.attempt || a.created - b.created)
      .map(
        (b): JsonPod => ({
          pod: b.pod,
          attempt: b.attempt + 1,
          completionIndex: orNull(b.completionIndex),
          outcome: b.outcome,
          exitCode: orNull(b.exitCode),
          restarts: b.restarts,
          created: new Date(b.created).toISOString(),
          started: iso(b.started),
          ended: iso(barEnd(b)),
          coldStartMs: orNull(coldStartMs(b, timeline.to)),
          runMs: orNull(runMs(b, timeline.to)),
        }),
      );
    return {
      index: m.index,
      job: m.job,
      params: m.params,
      outcome: m.outcome,
      reason: orNull(m.reason),
      message: orNull(m.message),
      attempts: m.attempts,
      parallelism: orNull(m.parallelism),
      completions: orNull(m.completions),
      startTime: iso(m.startTime),
      finishTime: iso(m.finishTime),
      durationMs: orNull(memberDurationMs(m, timeline)),
      pods,
    };
  });
  return {
    schema: "jobx.report/v1",
    group: timeline.group,
    verdict: groupState(timeline),
    running: timeline.running,
    from: new Date(timeline.from).toISOString(),
    to: new Date(timeline.to).toISOString(),
    figures: {
      makespanMs: f.makespanMs,
      members: members.length,
      succeeded: members.filter((m) => m.outcome === "succeeded").length,
      failed: members.filter((m) => m.outcome === "failed").length,
      pods: f.pods,
      failedPods: f.failedPods,
      retries: f.retries,
      coldStart: stats(f.coldStart),
      runTime: stats(f.runTime),
      peakConcurrency: f.peakConcurrency,
      meanConcurrency: f.meanConcurrency,
      parallelismLimit: f.parallelismLimit,
      coldStartShare: f.coldStartShare,
      hints: [...f.hints],
    },
    members,
  };
}
