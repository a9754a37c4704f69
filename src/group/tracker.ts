/**
 * Follows a group through watch events and decides when the answer is known.
 * Pure: it is fed `{type, object}` events (as `kubectl get -w --output-watch-events`
 * prints them) and snapshots of full lists, and says what it knows.
 */
import type { GroupRecord, Member } from "./record";
import { isFinished, memberState, outcomeFromEvents, type EventLike, type JobLike, type MemberState, type Outcome } from "./member";

export interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: JobLike & Record<string, unknown>;
}

export interface TrackedMember extends MemberState {
  member: Member;
  /** Whether the Job has been seen in the cluster since tracking started. */
  seen: boolean;
}

export const WAIT_EXIT = {
  succeeded: 0,
  failed: 1,
  timeout: 3,
  vanished: 4,
} as const;

export interface Verdict {
  code: number;
  kind: keyof typeof WAIT_EXIT;
  summary: string;
}

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

function emptyState(member: Member, outcome: Outcome): TrackedMember {
  return { member, outcome, seen: false, active: 0, ready: 0, succeeded: 0, failed: 0 };
}

export class GroupTracker {
  private readonly members = new Map<string, TrackedMember>();
  private listed = false;

  constructor(record: Pick<GroupRecord, "members">) {
    for (const member of record.members) this.members.set(member.name, emptyState(member, "pending"));
  }

  /** A full list of the group's Jobs (the first answer of a watch, or a re-list after a restart). */
  applyList(jobs: JobLike[]): void {
    const present = new Set<string>();
    for (const job of jobs) {
      present.add(job.metadata.name);
      this.applyJob(job);
    }
    for (const [name, tracked] of this.members) {
      if (present.has(name)) continue;
      this.members.set(name, this.gone(tracked));
    }
    this.listed = true;
  }

  /** One watch event. Returns whether anything a person would see changed. */
  applyEvent(event: WatchEvent): boolean {
    if (event.type === "BOOKMARK" || event.type === "ERROR") return false;
    const name = event.object.metadata?.name;
    const tracked = name === undefined ? undefined : this.members.get(name);
    if (!tracked) return false;
    const before = JSON.stringify(tracked);
    if (event.type === "DELETED") {
      // The last state counts: a Job removed by ttlSecondsAfterFinished keeps its outcome.
      const last = this.stateOf(event.object, tracked.member);
      this.members.set(tracked.member.name, isFinished(last.outcome) ? last : this.gone({ ...last, seen: true }));
    } else {
      this.applyJob(event.object);
    }
    return JSON.stringify(this.members.get(tracked.member.name)) !== before;
  }

  /** Members not in the cluster take their outcome from the Job controller's events, when there are some. */
  applyEventsForMissing(events: EventLike[]): void {
    for (const [name, tracked] of this.members) {
      if (tracked.outcome !== "missing" && tracked.outcome !== "vanished") continue;
      const found = outcomeFromEvents(name, events);
      if (found) this.members.set(name, { ...tracked, ...found });
    }
  }

  /** Marks the initial list as done (after the watch's first batch of ADDED events). */
  markListed(): void {
    if (this.listed) return;
    for (const [name, tracked] of this.members) if (!tracked.seen) this.members.set(name, this.gone(tracked));
    this.listed = true;
  }

  private stateOf(job: JobLike, member: Member): TrackedMember {
    return { ...memberState(job), member, seen: true };
  }

  private applyJob(job: JobLike): void {
    const tracked = this.members.get(job.metadata.name);
    if (!tracked) return;
    // A finished outcome never goes back (a later event cannot undo Complete/Failed).
    if (isFinished(tracked.outcome)) return;
    this.members.set(job.metadata.name, this.stateOf(job, tracked.member));
  }

  /** A member not in the cluster: never created ("missing"), or deleted unfinished ("vanished"). */
  private gone(tracked: TrackedMember): TrackedMember {
    if (isFinished(tracked.outcome)) return tracked;
    return { ...tracked, outcome: tracked.seen ? "vanished" : "missing", active: 0, ready: 0 };
  }

  all(): TrackedMember[] {
    return [...this.members.values()].sort((a, b) => a.member.index - b.member.index || a.member.name.localeCompare(b.member.name));
  }

  counts(): GroupCounts {
    const c: GroupCounts = { total: 0, succeeded: 0, failed: 0, running: 0, pending: 0, suspended: 0, missing: 0, vanished: 0 };
    for (const m of this.members.values()) {
      c.total++;
      c[m.outcome]++;
    }
    return c;
  }

  /**
   * The answer, once known: every member succeeded → 0; a member failed → 1 (at once
   * with failFast, else once nothing is still running); members gone with no outcome → 4.
   */
  verdict(failFast: boolean): Verdict | undefined {
    if (!this.listed) return undefined;
    const c = this.counts();
    const open = c.running + c.pending + c.suspended;
    if (c.failed > 0 && (failFast || open === 0)) {
      return { code: WAIT_EXIT.failed, kind: "failed", summary: `${c.failed} of ${c.total} failed` };
    }
    if (open > 0) return undefined;
    if (c.missing + c.vanished > 0) {
      return { code: WAIT_EXIT.vanished, kind: "vanished", summary: `${c.missing + c.vanished} of ${c.total} gone from the cluster with no outcome` };
    }
    return { code: WAIT_EXIT.succeeded, kind: "succeeded", summary: `all ${c.total} succeeded` };
  }
}
