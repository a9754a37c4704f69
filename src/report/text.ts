/**
 * Text helpers shared by the reports: how a member is named, its duration, the group's
 * verdict, and the characters XML and HTML may carry.
 */
import type { MemberSummary, PodBar, Timeline } from "../group/timeline-types";

/** A parameter value as people wrote it: strings bare, anything else as JSON. */
export function paramText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** `item=apple, size=3`; the Job name when the row has no parameters. */
export function memberLabel(member: Pick<MemberSummary, "params" | "job">): string {
  const entries = Object.entries(member.params);
  if (entries.length === 0) return member.job;
  return entries.map(([k, v]) => `${k}=${paramText(v)}`).join(", ");
}

/** Milliseconds from the Job's start to its finish, or to the end of the axis while unfinished. */
export function memberDurationMs(member: MemberSummary, timeline: Pick<Timeline, "to" | "bars">): number | undefined {
  const bars = timeline.bars.filter((b) => b.job === member.job);
  const start = member.startTime ?? minOf(bars.map((b) => b.created));
  if (start === undefined) return undefined;
  // A member without a finish time that no longer runs (vanished, say) ends with its last pod.
  const end = member.finishTime ?? (isActive(member) ? undefined : maxOf(bars.map(barEnd).filter((t): t is number => t !== undefined))) ?? timeline.to;
  return Math.max(0, end - start);
}

/** When a pod stopped occupying the cluster, if it has. */
export function barEnd(bar: PodBar): number | undefined {
  return bar.finished ?? bar.deleted;
}

export function coldStartMs(bar: PodBar, to: number): number | undefined {
  if (bar.started !== undefined) return Math.max(0, bar.started - bar.created);
  const end = barEnd(bar);
  return end === undefined && bar.outcome === "pending" ? Math.max(0, to - bar.created) : undefined;
}

export function runMs(bar: PodBar, to: number): number | undefined {
  if (bar.started === undefined) return undefined;
  return Math.max(0, (barEnd(bar) ?? to) - bar.started);
}

function isActive(member: MemberSummary): boolean {
  return member.outcome === "running" || member.outcome === "pending";
}

function minOf(xs: number[]): number | undefined {
  return xs.length ? Math.min(...xs) : undefined;
}
function maxOf(xs: number[]): number | undefined {
  return xs.length ? Math.max(...xs) : undefined;
}

export type GroupVerdict = "succeeded" | "failed" | "running" | "incomplete";

/**
 * One word for the group: failed when any member failed (even while others run, as
 * `jobx wait` decides), running while the group runs, succeeded when every member did,
 * otherwise incomplete (members missing, vanished, suspended or never started).
 */
export function groupVerdict(timeline: Pick<Timeline, "members" | "running">): GroupVerdict {
  if (timeline.members.some((m) => m.outcome === "failed")) return "failed";
  if (timeline.running) return "running";
  if (timeline.members.length > 0 && timeline.members.every((m) => m.outcome === "succeeded")) return "succeeded";
  return "incomplete";
}

/** Members in row order, then by Job name (rows may repeat across re-submissions). */
export function sortedMembers(members: readonly MemberSummary[]): MemberSummary[] {
  return [...members].sort((a, b) => a.index - b.index || (a.job < b.job ? -1 : a.job > b.job ? 1 : 0));
}

// ANSI escape sequences (colours, cursor moves) that container logs often carry: CSI
// `ESC [ … final` and OSC `ESC ] … BEL|ESC \`.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b\n]*(?:\u0007|\u001b\\)?/g;

// Characters XML 1.0 forbids (https://www.w3.org/TR/xml/#charsets): C0 controls other
// than tab, LF and CR; lone surrogates; U+FFFE and U+FFFF. HTML forbids the same set.
// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text any XML 1.0 or HTML document may carry: ANSI sequences dropped, other forbidden characters as U+FFFD. */
export function cleanText(text: string): string {
  return text.replace(ANSI, "").replace(NOT_XML_CHAR, "\ufffd");
}

const XML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;" };

/** An attribute value: also tab, LF and CR as references, so attribute normalisation keeps them. */
export function xmlAttr(text: string): string {
  return cleanText(text).replace(/[&<>"'\t\n\r]/g, (c) => XML_ESCAPES[c] ?? c);
}

/** Element text. `>` is escaped too, so `]]>` never appears. */
export function xmlText(text: string): string {
  return cleanText(text).replace(/[&<>]/g, (c) => XML_ESCAPES[c] ?? c);
}

/** A CDATA section holding any text: `]]>` is split across two sections. */
export function cdata(text: string): string {
  return `<![CDATA[${cleanText(text).replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text or a quoted attribute value in HTML (and in inline SVG, which the HTML parser reads the same way). */
export function html(text: string): string {
  return cleanText(text).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}
