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

/** One line per member: item, Job, completions, active, failed, duration, outcome (reason). */
export function memberTable(members: TrackedMember[], options: { colour: Colours; now?: number }): string {
  const now = options.now ?? Date.now();
  const header = ["ITEM", "JOB", "COMPLETIONS", "ACTIVE", "FAILED", "DURATION", "STATUS"];
  const rows = [
    header,
    ...members.map((m) => [
      itemCell(m.member.params, "-"),
      m.member.name,
      completions(m),
      String(m.active),
      String(m.failed),
      duration(m, now),
      m.reason ? `${m.outcome} (${terminalSafe(m.reason)})` : m.outcome,
    ]),
  ];
  return formatTable(rows, (text, r, c) => {
    if (r === 0) return options.colour.bold(text);
    if (c !== header.length - 1) return text;
    return options.colour[OUTCOME_COLOUR[members[r - 1]?.outcome ?? ""] ?? "gray"](text);
  });
}

export function countsLine(c: GroupCounts): string {
  const parts = [`${c.succeeded} succeeded`, `${c.failed} failed`, `${c.running} running`, `${c.pending} pending`];
  if (c.suspended) parts.push(`${c.suspended} suspended`);
  if (c.missing) parts.push(`${c.missing} missing`);
  if (c.vanished) parts.push(`${c.vanished} vanished`);
  return `${c.total} Job${c.total === 1 ? "" : "s"}: ${parts.join(", ")}`;
}

export function memberJson(m: TrackedMember): Record<string, unknown> {
  return {
    name: m.member.name,
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
export function groupStatusText(group: string, record: GroupRecord, tracker: GroupTracker, options: { colour: boolean; now: number }): string {
  const colour = new Chalk({ level: options.colour ? 1 : 0 });
  const state = tracker.outcome();
  return `${memberTable(tracker.all(), { colour, now: options.now })}\n\n${countsLine(tracker.counts())} · ${state.phase} (group ${group}, applied ${record.appliedAt} by ${terminalSafe(record.appliedBy)})\n`;
}

export function groupStatusJson(group: string, record: GroupRecord, tracker: GroupTracker): string {
  const state = tracker.outcome();
  return `${JSON.stringify({ group, state: state.phase, template: record.template, appliedAt: record.appliedAt, appliedBy: record.appliedBy, counts: tracker.counts(), members: tracker.all().map(memberJson) }, null, 2)}\n`;
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
  template: string;
}

/** `jobx list`: a row per group. */
export function groupListText(rows: readonly GroupListRow[], allNamespaces: boolean): string {
  const table = [
    [...(allNamespaces ? ["NAMESPACE"] : []), "GROUP", "JOBS", "SUCCEEDED", "FAILED", "RUNNING", "STATE", "APPLIED", "TEMPLATE"],
    ...rows.map((r) => [...(allNamespaces ? [r.namespace] : []), r.group, String(r.jobs), String(r.succeeded), String(r.failed), String(r.running), r.state, r.appliedAt, terminalSafe(r.template)]),
  ];
  return `${formatTable(table)}\n`;
}
