/**
 * Text helpers shared by the reports: how a member is named, its duration, the group's
 * verdict, and the characters XML and HTML may carry.
 */
import { memberLabel } from "../group/member-label";
import { countOutcomes, groupOutcome, type GroupPhase } from "../group/outcome";
import { barEnd } from "../group/timeline-model";
import type { MemberSummary, PodBar, Timeline } from "../group/timeline-types";

/** The member as the reports name it: its label (one rule for every view), or its Job when the row has no parameters. */
export function memberName(member: Pick<MemberSummary, "params" | "job">): string {
  return memberLabel(member.params, member.job);
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

/** The group's state by the one rule (group/outcome.ts), from the timeline's members. */
export function groupState(timeline: Pick<Timeline, "members">): GroupPhase {
  return groupOutcome(countOutcomes(timeline.members.map((m) => m.outcome))).phase;
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
