/**
 * A group's timeline as a terminal sequence diagram: one row per pod on a shared time
 * axis, the cold start (created → container started) drawn apart from the running part,
 * as Kui's sequence diagram hatches it; or, for long groups, concurrency over time. Then
 * the figures and hints. Returns a string; every line fits the width given.
 */
import { Chalk } from "chalk";
import { memberLabel, distinguishingKeys } from "../group/member-label";
import { barEnd, shortDuration, tickStep } from "../group/timeline-model";
import { terminalSafe } from "../text/show";
import type { MemberSummary, PodBar, Stats, Timeline } from "../group/timeline-types";

export interface DrawOptions {
  colour: boolean;
  /** At most this many rows of pods; the rest are counted in a line. */
  limit?: number;
  /** Concurrency over time instead of one row per pod. */
  compact?: boolean;
}

type Style = "dim" | "bold" | "pending" | "running" | "ok" | "fail" | "gone" | "open" | "hint";

interface Segment {
  text: string;
  style?: Style;
}

type Line = Segment[];

const CELL = { pending: "░", running: "█", limit: "┄", tick: "┬", axis: "─", corner: "└", tickUp: "┴", yTick: "┤" } as const;
const MARK = { succeeded: "✓", failed: "✗", deleted: "⊘", open: "…" } as const;

/** Terminal columns a string takes: East Asian wide characters take two, combining marks none. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += charWidth(ch.codePointAt(0) ?? 0);
  return width;
}

function charWidth(cp: number): number {
  if (cp < 32 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** The longest prefix of text that fits in width columns, with "…" when cut. */
export function fitText(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return "";
  let out = "";
  let used = 0;
  for (const ch of text) {
    const w = charWidth(ch.codePointAt(0) ?? 0);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return `${out}…`;
}

function lineWidth(line: Line): number {
  return line.reduce((n, s) => n + displayWidth(s.text), 0);
}

/** Cuts a line to width (the safety net under every layout decision). */
function clip(line: Line, width: number): Line {
  if (lineWidth(line) <= width) return line;
  const out: Line = [];
  let left = width;
  for (const seg of line) {
    const w = displayWidth(seg.text);
    if (w <= left) {
      out.push(seg);
      left -= w;
      continue;
    }
    let text = "";
    for (const ch of seg.text) {
      const cw = charWidth(ch.codePointAt(0) ?? 0);
      if (cw > left) break;
      text += ch;
      left -= cw;
    }
    out.push({ ...seg, text });
    break;
  }
  return out;
}

/** Words onto lines of at most width columns; later lines indented. */
function wrap(text: string, width: number, indent: string, style?: Style): Line[] {
  const lines: Line[] = [];
  let current = "";
  // Split on single spaces so runs of spaces (column alignment) survive.
  for (const word of text.split(" ")) {
    const candidate = current ? `${current} ${word}` : word;
    if (displayWidth(candidate) <= width || !current) {
      current = candidate;
      continue;
    }
    lines.push([{ text: current, style }]);
    current = `${indent}${word}`;
  }
  if (current) lines.push([{ text: current, style }]);
  return lines.map((l) => clip(l, width));
}

/** Joins neighbouring segments of one style, so a bar is one colour code, not one per cell. */
function merge(line: Line): Line {
  const out: Line = [];
  for (const seg of line) {
    const last = out.at(-1);
    if (last && last.style === seg.style) last.text += seg.text;
    else out.push({ ...seg });
  }
  return out;
}

function render(lines: Line[], width: number, colour: boolean): string {
  const chalk = new Chalk({ level: colour ? 1 : 0 });
  const paint: Record<Style, (s: string) => string> = {
    dim: chalk.dim,
    bold: chalk.bold,
    pending: chalk.yellow,
    running: chalk.cyan,
    ok: chalk.green,
    fail: chalk.red,
    gone: chalk.magenta,
    open: chalk.cyan,
    hint: chalk.yellow,
  };
  return lines
    .map((line) =>
      merge(clip(line, width))
        .map((s) => (s.style && colour ? paint[s.style](s.text) : s.text))
        .join("")
        .trimEnd(),
    )
    .join("\n");
}

interface Axis {
  from: number;
  span: number;
  /** Columns of the time axis. */
  columns: number;
}

function columnOf(axis: Axis, t: number): number {
  return ((t - axis.from) / axis.span) * axis.columns;
}

function ticks(axis: Axis): { col: number; label: string }[] {
  const longest = displayWidth(shortDuration(axis.span)) + 2;
  const most = Math.max(1, Math.floor(axis.columns / Math.max(longest, 6)));
  const step = tickStep(axis.span, most);
  const out: { col: number; label: string }[] = [];
  for (let t = 0; t <= axis.span + 1e-9; t += step) out.push({ col: Math.min(axis.columns - 1, Math.floor((t / axis.span) * axis.columns)), label: t === 0 ? "0s" : shortDuration(t) });
  return out;
}

/** Pads text with spaces to width columns (display width, not string length). */
function padTo(text: string, width: number, start = false): string {
  const room = Math.max(0, width - displayWidth(text));
  return start ? " ".repeat(room) + text : text + " ".repeat(room);
}

/**
 * The tick labels on one line (each starting at its tick, or ending there at the right
 * edge) and the axis rule; `prefix` columns come before the axis.
 */
function axisLines(axis: Axis, left: string, prefix: number, extra: number, footer: boolean): Line[] {
  const labelCells = Array<string>(axis.columns + extra).fill(" ");
  const rule = Array<string>(axis.columns).fill(CELL.axis);
  let free = 0;
  for (const tick of ticks(axis)) {
    // In the footer the corner already marks zero.
    if (!(footer && tick.col === 0)) rule[tick.col] = footer ? CELL.tickUp : CELL.tick;
    const w = displayWidth(tick.label);
    let start = tick.col;
    if (start + w > labelCells.length) start = tick.col - w + 1;
    if (start < free || start < 0) continue;
    for (let i = 0; i < w; i++) labelCells[start + i] = i === 0 ? tick.label : "";
    free = start + w + 1;
  }
  if (footer) {
    return [
      [{ text: `${padTo(left, prefix - 2, true)} ${CELL.corner}`, style: "dim" }, { text: rule.join(""), style: "dim" }],
      [{ text: " ".repeat(prefix) }, { text: labelCells.join(""), style: "dim" }],
    ];
  }
  return [
    [{ text: padTo(left, prefix), style: "bold" }, { text: labelCells.join(""), style: "dim" }],
    [{ text: " ".repeat(prefix) }, { text: rule.join(""), style: "dim" }],
  ];
}

/**
 * The row label: the member's label over the parameters that tell it from the others
 * (constants such as --set values would only repeat on every row), control characters
 * shown escaped.
 */
function labelOf(params: Record<string, unknown>, keys: string[]): string {
  const shown = Object.fromEntries(keys.filter((k) => k in params).map((k) => [k, params[k]]));
  return terminalSafe(memberLabel(Object.keys(shown).length ? shown : params, "-")).replace(/\s+/g, " ");
}

/** Keys whose values differ between members; all keys when none do. */
function varyingKeys(members: MemberSummary[]): string[] {
  const varying = distinguishingKeys(members);
  return varying.length ? varying : [...new Set(members.flatMap((m) => Object.keys(m.params)))];
}

function markerOf(bar: PodBar): { text: string; style: Style } {
  switch (bar.outcome) {
    case "succeeded":
      return { text: MARK.succeeded, style: "ok" };
    case "failed":
      return { text: `${MARK.failed}${bar.exitCode ?? ""}`, style: "fail" };
    case "deleted":
      return { text: MARK.deleted, style: "gone" };
    default:
      return { text: MARK.open, style: "open" };
  }
}

interface Row {
  label: string;
  suffix: string;
  bar?: PodBar;
  member?: MemberSummary;
}

function rowsOf(timeline: Timeline): Row[] {
  const rows: Row[] = [];
  const barsByJob = new Map<string, PodBar[]>();
  for (const bar of timeline.bars) barsByJob.set(bar.job, [...(barsByJob.get(bar.job) ?? []), bar]);
  const keys = varyingKeys(timeline.members);
  for (const member of timeline.members) {
    const bars = barsByJob.get(member.job) ?? [];
    const label = labelOf(member.params, keys);
    if (bars.length === 0) rows.push({ label, suffix: "", member });
    for (const bar of bars) {
      // [3]: completion index 3 of an Indexed Job; "attempt 2": its first retry (indexes are not attempts).
      const parts = [bar.completionIndex !== undefined ? `[${bar.completionIndex}]` : "", bar.attempt > 0 ? `attempt ${bar.attempt + 1}` : "", bar.restarts > 0 ? `↻${bar.restarts}` : ""].filter(Boolean);
      rows.push({ label, suffix: parts.length ? ` ${parts.join(" ")}` : "", bar, member });
    }
  }
  return rows;
}

function barRowLabel(row: Row, width: number): string {
  const suffixWidth = displayWidth(row.suffix);
  if (suffixWidth >= width) return fitText(row.suffix.trim(), width);
  return fitText(row.label, width - suffixWidth) + row.suffix;
}

function noPodsText(member: MemberSummary | undefined): string {
  if (!member) return "";
  const what: Record<string, string> = {
    pending: "no pods yet",
    running: "no pods now",
    suspended: "suspended, no pods",
    missing: "no Job, no pods (never created, or deleted)",
    vanished: "Job deleted before it finished",
    succeeded: "succeeded, pods gone",
    failed: "failed, pods gone",
  };
  return `· ${what[member.outcome] ?? member.outcome}${member.reason ? ` (${member.reason})` : ""}`;
}

function barLine(row: Row, axis: Axis, extra: number, timeline: Timeline): Line {
  const total = axis.columns + extra;
  if (!row.bar) return [{ text: fitText(noPodsText(row.member), total), style: row.member?.outcome === "failed" ? "fail" : "dim" }];
  const bar = row.bar;
  const end = Math.max(bar.created, (barEnd(bar) ?? timeline.to));
  const first = Math.min(axis.columns - 1, Math.max(0, Math.floor(columnOf(axis, bar.created))));
  const last = Math.min(axis.columns - 1, Math.max(first, Math.ceil(columnOf(axis, end)) - 1));
  // A cell is running when its middle is past the container start.
  const startCol = bar.started === undefined ? Infinity : columnOf(axis, Math.max(bar.started, bar.created));
  const cells: Segment[] = [];
  if (first > 0) cells.push({ text: " ".repeat(first) });
  let runningCells = 0;
  for (let c = first; c <= last; c++) {
    const running = c + 0.5 >= startCol;
    if (running) runningCells++;
    cells.push(running ? { text: CELL.running, style: "running" } : { text: CELL.pending, style: "pending" });
  }
  // A pod that ran for less than a cell still shows that it ran.
  if (bar.started !== undefined && runningCells === 0) cells[cells.length - 1] = { text: CELL.running, style: "running" };
  cells.push(markerOf(bar));
  return cells;
}

function statsText(s: Stats): string {
  if (s.count === 0 || s.p50 === undefined) return "-";
  return `p50 ${shortDuration(s.p50)}  p95 ${shortDuration(s.p95 ?? s.p50)}  max ${shortDuration(s.max ?? s.p50)}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function figureLines(timeline: Timeline, width: number): Line[] {
  const f = timeline.figures;
  const counts = [plural(f.pods, "pod"), `${f.failedPods} failed`, plural(f.retries, "retry", "retries")];
  if (f.restarts) counts.push(plural(f.restarts, "restart") + " in place");
  if (f.deletedPods) counts.push(`${f.deletedPods} deleted`);
  const rows: [string, string][] = [
    ["makespan", `${shortDuration(f.makespanMs)}${timeline.running ? " so far (running)" : ""} · ${counts.join(", ")}`],
    ["cold start", `${statsText(f.coldStart)} · ${Math.round(f.coldStartShare * 100)}% of pod time`],
    ["run time", statsText(f.runTime)],
    ["concurrency", `peak ${f.peakConcurrency} · mean ${f.meanConcurrency.toFixed(1)} · limit ${f.parallelismLimit} (spec.parallelism)`],
  ];
  const lines: Line[] = [];
  for (const [name, value] of rows) {
    const head = name.padEnd(12);
    for (const [i, l] of wrap(`${head}${value}`, width, " ".repeat(12)).entries()) {
      const text = l.map((s) => s.text).join("");
      lines.push(i === 0 ? [{ text: text.slice(0, head.length), style: "bold" }, { text: text.slice(head.length) }] : l);
    }
  }
  for (const hint of f.hints) lines.push(...wrap(`hint: ${hint}`, width, "      ", "hint"));
  return lines;
}

function legendLines(width: number, compact: boolean, rows: Row[]): Line[] {
  const has = (outcome: PodBar["outcome"][]) => rows.some((r) => r.bar && outcome.includes(r.bar.outcome));
  const items: Line[] = compact
    ? [
        [{ text: CELL.running, style: "running" }, { text: " running" }],
        [{ text: CELL.pending, style: "pending" }, { text: " pending (cold start)" }],
        [{ text: CELL.limit, style: "dim" }, { text: " parallelism limit" }],
      ]
    : [
        [{ text: CELL.pending, style: "pending" }, { text: " cold start" }],
        [{ text: CELL.running, style: "running" }, { text: " running" }],
        ...(has(["succeeded"]) ? [[{ text: MARK.succeeded, style: "ok" as const }, { text: " succeeded" }]] : []),
        ...(has(["failed"]) ? [[{ text: `${MARK.failed}N`, style: "fail" as const }, { text: " failed, exit N" }]] : []),
        ...(has(["deleted"]) ? [[{ text: MARK.deleted, style: "gone" as const }, { text: " deleted" }]] : []),
        ...(has(["running", "pending"]) ? [[{ text: MARK.open, style: "open" as const }, { text: " still going" }]] : []),
        ...(rows.some((r) => r.suffix.includes("[")) ? [[{ text: "[N]", style: "dim" as const }, { text: " completion index" }]] : []),
        ...(rows.some((r) => r.suffix.includes("attempt")) ? [[{ text: "attempt N", style: "dim" as const }, { text: " a retry" }]] : []),
        ...(rows.some((r) => r.suffix.includes("↻")) ? [[{ text: "↻N", style: "dim" as const }, { text: " restarts in place" }]] : []),
      ];
  const lines: Line[] = [];
  let current: Line = [];
  for (const item of items) {
    if (current.length && lineWidth(current) + 2 + lineWidth(item) > width) {
      lines.push(current);
      current = [];
    }
    current = current.length ? [...current, { text: "  " }, ...item] : [...item];
  }
  if (current.length) lines.push(current);
  return lines;
}

function titleLine(timeline: Timeline): Line {
  const state = timeline.running ? "running" : "finished";
  return [
    { text: `group ${timeline.group}`, style: "bold" },
    { text: ` · ${plural(timeline.members.length, "member")} · ${plural(timeline.bars.length, "pod")} · ${state}` },
  ];
}

/** Most running and active pods inside each column's time span. */
function columnCounts(timeline: Timeline, axis: Axis): { running: number; active: number }[] {
  const steps = timeline.concurrency;
  const out: { running: number; active: number }[] = [];
  let i = 0;
  for (let c = 0; c < axis.columns; c++) {
    const t0 = axis.from + (c / axis.columns) * axis.span;
    const t1 = axis.from + ((c + 1) / axis.columns) * axis.span;
    while (i + 1 < steps.length && (steps[i + 1]?.at ?? Infinity) <= t0) i++;
    let running = 0;
    let active = 0;
    for (let j = i; j < steps.length; j++) {
      const step = steps[j];
      if (!step || (j > i && step.at >= t1)) break;
      // The final step marks the end of the axis, not a span of its own.
      if (j === steps.length - 1 && j > 0 && step.at >= axis.from + axis.span) break;
      running = Math.max(running, step.running);
      active = Math.max(active, step.running + step.pending);
    }
    out.push({ running, active });
  }
  return out;
}

function chartLines(timeline: Timeline, axis: Axis, leftWidth: number): Line[] {
  const counts = columnCounts(timeline, axis);
  const f = timeline.figures;
  const top = Math.max(1, f.peakActive ?? 0, ...counts.map((c) => c.active));
  const height = Math.min(top, 8);
  const rowsOf = (n: number) => (n <= 0 ? 0 : Math.max(1, Math.round((n / top) * height)));
  const limit = f.parallelismLimit;
  const limitRow = limit > 0 && limit <= top ? rowsOf(limit) : -1;
  const lines: Line[] = [];
  for (let r = height; r >= 1; r--) {
    const value = Math.round((r / height) * top);
    const yLabel = r === limitRow ? `limit ${limit}` : r === height ? `${top}` : r === 1 && height > 2 ? `${value}` : "";
    const line: Line = [{ text: `${padTo(fitText(yLabel, leftWidth - 1), leftWidth - 1, true)} ${CELL.yTick}`, style: "dim" }];
    for (const c of counts) {
      if (r <= rowsOf(c.running)) line.push({ text: CELL.running, style: "running" });
      else if (r <= rowsOf(c.active)) line.push({ text: CELL.pending, style: "pending" });
      else if (r === limitRow) line.push({ text: CELL.limit, style: "dim" });
      else line.push({ text: " " });
    }
    lines.push(line);
  }
  return lines;
}

export function drawTimeline(timeline: Timeline, width: number, options: DrawOptions): string {
  const w = Math.max(20, Math.floor(width));
  const rows = rowsOf(timeline);
  const lines: Line[] = [titleLine(timeline)];
  const span = Math.max(1, timeline.to - timeline.from);

  if (options.compact) {
    const leftWidth = Math.min(12, Math.max(8, `limit ${timeline.figures.parallelismLimit}`.length + 1));
    const axis: Axis = { from: timeline.from, span, columns: Math.max(4, w - leftWidth - 1) };
    // Rows: leftWidth columns of y labels, the axis "┤", then one column per time step.
    lines.push([{ text: "pods at once", style: "bold" }]);
    lines.push(...chartLines(timeline, axis, leftWidth));
    lines.push(...axisLines(axis, "0", leftWidth + 1, 0, true));
    lines.push(...legendLines(w, true, rows));
  } else {
    const markerWidth = Math.max(1, ...rows.map((r) => (r.bar ? displayWidth(markerOf(r.bar).text) : 0)));
    const longest = Math.max(4, ...rows.map((r) => displayWidth(r.label + r.suffix)));
    const labelWidth = Math.min(longest, Math.max(6, Math.min(40, Math.floor(w * 0.3))));
    const axis: Axis = { from: timeline.from, span, columns: Math.max(4, w - labelWidth - 1 - markerWidth) };
    const shown = options.limit !== undefined && options.limit >= 0 ? rows.slice(0, options.limit) : rows;
    lines.push(...axisLines(axis, "ITEM", labelWidth + 1, markerWidth, false));
    for (const row of shown) lines.push([{ text: `${padTo(barRowLabel(row, labelWidth), labelWidth)} ` }, ...barLine(row, axis, markerWidth, timeline)]);
    if (shown.length < rows.length) {
      lines.push(...wrap(`… ${rows.length - shown.length} more ${rows.length - shown.length === 1 ? "row" : "rows"} not shown (--limit ${options.limit}); --compact draws every pod as concurrency over time`, w, "  ", "dim"));
    }
    lines.push(...legendLines(w, false, rows));
  }
  lines.push([]);
  lines.push(...figureLines(timeline, w));
  return `${render(lines, w, options.colour)}\n`;
}
