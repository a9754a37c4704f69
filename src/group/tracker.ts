/**
 * Follows a group through watch events and full lists, and says what it knows. Pure: it
 * is fed `{type, object}` events (as `kubectl get -w --output-watch-events` prints them),
 * snapshots of full lists and the Job controller's events; the group's state comes from
 * the one rule in outcome.ts.
 */
import { EXIT, type ExitCode } from "../errors";
import { currentJob, type GroupRecord, type Member } from "./record";
import { isFinished, memberState, outcomeFromEvents, type EventLike, type JobLike, type MemberState, type Outcome } from "./member";
import { indexPods, itemStates, type IndexPod, type IndexPods } from "./packed";
import { countOutcomes, groupOutcome, type GroupCounts, type GroupOutcome } from "./outcome";

export interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: JobLike & Record<string, unknown>;
}

export interface TrackedMember extends MemberState {
  member: Member;
  /** Whether the Job has been seen in the cluster since tracking started. */
  seen: boolean;
}

/** How waiting ended: the group finished (succeeded, failed, incomplete), or the timeout came first. */
export interface Verdict {
  code: ExitCode;
  kind: "succeeded" | "failed" | "incomplete" | "timeout";
  summary: string;
}

function emptyState(member: Member, outcome: Outcome): TrackedMember {
  return { member, outcome, seen: false, active: 0, ready: 0, succeeded: 0, failed: 0 };
}

export class GroupTracker {
  private readonly members = new Map<string, TrackedMember>();
  /** A packed group's items, by the Job that runs them. */
  private readonly packed = new Map<string, Member[]>();
  private readonly pods = new Map<string, IndexPods>();
  private listed = false;

  /** Members run again by `jobx retry`, by the Job that runs them now. */
  private readonly retried = new Map<string, string>();

  constructor(record: Pick<GroupRecord, "members">) {
    for (const member of record.members) {
      this.members.set(member.name, emptyState(member, "pending"));
      if (member.packed) this.packed.set(member.packed.job, [...(this.packed.get(member.packed.job) ?? []), member]);
      else if (member.job && member.job !== member.name) this.retried.set(member.job, member.name);
    }
  }

  /** The member a (non-packed) Job is, by its name. */
  private memberOfJob(job: string): TrackedMember | undefined {
    const name = this.retried.get(job) ?? job;
    const tracked = this.members.get(name);
    return tracked && this.jobOf(tracked.member) === job ? tracked : undefined;
  }

  /** The Job a member's state comes from: its own (or its latest retry's), or the packed Job that runs it. */
  private jobOf(member: Member): string {
    return currentJob(member);
  }

  /** What the pods that did not succeed say of a packed group's indexes (how often tried, which rows failed); status reads them, wait does not need to. */
  applyPods(pods: readonly IndexPod[]): void {
    for (const job of this.packed.keys()) this.pods.set(job, indexPods(pods, job));
  }

  /** A full list of the group's Jobs (the first answer of a watch, or a re-list after a restart). */
  applyList(jobs: readonly JobLike[]): void {
    const present = new Set<string>();
    for (const job of jobs) {
      present.add(job.metadata.name);
      this.applyJob(job);
    }
    for (const [name, tracked] of this.members) {
      if (present.has(this.jobOf(tracked.member))) continue;
      this.members.set(name, this.gone(tracked));
    }
    this.listed = true;
  }

  /** One watch event. Returns whether anything a person would see changed. */
  applyEvent(event: WatchEvent): boolean {
    if (event.type === "BOOKMARK" || event.type === "ERROR") return false;
    const name = event.object.metadata?.name;
    const items = name === undefined ? undefined : this.packed.get(name);
    if (items) return this.applyPackedEvent(event, items);
    const tracked = name === undefined ? undefined : this.memberOfJob(name);
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

  /** Whether some members are not in the cluster, so the Job controller's events may tell their outcome. */
  needsEvents(): boolean {
    for (const m of this.members.values()) if (m.outcome === "missing" || m.outcome === "vanished") return true;
    return false;
  }

  /** Members not in the cluster take their outcome from the Job controller's events, when there are some. */
  applyEventsForMissing(events: readonly EventLike[]): void {
    for (const [name, tracked] of this.members) {
      if (tracked.outcome !== "missing" && tracked.outcome !== "vanished") continue;
      // The Job controller's events name the Job: the member's own, or its latest retry's.
      const found = tracked.member.packed ? undefined : outcomeFromEvents(this.jobOf(tracked.member), events);
      if (found) this.members.set(name, { ...tracked, ...found });
    }
  }

  private stateOf(job: JobLike, member: Member): TrackedMember {
    return { ...memberState(job), member, seen: true };
  }

  private applyPackedEvent(event: WatchEvent, items: readonly Member[]): boolean {
    const before = items.map((m) => JSON.stringify(this.members.get(m.name))).join("\n");
    this.applyJob(event.object);
    if (event.type === "DELETED") {
      for (const m of items) {
        const tracked = this.members.get(m.name);
        if (tracked) this.members.set(m.name, this.gone({ ...tracked, seen: true }));
      }
    }
    return items.map((m) => JSON.stringify(this.members.get(m.name))).join("\n") !== before;
  }

  private applyJob(job: JobLike): void {
    const items = this.packed.get(job.metadata.name);
    if (items) {
      for (const [name, state] of itemStates(job, items, this.pods.get(job.metadata.name))) {
        const tracked = this.members.get(name);
        if (!tracked || isFinished(tracked.outcome)) continue;
        this.members.set(name, { ...state, member: tracked.member, seen: true });
      }
      return;
    }
    const tracked = this.memberOfJob(job.metadata.name);
    if (!tracked) return;
    // A finished outcome never goes back (a later event cannot undo Complete/Failed).
    if (isFinished(tracked.outcome)) return;
    this.members.set(tracked.member.name, this.stateOf(job, tracked.member));
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
    return countOutcomes([...this.members.values()].map((m) => m.outcome));
  }

  /** The group's state by the one rule (outcome.ts). */
  outcome(failFast = false): GroupOutcome {
    return groupOutcome(this.counts(), { failFast });
  }

  /** The answer, once known (after a first full list): succeeded 0, failed 1 (at once with failFast), incomplete 4. */
  verdict(failFast: boolean): Verdict | undefined {
    if (!this.listed) return undefined;
    const outcome = this.outcome(failFast);
    if (!outcome.finished) return undefined;
    const kind = outcome.phase === "failed" ? "failed" : outcome.phase === "incomplete" ? "incomplete" : "succeeded";
    return { code: outcome.exitCode ?? EXIT.INTERNAL, kind, summary: outcome.summary };
  }
}

export type { GroupCounts } from "./outcome";
