/**
 * The one rule for what a group's state is, from its members' outcomes. `status`,
 * `list`, `wait`, the live view and the reports all ask here, so a group is never
 * shown one way by one command and another way by the next.
 */
import { EXIT, type ExitCode } from "../errors";
import type { Outcome } from "./member";

export interface GroupCounts {
  total: number;
  succeeded: number;
  failed: number;
  running: number;
  pending: number;
  suspended: number;
  missing: number;
  vanished: number;
}

export function emptyCounts(): GroupCounts {
  return { total: 0, succeeded: 0, failed: 0, running: 0, pending: 0, suspended: 0, missing: 0, vanished: 0 };
}

export function countOutcomes(outcomes: Iterable<Outcome>): GroupCounts {
  const c = emptyCounts();
  for (const outcome of outcomes) {
    c.total++;
    c[outcome]++;
  }
  return c;
}

/**
 * pending: nothing has started; running: members run (failures may be among the
 * finished ones); suspended: every unfinished member is suspended; then, once nothing
 * is unfinished: failed (a member failed), incomplete (members gone with no outcome),
 * succeeded (every member did).
 */
export type GroupPhase = "pending" | "running" | "suspended" | "failed" | "incomplete" | "succeeded";

export interface GroupOutcome {
  phase: GroupPhase;
  /** Whether the answer is final: nothing is left to wait for (or, with failFast, a member failed). */
  finished: boolean;
  /** The exit code of a finished group: 0 succeeded, 1 failed, 4 incomplete. */
  exitCode?: ExitCode;
  /** One line for people: "all 3 succeeded", "1 of 3 failed", "2 of 3 gone from the cluster with no outcome". */
  summary: string;
}

/** The group's phase and, once finished, its exit code. With failFast a failed member finishes the group at once. */
export function groupOutcome(c: GroupCounts, options: { failFast?: boolean } = {}): GroupOutcome {
  const open = c.running + c.pending + c.suspended;
  const gone = c.missing + c.vanished;
  if (c.failed > 0 && (options.failFast || open === 0)) {
    return { phase: "failed", finished: true, exitCode: EXIT.FAILED, summary: `${c.failed} of ${c.total} failed` };
  }
  if (open > 0) {
    const phase: GroupPhase = c.suspended === open ? "suspended" : c.running > 0 || c.succeeded + c.failed > 0 ? "running" : "pending";
    const done = c.succeeded + c.failed;
    const summary = phase === "suspended" ? `${c.suspended} of ${c.total} suspended` : `${done} of ${c.total} finished${c.failed ? `, ${c.failed} failed` : ""}`;
    return { phase, finished: false, summary };
  }
  if (gone > 0) {
    return { phase: "incomplete", finished: true, exitCode: EXIT.VANISHED, summary: `${gone} of ${c.total} gone from the cluster with no outcome` };
  }
  return { phase: "succeeded", finished: true, exitCode: EXIT.OK, summary: `all ${c.total} succeeded` };
}
