/**
 * The group as one self-contained HTML page: verdict, the pods drawn on a time axis,
 * the figures and hints, and a table of members. Inline CSS and SVG only; a
 * Content-Security-Policy forbids every fetch and script, so the page opens offline,
 * from a CI artifact, without reaching the network.
 */
import type { MemberSummary, PodBar, Stats, Timeline } from "../group/timeline-types";
import { formatDuration } from "../group/duration";
import { barEnd, tickStep } from "../group/timeline-model";
import { groupState, html, memberDurationMs, memberName, sortedMembers } from "./text";

export interface HtmlOptions {
  /** When the report was taken (epoch ms), shown under the title; the end of the time axis by default. */
  takenAt?: number;
  /** The tail of each failed member's last pod's log, by Job name. */
  logTails?: Record<string, string>;
  /** Where the group ran. */
  where?: { context: string; namespace: string };
}

export const HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

// The drawing, in viewBox units; the SVG scales to the page width.
const W = 760;
const LABEL_W = 190;
const PAD_R = 16;
const AXIS_H = 26;
const ROW_H = 18;
const BAR_H = 11;


function truncate(text: string, max: number): string {
  const chars = [...text.replace(/\s+/g, " ")];
  return chars.length <= max ? chars.join("") : `${chars.slice(0, max - 1).join("")}…`;
}

const fmt = (ms: number | undefined): string => (ms === undefined ? "–" : formatDuration(ms));
/** To a tenth: figures shown to people, and coordinates in the drawings. */
const tenth = (n: number): number => Math.round(n * 10) / 10;
const num = (n: number): string => String(tenth(n));

/** Where a moment falls across the drawings, which share one time axis. */
function timeAxis(timeline: Timeline): { span: number; plotW: number; x: (t: number) => number } {
  const span = Math.max(1, timeline.to - timeline.from);
  const plotW = W - LABEL_W - PAD_R;
  return { span, plotW, x: (t) => LABEL_W + ((Math.min(Math.max(t, timeline.from), timeline.to) - timeline.from) / span) * plotW };
}
const stat = (s: Stats): string => (s.count === 0 ? "–" : `${fmt(s.p50)} / ${fmt(s.p95)} / ${fmt(s.max)}`);

function podTitle(bar: PodBar, to: number): string {
  const lines = [`${bar.pod} (attempt ${bar.attempt + 1}): ${bar.outcome}`];
  lines.push(`cold start ${fmt(bar.started === undefined ? (barEnd(bar) ?? to) - bar.created : bar.started - bar.created)}${bar.started === undefined ? " (never ran)" : ""}`);
  if (bar.started !== undefined) lines.push(`ran ${fmt((barEnd(bar) ?? to) - bar.started)}`);
  if (bar.exitCode !== undefined) lines.push(`exit code ${bar.exitCode}`);
  if (bar.restarts > 0) lines.push(`${bar.restarts} restarts in place`);
  return lines.join("\n");
}

function drawTimeline(timeline: Timeline, members: MemberSummary[]): string {
  const order = new Map(members.map((m, i) => [m.job, i]));
  const bars = [...timeline.bars].sort((a, b) => (order.get(a.job) ?? Infinity) - (order.get(b.job) ?? Infinity) || a.job.localeCompare(b.job) || a.attempt - b.attempt || a.created - b.created);
  if (bars.length === 0) return `<p class="empty">No pods yet.</p>`;
  const { span, plotW, x } = timeAxis(timeline);
  const height = AXIS_H + bars.length * ROW_H + 6;
  const out: string[] = [];
  out.push(`<svg class="timeline" viewBox="0 0 ${W} ${height}" role="img" aria-label="Pods of group ${html(timeline.group)} over time" preserveAspectRatio="xMinYMin meet">`);
  out.push(`<defs><pattern id="cold" patternUnits="userSpaceOnUse" width="5" height="5" patternTransform="rotate(45)"><rect width="5" height="5" fill="#e3e9f2"/><rect width="2" height="5" fill="#9fb2cc"/></pattern></defs>`);
  // Member bands first, so bars draw over them.
  let row = 0;
  let band = 0;
  const labels: string[] = [];
  let previousJob: string | undefined;
  for (const bar of bars) {
    const y = AXIS_H + row * ROW_H;
    if (bar.job !== previousJob) {
      const rows = bars.filter((b) => b.job === bar.job).length;
      out.push(`<rect class="band${band % 2 ? " odd" : ""}" x="0" y="${y}" width="${W}" height="${rows * ROW_H}"/>`);
      const member = members.find((m) => m.job === bar.job);
      const label = member ? memberName(member) : memberName(bar);
      labels.push(`<text class="label" x="6" y="${y + ROW_H / 2 + 4}"><title>${html(`${label}\n${bar.job}`)}</title>${html(truncate(label, 28))}</text>`);
      band += 1;
      previousJob = bar.job;
    } else {
      // Under the member's label: each further pod by its completion index, and "attempt N" for a retry.
      const what = [bar.completionIndex !== undefined ? `[${bar.completionIndex}]` : "", bar.attempt > 0 ? `attempt ${bar.attempt + 1}` : ""].filter(Boolean).join(" ") || "pod";
      labels.push(`<text class="label retry" x="${LABEL_W - 8}" y="${y + ROW_H / 2 + 4}" text-anchor="end">${what}</text>`);
    }
    row += 1;
  }
  // Axis: ticks and grid lines.
  // At most ~8 ticks across the axis, whole seconds and up.
  const step = Math.max(1000, tickStep(span, 8));
  out.push(`<g class="axis">`);
  for (let t = 0; t <= span + 1; t += step) {
    const tx = tenth(LABEL_W + (t / span) * plotW);
    out.push(`<line class="grid" x1="${tx}" y1="${AXIS_H - 4}" x2="${tx}" y2="${height - 6}"/><text class="tick" x="${tx}" y="${AXIS_H - 8}" text-anchor="middle">${t === 0 ? "0s" : html(formatDuration(t))}</text>`);
  }
  out.push(`</g>`);
  out.push(...labels);
  row = 0;
  for (const bar of bars) {
    const y = AXIS_H + row * ROW_H + (ROW_H - BAR_H) / 2;
    const end = barEnd(bar) ?? timeline.to;
    const x0 = x(bar.created);
    const x1 = Math.max(x(end), x0 + 1.5);
    out.push(`<g class="pod ${bar.outcome}" data-pod="${html(bar.pod)}"><title>${html(podTitle(bar, timeline.to))}</title>`);
    out.push(`<rect class="bar" x="${tenth(x0)}" y="${tenth(y)}" width="${tenth(x1 - x0)}" height="${BAR_H}"/>`);
    if (bar.started !== undefined) {
      const s = x(bar.started);
      out.push(`<rect class="run" x="${tenth(s)}" y="${tenth(y)}" width="${tenth(Math.max(x1 - s, 1.5))}" height="${BAR_H}"/>`);
    }
    const cy = y + BAR_H / 2;
    if (bar.outcome === "failed") out.push(`<path class="mark" d="M${tenth(x1 + 2)} ${tenth(cy - 4)}l8 8m0 -8l-8 8"/>`);
    else if (bar.outcome === "deleted") out.push(`<path class="mark" d="M${tenth(x1 + 3)} ${tenth(cy - 5)}v10"/>`);
    else if (bar.outcome === "running" || bar.outcome === "pending") out.push(`<path class="mark" d="M${tenth(x1 + 2)} ${tenth(cy - 4)}l5 4l-5 4"/>`);
    out.push(`</g>`);
    row += 1;
  }
  out.push(`</svg>`);
  return out.join("\n");
}

// The concurrency chart under the timeline: same time axis, pods counted up the side.
const CHART_TOP = 10;
const CHART_H = 70;

/** One stacked layer of a step chart as a closed path: `low` to `high` counts, per step. */
function layerPath(steps: { x0: number; x1: number; low: number; high: number }[], y: (n: number) => number): string {
  const top = steps.flatMap((s) => [`${tenth(s.x0)} ${tenth(y(s.high))}`, `${tenth(s.x1)} ${tenth(y(s.high))}`]);
  const bottom = [...steps].reverse().flatMap((s) => [`${tenth(s.x1)} ${tenth(y(s.low))}`, `${tenth(s.x0)} ${tenth(y(s.low))}`]);
  return `M${[...top, ...bottom].join(" L")}Z`;
}

/** Running pods, and pods waiting to start above them, over the timeline's span. */
function drawConcurrency(timeline: Timeline): string {
  const series = timeline.concurrency;
  const peak = Math.max(0, ...series.map((c) => c.running + c.pending));
  if (peak === 0) return "";
  const { x } = timeAxis(timeline);
  const y = (n: number) => CHART_TOP + CHART_H - (n / peak) * CHART_H;
  const steps = series.map((c, i) => ({ ...c, x0: x(c.at), x1: x(series[i + 1]?.at ?? timeline.to) })).filter((s) => s.x1 > s.x0);
  const height = CHART_TOP + CHART_H + 8;
  const peakRunning = Math.max(...series.map((c) => c.running));
  return [
    `<svg class="concurrency" viewBox="0 0 ${W} ${height}" role="img" aria-label="Pods at once: at most ${peakRunning} running, ${peak} running or waiting to start" preserveAspectRatio="xMinYMin meet">`,
    `<line class="grid" x1="${LABEL_W}" y1="${y(peak)}" x2="${W - PAD_R}" y2="${y(peak)}"/><line class="grid" x1="${LABEL_W}" y1="${y(0)}" x2="${W - PAD_R}" y2="${y(0)}"/>`,
    `<text class="label" x="${LABEL_W - 8}" y="${y(peak) + 4}" text-anchor="end">${peak} pods</text><text class="label" x="${LABEL_W - 8}" y="${y(0) + 4}" text-anchor="end">0</text>`,
    `<path class="area pending" d="${layerPath(steps.map((s) => ({ ...s, low: s.running, high: s.running + s.pending })), y)}"><title>waiting to start</title></path>`,
    `<path class="area running" d="${layerPath(steps.map((s) => ({ ...s, low: 0, high: s.running })), y)}"><title>running</title></path>`,
    `</svg>`,
  ].join("\n");
}

const LEGEND = `<ul class="legend">
<li><svg viewBox="0 0 24 12" aria-hidden="true"><rect class="swatch-cold" width="24" height="12"/></svg>cold start (created → running)</li>
<li><svg viewBox="0 0 24 12" aria-hidden="true"><rect class="swatch succeeded" width="24" height="12"/></svg>ran, succeeded</li>
<li><svg viewBox="0 0 24 12" aria-hidden="true"><rect class="swatch failed" width="24" height="12"/></svg>ran, failed ✕</li>
<li><svg viewBox="0 0 24 12" aria-hidden="true"><rect class="swatch running" width="24" height="12"/></svg>still running ›</li>
<li><svg viewBox="0 0 24 12" aria-hidden="true"><rect class="swatch deleted" width="24" height="12"/></svg>deleted before finishing |</li>
</ul>`;

const CONCURRENCY_LEGEND = `<ul class="legend">
<li><svg viewBox="0 0 24 12" aria-hidden="true"><rect class="swatch running" width="24" height="12"/></svg>running</li>
<li><svg viewBox="0 0 24 12" aria-hidden="true"><rect class="swatch-cold" width="24" height="12"/></svg>waiting to start (cold start)</li>
</ul>`;

const CSS = `
:root{--ok:#1a7f37;--bad:#cf222e;--run:#0969da;--gone:#8c959f;--ink:#1f2328;--muted:#59636e;--line:#d1d9e0}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:#fff}
main{max-width:1180px;margin:0 auto;padding:16px}
h1{font-size:1.35rem;margin:0 0 4px;overflow-wrap:anywhere}
h2{font-size:1.05rem;margin:24px 0 8px}
.taken{color:var(--muted);margin:0 0 12px}
.verdict{display:inline-block;padding:2px 10px;border-radius:999px;color:#fff;font-weight:600;font-size:.9rem;vertical-align:middle}
.verdict.succeeded{background:var(--ok)}.verdict.failed{background:var(--bad)}.verdict.running{background:var(--run)}.verdict.pending{background:var(--gone)}.verdict.suspended{background:#9a6700}.verdict.incomplete{background:#9a6700}
.chart{overflow-x:auto;border:1px solid var(--line);border-radius:6px}
svg.timeline,svg.concurrency{display:block;width:100%;min-width:560px;height:auto}
/* Phones: the drawing keeps a readable size and scrolls sideways inside its box. */
@media (max-width:600px){svg.timeline,svg.concurrency{min-width:640px}.label{font-size:12px}.label.retry{font-size:11px}.tick{font-size:11px}body{font-size:14px}main{padding:12px}}
.band{fill:#fff}.band.odd{fill:#f6f8fa}
.grid{stroke:var(--line);stroke-width:.6}
.tick{font-size:10px;fill:var(--muted)}
.label{font-size:11px;fill:var(--ink)}.label.retry{fill:var(--muted);font-size:10px}
.bar{fill:url(#cold);stroke:#9fb2cc;stroke-width:.5}
.run{fill:var(--ok)}
.pod.failed .run{fill:var(--bad)}.pod.running .run{fill:var(--run)}.pod.deleted .run{fill:var(--gone)}
.mark{fill:none;stroke-width:1.8;stroke:var(--ink)}
.area.running{fill:var(--run)}.area.pending{fill:#c6d3e3}
.pod.failed .mark{stroke:var(--bad)}.pod.running .mark,.pod.pending .mark{stroke:var(--run)}
.legend{list-style:none;padding:0;margin:8px 0 0;display:flex;flex-wrap:wrap;gap:4px 16px;color:var(--muted);font-size:.85rem}
.legend svg{width:24px;height:12px;vertical-align:-1px;margin-right:6px}
.swatch-cold{fill:#c6d3e3}.swatch.succeeded{fill:var(--ok)}.swatch.failed{fill:var(--bad)}.swatch.running{fill:var(--run)}.swatch.deleted{fill:var(--gone)}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:8px;margin:0}
.figures div{border:1px solid var(--line);border-radius:6px;padding:8px 10px}
.figures dt{color:var(--muted);font-size:.8rem}
.figures dd{margin:0;font-weight:600;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
.hints{padding-left:20px}
.table{overflow-x:auto;border:1px solid var(--line);border-radius:6px}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#f6f8fa;white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.job,td.outcome{white-space:nowrap}
td.item{min-width:8em;overflow-wrap:anywhere}
td.reason{min-width:12em}
pre.log{margin:4px 0 0;padding:6px;background:#f6f8fa;border-radius:4px;font-size:.8rem;white-space:pre-wrap;overflow-wrap:anywhere;max-height:20em;overflow:auto}
details summary{cursor:pointer;color:var(--muted);font-size:.85em}
/* Phones: the outcome stays in view; the Job name and the narrow columns give way. */
@media (max-width:600px){.job{display:none}td.item{min-width:0;max-width:9em}td.reason{min-width:0}th,td{padding:6px}}
.outcome.succeeded{color:var(--ok)}.outcome.failed{color:var(--bad);font-weight:600}.outcome.running{color:var(--run)}
.message{color:var(--muted);font-size:.85em;display:block}
.empty{color:var(--muted)}
`;

function figuresList(timeline: Timeline): string {
  const f = timeline.figures;
  const items: [string, string][] = [
    ["Makespan", formatDuration(f.makespanMs)],
    ["Members", `${timeline.members.length} (${timeline.members.filter((m) => m.outcome === "succeeded").length} succeeded, ${timeline.members.filter((m) => m.outcome === "failed").length} failed)`],
    ["Pods", String(f.pods)],
    ["Failed pods / retries", `${f.failedPods} / ${f.retries}`],
    ["Cold start p50 / p95 / max", stat(f.coldStart)],
    ["Run time p50 / p95 / max", stat(f.runTime)],
    ["Concurrency peak / mean", `${f.peakConcurrency} / ${num(f.meanConcurrency)} of parallelism ${f.parallelismLimit}`],
    ["Cold-start share", `${Math.round(f.coldStartShare * 100)}% of pod time`],
  ];
  return `<dl class="figures">\n${items.map(([k, v]) => `<div><dt>${html(k)}</dt><dd>${html(v)}</dd></div>`).join("\n")}\n</dl>`;
}

/** The exit code of a member's last pod that ended with one. */
function lastExitCode(timeline: Timeline, job: string): number | undefined {
  const ended = timeline.bars.filter((b) => b.job === job && b.exitCode !== undefined).sort((a, b) => a.created - b.created);
  return ended.at(-1)?.exitCode;
}

/**
 * The members: the outcome right after the item, so it stays in view on a phone (the
 * Job column gives way there); a failed member shows its last exit code and the tail
 * of its log, as the JUnit report does.
 */
function membersTable(timeline: Timeline, members: MemberSummary[], logTails: Record<string, string>): string {
  const rows = members.map((m) => {
    const duration = memberDurationMs(m, timeline);
    const reason = m.reason ? html(m.reason) : "";
    const message = m.message ? `<span class="message">${html(m.message)}</span>` : "";
    const exit = m.outcome === "failed" ? lastExitCode(timeline, m.job) : undefined;
    const exitText = exit !== undefined ? `<span class="message">exit code ${exit}</span>` : "";
    const tail = m.outcome === "failed" && logTails[m.job] ? `<details><summary>log (last lines)</summary><pre class="log">${html(logTails[m.job] ?? "")}</pre></details>` : "";
    return `<tr><td class="num">${m.index}</td><td class="item">${html(memberName(m))}</td><td class="outcome ${m.outcome}">${m.outcome}</td><td class="reason">${reason}${message}${exitText}${tail}</td><td class="job">${html(m.job)}</td><td class="num">${m.attempts}</td><td class="num">${html(fmt(duration))}</td></tr>`;
  });
  return `<div class="table"><table>
<thead><tr><th>#</th><th>Item</th><th>Outcome</th><th>Reason</th><th class="job">Job</th><th>Attempts</th><th>Duration</th></tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table></div>`;
}

export function htmlReport(timeline: Timeline, options: HtmlOptions = {}): string {
  const members = sortedMembers(timeline.members);
  const verdict = groupState(timeline);
  const taken = new Date(options.takenAt ?? timeline.to).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
  const hints = timeline.figures.hints.length ? `<h2>Hints</h2>\n<ul class="hints">\n${timeline.figures.hints.map((h) => `<li>${html(h)}</li>`).join("\n")}\n</ul>` : "";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${HTML_CSP}">
<meta name="color-scheme" content="light">
<title>jobx group ${html(timeline.group)}: ${verdict}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>jobx group ${html(timeline.group)} <span class="verdict ${verdict}">${verdict}</span></h1>
<p class="taken">${timeline.running ? "Still running at" : "Taken at"} ${html(taken)} · ${timeline.members.length} members · ${timeline.figures.pods} pods${options.where ? ` · namespace ${html(options.where.namespace)}, context ${html(options.where.context)}` : ""}</p>
<h2>Timeline</h2>
<div class="chart">
${drawTimeline(timeline, members)}
</div>
${LEGEND}
${timeline.concurrency.some((c) => c.running + c.pending > 0) ? `<h2>Pods at once</h2>\n<div class="chart">\n${drawConcurrency(timeline)}\n</div>\n${CONCURRENCY_LEGEND}` : ""}
<h2>Figures</h2>
${figuresList(timeline)}
${hints}
<h2>Members</h2>
${membersTable(timeline, members, options.logTails ?? {})}
</main>
</body>
</html>
`;
}
