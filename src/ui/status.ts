/** The group as a table for people, and as data for machines. */
import { Chalk } from "chalk";
import { formatDuration } from "../group/duration";
import { memberLabel } from "../group/member-label";
import type { GroupCounts } from "../group/outcome";
import type { GroupRecord } from "../group/record";
import type { GroupTracker, TrackedMember } from "../group/tracker";
import { terminalSafe } from "../text/show";
import { formatTable } from "./table";

type Colours = InstanceType<typeof Chalk>;

/** The member's label as a table cell: control characters escaped, at most `width` characters. */
export function itemCell(params: Record<string, unknown>, fallback: string, width = 40): string {
  const text = terminalSafe(memberLabel(params, fallback));
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

const OUTCOME_COLOUR: Record<string, "green" | "red" | "cyan" | "gray" | "yellow" | "magenta"> = {
  succeeded: "green",
  failed: "red",
  running: "cyan",
  pending: "gray",
  suspended: "yellow",
  missing: "magenta",
  vanished: "magenta",
  incomplete: "magenta",
};

function duration(m: TrackedMember, now: number): string {
  if (!m.startTime) return "-";
  const end = m.finishTime ? Date.parse(m.finishTime) : now;
  return formatDuration(end - Date.parse(m.startTime));
}

function completions(m: TrackedMember): string {
  return `${m.succeeded}/${m.completions ?? "1+"}`;
}

/**
 * One line per member: item, Job, completions, active, failed, duration, outcome
 * (reason); wide adds the start time and the condition's message, and does not cut the item.
 */
export function memberTable(members: TrackedMember[], options: { colour: Colours; now?: number; wide?: boolean }): string {
  const now = options.now ?? Date.now();
  const wide = options.wide === true;
  const header = ["ITEM", "JOB", "COMPLETIONS", "ACTIVE", "FAILED", "DURATION", ...(wide ? ["STARTED", "MESSAGE"] : []), "STATUS"];
  const rows = [
    header,
    ...members.map((m) => [
      itemCell(m.member.params, "-", wide ? Infinity : 40),
      // A packed item runs at an index of its group's Indexed Job: `pk[3]`.
      m.member.packed ? `${m.member.packed.job}[${m.member.packed.at}]` : (m.member.job ?? m.member.name),
      completions(m),
      String(m.active),
      String(m.failed),
      duration(m, now),
      ...(wide ? [m.startTime ?? "-", m.message ? terminalSafe(m.message) : "-"] : []),
      m.reason ? `${m.outcome} (${terminalSafe(m.reason)})` : m.outcome,
    ]),
  ];
  return formatTable(rows, (text, r, c) => {
    if (r === 0) return options.colour.bold(text);
    if (c !== header.length - 1) return text;
    return options.colour[OUTCOME_COLOUR[members[r - 1]?.outcome ?? ""] ?? "gray"](text);
  });
}

export function countsLine(c: GroupCounts, noun = "Job"): string {
  const parts = [`${c.succeeded} succeeded`, `${c.failed} failed`, `${c.running} running`, `${c.pending} pending`];
  if (c.suspended) parts.push(`${c.suspended} suspended`);
  if (c.missing) parts.push(`${c.missing} missing`);
  if (c.vanished) parts.push(`${c.vanished} vanished`);
  return `${c.total} ${noun}${c.total === 1 ? "" : "s"}: ${parts.join(", ")}`;
}

export function memberJson(m: TrackedMember): Record<string, unknown> {
  return {
    name: m.member.name,
    ...(m.member.packed ? { job: m.member.packed.job, completionIndex: m.member.packed.at } : {}),
    index: m.member.index,
    params: m.member.params,
    outcome: m.outcome,
    reason: m.reason ?? null,
    message: m.message ?? null,
    succeeded: m.succeeded,
    completions: m.completions ?? null,
    active: m.active,
    failed: m.failed,
    startTime: m.startTime ?? null,
    finishTime: m.finishTime ?? null,
  };
}

/** `jobx status`: the member table, then the counts and the group's state. */
export function groupStatusText(group: string, record: GroupRecord, tracker: GroupTracker, options: { colour: boolean; now: number; wide?: boolean }): string {
  const colour = new Chalk({ level: options.colour ? 1 : 0 });
  const state = tracker.outcome();
  const about = record.unrecorded
    ? `group ${group}, found by its Jobs' labels: it has no record (applied from jobx expand output), so members never created or deleted since cannot be shown`
    : `group ${group}, applied ${record.appliedAt} by ${terminalSafe(record.appliedBy)}`;
  const packed = record.pack ? `, packed: ${record.pack.jobs.join(", ")}${record.pack.perPod > 1 ? `, ${record.pack.perPod} rows per pod` : ""}` : "";
  return `${memberTable(tracker.all(), { colour, now: options.now, wide: options.wide })}\n\n${countsLine(tracker.counts(), record.pack ? "item" : "Job")} · ${state.phase} (${about}${packed})\n`;
}

/** `status -o json|yaml`: the group's state, counts and members. */
export function groupStatusData(group: string, record: GroupRecord, tracker: GroupTracker): Record<string, unknown> {
  const state = tracker.outcome();
  return { group, state: state.phase, recorded: !record.unrecorded, ...(record.pack ? { pack: record.pack } : {}), template: record.template, appliedAt: record.appliedAt, appliedBy: record.appliedBy, counts: tracker.counts(), members: tracker.all().map(memberJson) };
}

export interface GroupListRow {
  namespace: string;
  group: string;
  jobs: number;
  succeeded: number;
  failed: number;
  running: number;
  suspended: number;
  missing: number;
  state: string;
  appliedAt: string;
  appliedBy: string;
  template: string;
}

/** `jobx list`: a row per group; wide adds the suspended and missing counts and who applied it. */
export function groupListText(rows: readonly GroupListRow[], options: { allNamespaces: boolean; wide?: boolean }): string {
  const { allNamespaces, wide } = options;
  const table = [
    [...(allNamespaces ? ["NAMESPACE"] : []), "GROUP", "JOBS", "SUCCEEDED", "FAILED", "RUNNING", ...(wide ? ["SUSPENDED", "MISSING"] : []), "STATE", "APPLIED", ...(wide ? ["BY"] : []), "TEMPLATE"],
    ...rows.map((r) => [
      ...(allNamespaces ? [r.namespace] : []),
      r.group,
      String(r.jobs),
      String(r.succeeded),
      String(r.failed),
      String(r.running),
      ...(wide ? [String(r.suspended), String(r.missing)] : []),
      r.state,
      r.appliedAt || "-",
      ...(wide ? [terminalSafe(r.appliedBy)] : []),
      terminalSafe(r.template),
    ]),
  ];
  return `${formatTable(table)}\n`;
}
