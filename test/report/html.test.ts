import { spawnSync } from "node:child_process";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HTML_CSP, htmlReport } from "../../src/report/html";
import { cleanText, memberName } from "../../src/report/text";
import type { MemberSummary, Timeline } from "../../src/group/timeline-types";
import { fixtureTimeline, LOG_TAILS, runningTimeline, T0, WEIRD_ITEM } from "../fixtures/report/timeline";
import { CHROMIUM, chromiumArgs, HAS_PYTHON, python, scratchDir, skipNote } from "./tools";

/** Where the screenshots go for people to look at (gitignored; CI may keep them as artifacts). */
const ARTIFACTS = resolve(import.meta.dirname, "../../test-artifacts/report");

const VIEWPORTS = [
  { name: "phone", width: 390, height: 844 },
  { name: "desktop", width: 1440, height: 900 },
] as const;

const count = (text: string, re: RegExp) => [...text.matchAll(re)].length;

interface HtmlRead {
  problems: string[];
  tags: string[];
  items: string[];
  labels: string[];
  title: string;
}

// A strict reading with python's HTML parser: every non-void element closed in order,
// and the text of the member cells and timeline labels as a browser would show it.
const READ_HTML = `
import json, sys
from html.parser import HTMLParser
VOID = {"meta", "br", "hr", "img", "input", "link", "area", "base", "col", "embed", "source", "track", "wbr"}
SVG_EMPTY = {"rect", "line", "path", "circle"}
class P(HTMLParser):
    def __init__(s):
        super().__init__(convert_charrefs=True)
        s.stack, s.problems, s.tags, s.items, s.labels, s.cur, s.title = [], [], set(), [], [], None, ""
    def handle_starttag(s, tag, attrs):
        s.tags.add(tag)
        cls = dict(attrs).get("class") or ""
        if tag not in VOID and tag not in SVG_EMPTY: s.stack.append((tag, cls))
        if tag == "td" and "item" in cls.split(): s.cur = "item"; s.items.append("")
        if tag == "text" and "label" in cls.split() and "retry" not in cls.split(): s.cur = "label"; s.labels.append("")
        if tag == "title" and s.cur == "label": s.cur = "label-title"
    def handle_startendtag(s, tag, attrs): s.tags.add(tag)
    def handle_endtag(s, tag):
        if tag in VOID or tag in SVG_EMPTY: return
        if not s.stack or s.stack[-1][0] != tag:
            s.problems.append("unexpected </%s> with %s open" % (tag, [t for t, _ in s.stack])); return
        s.stack.pop()
        if tag == "title" and s.cur == "label-title": s.cur = "label"
        elif tag in ("td", "text"): s.cur = None
    def handle_data(s, data):
        if s.stack and s.stack[-1][0] == "title" and len(s.stack) == 3: s.title += data
        if s.cur == "item": s.items[-1] += data
        if s.cur == "label": s.labels[-1] += data
out = []
for path in sys.argv[1:]:
    p = P(); p.feed(open(path, encoding="utf-8").read()); p.close()
    if p.stack: p.problems.append("unclosed: %s" % [t for t, _ in p.stack])
    out.append({"problems": p.problems, "tags": sorted(p.tags), "items": p.items, "labels": p.labels, "title": p.title})
print(json.dumps(out))
`;

function readHtml(texts: string[]): HtmlRead[] {
  const dir = scratchDir("html-");
  const files = texts.map((t, i) => {
    const f = join(dir, `r${i}.html`);
    writeFileSync(f, t);
    return f;
  });
  return python<HtmlRead[]>(READ_HTML, files);
}

const ALLOWED_TAGS = ["body", "dd", "defs", "details", "div", "dl", "dt", "g", "h1", "h2", "head", "html", "li", "line", "main", "meta", "p", "path", "pattern", "pre", "rect", "span", "style", "summary", "svg", "table", "tbody", "td", "text", "th", "thead", "title", "tr", "ul"];

/** What makes a page reach out: scripts, links, sources, imports, fonts, non-fragment url(). */
function networkProblems(page: string): string[] {
  const problems: string[] = [];
  if (/<script/i.test(page)) problems.push("a script element");
  if (/\s(src|href|srcset|xlink:href|action|poster|data)=/i.test(page)) problems.push("an attribute that loads something");
  if (/@import|@font-face/i.test(page)) problems.push("@import or @font-face");
  for (const m of page.matchAll(/url\(([^)]*)\)/g)) if (!m[1]?.startsWith("#")) problems.push(`url(${m[1]})`);
  if (/\b(https?|ftp):\/\//i.test(page)) problems.push("an absolute URL");
  return problems;
}

describe("htmlReport: the page as written", () => {
  const page = htmlReport(fixtureTimeline(), { logTails: LOG_TAILS, where: { namespace: "batch", context: "prod" } });

  it("draws one bar per pod and one table row per member", () => {
    expect(count(page, /<rect class="bar"/g)).toBe(8);
    expect(count(page, /<rect class="run"/g)).toBe(8);
    expect(count(page, /<g class="pod failed"/g)).toBe(4);
    expect(count(page, /<tr><td class="num">/g)).toBe(7);
  });

  it.each([
    ["title and verdict", `<h1>jobx group fruits <span class="verdict suspended">suspended</span></h1>`],
    ["makespan", "<dt>Makespan</dt><dd>2m58s</dd>"],
    ["pods", "<dt>Pods</dt><dd>8</dd>"],
    ["failures and retries", "<dt>Failed pods / retries</dt><dd>4 / 3</dd>"],
    ["cold start", "<dt>Cold start p50 / p95 / max</dt><dd>9s / 28s / 28s</dd>"],
    ["run time", "<dt>Run time p50 / p95 / max</dt><dd>44s / 1m20s / 1m20s</dd>"],
    ["concurrency", "<dt>Concurrency peak / mean</dt><dd>5 / 2.4 of parallelism 7</dd>"],
    ["cold-start share", "<dt>Cold-start share</dt><dd>21% of pod time</dd>"],
    ["hints", "<li>cold start is 21% of pod time</li>"],
    ["a failed member's row, its last exit code and the tail of its log", `<td class="outcome failed">failed</td><td class="reason">BackoffLimitExceeded<span class="message">Job has reached the specified backoff limit</span><span class="message">exit code 2</span><details><summary>log (last lines)</summary><pre class="log">processing banana`],
    ["a failed member's log with its markup escaped", `Error: peel not found ]]&gt; &lt;oops&gt; &amp;`],
    ["where the group ran", `namespace batch, context prod</p>`],
    ["the phone viewport", `<meta name="viewport" content="width=device-width, initial-scale=1">`],
    ["a policy that forbids every fetch and script", `<meta http-equiv="Content-Security-Policy" content="${HTML_CSP}">`],
    ["time axis ticks", `text-anchor="middle">0s</text>`],
    ["retry rows, as attempts", `>attempt 3</text>`],
  ])("shows %s", (_what, fragment) => {
    expect(page).toContain(fragment);
  });

  it("draws the pods at once as stacked steps whose heights are the concurrency series", () => {
    const timeline = fixtureTimeline();
    const chart = /<svg class="concurrency"[^>]*>[\s\S]*?<\/svg>/.exec(page)?.[0] ?? "";
    const peak = Math.max(...timeline.concurrency.map((c) => c.running + c.pending));
    expect(chart).toContain(`aria-label="Pods at once: at most ${Math.max(...timeline.concurrency.map((c) => c.running))} running, ${peak} running or waiting to start"`);
    expect(chart).toContain(`>${peak} pods</text>`);
    // The top edge of each layer, read back as counts, step by step.
    const tops = (layer: string): number[] => {
      const d = new RegExp(`<path class="area ${layer}" d="M([^"Z]*)Z"`).exec(chart)?.[1] ?? "";
      const points = d.split(" L").map((p) => Number(p.split(" ")[1]));
      const upper = points.slice(0, points.length / 2).filter((_, i) => i % 2 === 0);
      return upper.map((y) => Math.round(((70 + 10 - y) / 70) * peak * 10) / 10);
    };
    const drawn = timeline.concurrency.filter((c, i) => (timeline.concurrency[i + 1]?.at ?? timeline.to) > c.at);
    expect(tops("running")).toEqual(drawn.map((c) => c.running));
    expect(tops("pending")).toEqual(drawn.map((c) => c.running + c.pending));
  });

  it("reaches for nothing outside itself", () => {
    expect(networkProblems(page)).toEqual([]);
    expect(HTML_CSP).toMatch(/^default-src 'none';/);
    expect(HTML_CSP).not.toMatch(/script-src/);
  });

  it("escapes parameters that carry markup", () => {
    expect(page).not.toContain(WEIRD_ITEM);
    expect(page).not.toContain("</script>");
    expect(page).toContain("&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39; ]]&gt; \ufffdbell,size=3");
  });

  it("says when there are no pods yet", () => {
    const empty = htmlReport({ ...fixtureTimeline(), bars: [], concurrency: [{ at: T0, running: 0, pending: 0 }] });
    expect(empty).toContain(`<p class="empty">No pods yet.</p>`);
    expect(empty).not.toContain("Pods at once");
  });

  it("marks a running group and its running pods", () => {
    const running = htmlReport(runningTimeline());
    expect(running).toContain("Still running at 2026-01-01 10:01:00 UTC");
    expect(count(running, /<g class="pod running"/g)).toBe(1);
    expect(count(running, /<g class="pod pending"/g)).toBe(1);
  });

  it("parses strictly, with only the expected elements", () => {
    if (!HAS_PYTHON) return skipNote("HTML strict parse", "python3 is not installed");
    const [read] = readHtml([page, htmlReport(runningTimeline())]);
    expect(read?.problems).toEqual([]);
    expect(read?.tags.filter((t) => !ALLOWED_TAGS.includes(t))).toEqual([]);
    expect(read?.title).toBe("jobx group fruits: suspended");
    expect(read?.items).toContain(`item=${cleanText(WEIRD_ITEM)},size=3`);
  });
});

// Any UTF-16 code unit, with the characters that matter to HTML and SVG more often.
const anyUnit = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  fc.constantFrom("<", ">", "&", '"', "'", "</script>", "<script>", "<!--", "-->", "</title>", "</text>", "&amp;", "\u0000", "\r\n", "😀", "]]>", "</style>"),
);
const anyText = fc.string({ unit: anyUnit, maxLength: 20 });

describe("htmlReport: any group name, parameters, reasons and hints", () => {
  it("always parses with the expected elements and shows the text as given", () => {
    if (!HAS_PYTHON) return skipNote("HTML property parse", "python3 is not installed");
    const arb = fc.record({
      group: anyText,
      members: fc.array(fc.record({ params: fc.dictionary(fc.string({ unit: anyUnit, minLength: 1, maxLength: 5 }), anyText, { maxKeys: 3 }), reason: anyText, message: anyText }), { minLength: 1, maxLength: 4 }),
      hint: anyText,
    });
    const samples = fc.sample(arb, { numRuns: 120, seed: 424242 });
    const timelines = samples.map(({ group, members, hint }): Timeline => {
      const base = fixtureTimeline();
      const ms: MemberSummary[] = members.map((m, index) => ({ job: `j-${index}`, index, params: m.params, outcome: "failed", reason: m.reason, message: m.message, attempts: 1, pods: 1, startTime: T0, finishTime: T0 + 1000 }));
      const bars = ms.map((m) => ({ pod: `${m.job}-p`, job: m.job, index: m.index, params: m.params, attempt: 0, created: T0, started: T0 + 100, finished: T0 + 900, outcome: "failed" as const, exitCode: 1, restarts: 0 }));
      return { ...base, group, members: ms, bars, figures: { ...base.figures, hints: [hint] } };
    });
    const pages = timelines.map((t) => htmlReport(t));
    const reads = readHtml(pages);
    reads.forEach((read, i) => {
      const t = timelines[i] as Timeline;
      expect(read.problems, pages[i]).toEqual([]);
      expect(read.tags.filter((tag) => !ALLOWED_TAGS.includes(tag))).toEqual([]);
      expect(networkProblems(pages[i] ?? "").filter((p) => p !== "an absolute URL")).toEqual([]);
      // The browser's parser turns CR LF and lone CR into LF.
      const shown = (s: string) => cleanText(s).replace(/\r\n?/g, "\n");
      expect(read.items).toEqual(t.members.map((m) => shown(memberName(m))));
      expect(read.title).toBe(shown(`jobx group ${t.group}: failed`));
    });
  });
});

interface Measured {
  bars: [number, number, number, number][];
  svg: [number, number];
  rows: number;
  items: string[];
  figures: string[];
  hints: number;
  resources: string[];
  viewport: [number, number];
  pageWidth: number;
  chart: [number, number];
  h1: string;
  /** The right edge of every outcome cell, relative to the viewport. */
  outcomeRight: number[];
}

// A harness page that shows the report, unchanged, in a frame of the viewport's size (a
// headless window has a minimum width, a frame does not), measures what the browser laid
// out and leaves it in the DOM for --dump-dom. The report itself runs no script.
function harness(page: string, width: number, height: number): string {
  const srcdoc = page.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>body{margin:0}iframe{border:0;display:block}</style></head>
<body><iframe id="report" width="${width}" height="${height}" srcdoc="${srcdoc}"></iframe>
<script>
addEventListener("load", () => {
  const w = document.getElementById("report").contentWindow;
  const d = w.document;
  const svg = d.querySelector("svg.timeline");
  const sb = svg.getBoundingClientRect();
  const box = (e) => { const b = e.getBoundingClientRect(); return [b.x - sb.x, b.y - sb.y, b.width, b.height]; };
  const chart = d.querySelector(".chart");
  const m = {
    bars: [...svg.querySelectorAll("rect.bar")].map(box),
    svg: [sb.width, sb.height],
    rows: d.querySelectorAll("table tbody tr").length,
    items: [...d.querySelectorAll("td.item")].map((td) => td.textContent),
    figures: [...d.querySelectorAll(".figures div")].map((e) => e.innerText),
    hints: d.querySelectorAll(".hints li").length,
    resources: [...w.performance.getEntriesByType("resource"), ...performance.getEntriesByType("resource")].map((e) => e.name),
    viewport: [w.innerWidth, w.innerHeight],
    pageWidth: d.documentElement.scrollWidth,
    chart: [chart.scrollWidth, chart.clientWidth],
    h1: d.querySelector("h1").textContent,
    outcomeRight: [...d.querySelectorAll("td.outcome")].map((td) => td.getBoundingClientRect().right),
  };
  const pre = document.createElement("pre");
  pre.id = "measure";
  pre.textContent = encodeURIComponent(JSON.stringify(m));
  document.body.append(pre);
});
</script>
</body></html>`;
}

function runChromium(args: string[]): string {
  const result = spawnSync(CHROMIUM ?? "chromium", chromiumArgs(args), { encoding: "utf8", timeout: 90_000, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`chromium exited ${result.status}: ${result.stderr.slice(-2000)}`);
  return result.stdout;
}

describe("htmlReport in headless Chromium", () => {
  const timeline = fixtureTimeline();
  const page = htmlReport(timeline, { logTails: LOG_TAILS, where: { namespace: "batch", context: "prod" } });

  it.each(VIEWPORTS)("lays out the bars, figures and table on a $name screen ($width×$height), with no fetches", ({ name, width, height }) => {
    if (!CHROMIUM) return skipNote(`Chromium layout check (${name})`, "no chromium on PATH (Debian: apt-get install -y chromium); the static checks above still ran");
    const dir = scratchDir("chromium-");
    const file = join(dir, "harness.html");
    writeFileSync(file, harness(page, width, height));
    const dom = runChromium(["--window-size=1600,1000", "--dump-dom", pathToFileURL(file).href]);
    const encoded = /<pre id="measure">([^<]*)<\/pre>/.exec(dom)?.[1];
    expect(encoded, "the measuring script did not run").toBeDefined();
    const m = JSON.parse(decodeURIComponent(encoded ?? "")) as Measured;

    expect(m.viewport[0]).toBe(width);
    expect(m.resources).toEqual([]);
    expect(m.h1).toBe("jobx group fruits suspended");
    // One drawn bar per pod, each visible and inside the drawing.
    expect(m.bars).toHaveLength(timeline.bars.length);
    for (const [x, y, w, h] of m.bars) {
      expect(w).toBeGreaterThan(0);
      expect(h).toBeGreaterThan(0);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x + w).toBeLessThanOrEqual(m.svg[0] + 1);
      expect(y + h).toBeLessThanOrEqual(m.svg[1] + 1);
    }
    // Bars of later rows are lower: one row per pod.
    const ys = m.bars.map(([, y]) => y);
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
    expect(new Set(ys).size).toBe(ys.length);
    expect(m.rows).toBe(timeline.members.length);
    expect(m.items[0]).toBe("item=apple");
    expect(m.items[6]).toBe(`item=${cleanText(WEIRD_ITEM)},size=3`);
    expect(m.figures.join("\n")).toMatch(/Makespan\s+2m58s/);
    expect(m.figures.join("\n")).toMatch(/Concurrency peak \/ mean\s+5 \/ 2\.4 of parallelism 7/);
    expect(m.hints).toBe(2);
    // The page itself never scrolls sideways; the chart and the table scroll in their boxes.
    expect(m.pageWidth).toBeLessThanOrEqual(width);
    if (name === "desktop") expect(m.chart[0]).toBeLessThanOrEqual(m.chart[1]);
    else expect(m.chart[0]).toBeGreaterThan(m.chart[1]);
    // Every member's outcome is in view without scrolling the table, on a phone too.
    expect(m.outcomeRight).toHaveLength(timeline.members.length);
    for (const right of m.outcomeRight) expect(right).toBeLessThanOrEqual(width);

    mkdirSync(ARTIFACTS, { recursive: true });
    const original = join(dir, "original.html");
    writeFileSync(original, page);
    const shot = join(ARTIFACTS, `report-${name}-${width}x${height}.png`);
    runChromium([`--window-size=${width},${height}`, `--screenshot=${shot}`, pathToFileURL(original).href]);
    expect(statSync(shot).size).toBeGreaterThan(5_000);
    console.log(`screenshot: ${shot}`);
  });
});
