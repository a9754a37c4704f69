/** The group as a table for people, and as data for machines. */
import { chalkStderr } from "chalk";
import { formatDuration } from "../group/duration";
import type { TrackedMember, GroupCounts } from "../group/tracker";
import { formatTable } from "./table";

type Chalk = typeof chalkStderr;

function itemText(params: Record<string, unknown>): string {
  const parts = Object.entries(params).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
  const text = parts.join(" ").replace(/\s+/g, " ");
  return text.length > 40 ? `${text.slice(0, 39)}…` : text || "-";
}

const OUTCOME_COLOUR: Record<string, keyof Chalk> = {
  succeeded: "green",
  failed: "red",
  running: "cyan",
  pending: "gray",
  suspended: "yellow",
  missing: "magenta",
  vanished: "magenta",
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
export function memberTable(members: TrackedMember[], options: { colour: Chalk; now?: number }): string {
  const now = options.now ?? Date.now();
  const header = ["ITEM", "JOB", "COMPLETIONS", "ACTIVE", "FAILED", "DURATION", "STATUS"];
  const rows = [
    header,
    ...members.map((m) => [
      itemText(m.member.params),
      m.member.name,
      completions(m),
      String(m.active),
      String(m.failed),
      duration(m, now),
      m.reason ? `${m.outcome} (${m.reason})` : m.outcome,
    ]),
  ];
  return formatTable(rows, (text, r, c) => {
    if (r === 0) return options.colour.bold(text);
    if (c !== header.length - 1) return text;
    const colour = options.colour[OUTCOME_COLOUR[members[r - 1]?.outcome ?? ""] ?? "white"] as (s: string) => string;
    return colour(text);
  });
}

export function countsLine(c: GroupCounts): string {
  const parts = [`${c.succeeded} succeeded`, `${c.failed} failed`, `${c.running} running`, `${c.pending} pending`];
  if (c.suspended) parts.push(`${c.suspended} suspended`);
  if (c.missing) parts.push(`${c.missing} missing`);
  if (c.vanished) parts.push(`${c.vanished} vanished`);
  return `${c.total} Jobs: ${parts.join(", ")}`;
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
