import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildTimeline, type TimelineInput } from "../../src/group/timeline-model";
import { displayWidth, drawTimeline, fitText } from "../../src/ui/timeline-drawing";
import { mixedInput, wavesInput } from "../group/timeline-fixtures";

const captured = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/timeline/${name}.json`, import.meta.url), "utf8")) as TimelineInput;

const CASES: [string, () => TimelineInput][] = [
  ["waves", wavesInput],
  ["mixed", mixedInput],
  ["retries", () => captured("retries")],
  ["running", () => captured("running")],
  ["restart", () => captured("restart")],
];

const widest = (text: string) => Math.max(...text.split("\n").map(displayWidth));

describe("drawTimeline", () => {
  describe.each([60, 100, 160])("at width %d", (width) => {
    it.each(CASES)("%s", async (name, input) => {
      const t = buildTimeline(input());
      const rows = drawTimeline(t, width, { colour: false });
      const compact = drawTimeline(t, width, { colour: false, compact: true });
      expect(widest(rows)).toBeLessThanOrEqual(width);
      expect(widest(compact)).toBeLessThanOrEqual(width);
      expect(rows).not.toContain("\x1b[");
      await expect(rows).toMatchFileSnapshot(`./__snapshots__/timeline/${name}-${width}.txt`);
      await expect(compact).toMatchFileSnapshot(`./__snapshots__/timeline/${name}-${width}-compact.txt`);
    });
  });

  it("never draws wider than asked, down to very narrow terminals, with colour too", () => {
    const t = buildTimeline(mixedInput());
    for (let width = 20; width <= 200; width += 7) {
      expect(widest(drawTimeline(t, width, { colour: false }))).toBeLessThanOrEqual(width);
      expect(widest(drawTimeline(t, width, { colour: false, compact: true }))).toBeLessThanOrEqual(width);
      // eslint-disable-next-line no-control-regex -- colour codes take no columns
      const coloured = drawTimeline(t, width, { colour: true }).replace(/\x1b\[[\d;]*m/g, "");
      expect(widest(coloured)).toBeLessThanOrEqual(width);
    }
  });

  it("one row per pod, the cold start apart from the running part, the outcome at the end", () => {
    const out = drawTimeline(buildTimeline(mixedInput()), 100, { colour: false });
    const row = (label: string) => out.split("\n").find((l) => l.startsWith(label)) ?? "";
    expect(row("item=banana ")).toMatch(/^item=banana +░+█+✗1$/);
    // The retry is an attempt; it says so (completion indexes would show as [N]).
    expect(row("item=banana attempt 2")).toMatch(/^item=banana attempt 2 +░+█+✓$/);
    expect(row("item=cherry attempt 2")).toMatch(/✗137$/);
    expect(row("item=damson")).toMatch(/░+█+…$/);
    expect(row("item=elder")).toMatch(/░+…$/);
    expect(row("item=elder")).not.toContain("█");
    expect(row("item=fig")).toContain("no Job, no pods");
    expect(out).toMatch(/^ITEM +0s +2s +4s +6s +8s +10s +12s +14s +16s$/m);
    expect(out).toContain("makespan    16s so far (running) · 7 pods, 3 failed, 2 retries");
  });

  it("--limit shows the first rows and says how many were left out", () => {
    const out = drawTimeline(buildTimeline(wavesInput()), 100, { colour: false, limit: 5 });
    expect(out.split("\n").filter((l) => l.startsWith("item=pi "))).toHaveLength(5);
    expect(out).toContain("… 15 more rows not shown (--limit 5); --compact draws every pod as concurrency over time");
  });

  it("compact mode draws running and pending pods per time column against the limit", () => {
    const out = drawTimeline(buildTimeline(wavesInput()), 100, { colour: false, compact: true });
    const chart = out.split("\n").filter((l) => l.includes("┤"));
    expect(chart).toHaveLength(4);
    expect(chart[0]).toMatch(/^ *limit 4 ┤░+█+░+█+/);
    expect(out).not.toContain("pi #");
    expect(out).toContain("hint: the parallelism limit (4) set the makespan");
  });

  it("colour marks the parts when asked", () => {
    const out = drawTimeline(buildTimeline(mixedInput()), 100, { colour: true });
    expect(out).toContain("\x1b[");
  });

  it("fitText cuts by columns, wide characters counting two", () => {
    expect(fitText("abcdef", 4)).toBe("abc…");
    expect(fitText("日本語テキスト", 5)).toBe("日本…");
    expect(displayWidth("日本…")).toBe(5);
    expect(fitText("ab", 4)).toBe("ab");
  });

  it("labels with wide characters keep the axis aligned", () => {
    const input = wavesInput();
    input.record.members[0]!.params = { item: "日本語のとても長い項目の名前です" };
    const out = drawTimeline(buildTimeline(input), 60, { colour: false });
    expect(widest(out)).toBeLessThanOrEqual(60);
    const bars = out.split("\n").filter((l) => l.includes("░"));
    const starts = new Set(bars.slice(0, 4).map((l) => displayWidth(l.slice(0, l.indexOf("░")))));
    expect(starts.size).toBe(1);
  });
});
