/**
 * jobx timeline against the test cluster. The cluster writes timestamps as the API server
 * does, in whole seconds, so the group runs at time scale 1 with durations of seconds and
 * the figures are checked to about a second.
 */
import type { TestCluster } from "../cluster/index";
import { beforeEach, describe, expect, it } from "vitest";
import type { Timeline } from "../../src/group/timeline-types";
import { displayWidth } from "../../src/ui/timeline-drawing";
import { behaviourTemplate, jobxAsync, tempDir, useCluster } from "./helpers";

const dir = tempDir();
const clusterOf = useCluster({ timeScale: 1 });
let cluster: TestCluster;
beforeEach(() => {
  cluster = clusterOf();
});

describe("jobx timeline", () => {
  it("8 completions at parallelism 4, 1 s cold start, 2 s of work: two waves, watched to the end, then read back", { timeout: 60_000 }, async () => {
    const template = behaviourTemplate(dir, "waves", { coldStart: "1s", runTime: "2s" }, "  completions: 8\n  parallelism: 4\n  backoffLimit: 0");
    const applied = await jobxAsync(cluster, ["apply", template, "--items", "pi", "--group", "waves"]);
    expect(applied.status, applied.stderr).toBe(0);

    // Not a terminal: a drawing when something changed, and the final one; exits when the group finishes.
    const watched = await jobxAsync(cluster, ["timeline", "waves", "--watch", "--width", "80"], { timeoutMs: 40_000 });
    expect(watched.status, watched.stderr).toBe(0);
    const frames = watched.stdout.split(/\n(?=group waves)/);
    const final = frames.at(-1) ?? "";
    expect(final).toContain("group waves · 1 member · 8 pods · finished");
    expect(final.match(/✓/g)).toHaveLength(9); // eight pods and the legend

    const run = await jobxAsync(cluster, ["timeline", "waves", "-o", "json"]);
    expect(run.status, run.stderr).toBe(0);
    const t = JSON.parse(run.stdout) as Timeline;
    const f = t.figures;
    expect(t.running).toBe(false);
    expect([f.pods, f.failedPods, f.retries, f.parallelismLimit, f.peakConcurrency]).toEqual([8, 0, 0, 4, 4]);
    expect(f.makespanMs).toBeGreaterThanOrEqual(5000);
    expect(f.makespanMs).toBeLessThanOrEqual(9000);
    expect(f.coldStart.p50).toBeGreaterThanOrEqual(1000);
    expect(f.coldStart.p50).toBeLessThanOrEqual(2000);
    expect(f.runTime.p50).toBeGreaterThanOrEqual(1000);
    expect(f.runTime.p50).toBeLessThanOrEqual(3000);
    expect(f.coldStartShare).toBeGreaterThan(0.15);
    expect(f.coldStartShare).toBeLessThan(0.55);
    expect(f.hints.some((h) => h.startsWith("the parallelism limit (4) set the makespan"))).toBe(true);
    expect(t.bars.map((b) => b.attempt)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(t.bars.every((b) => b.params.item === "pi" && b.outcome === "succeeded")).toBe(true);

    const drawn = await jobxAsync(cluster, ["timeline", "waves", "--width", "60"]);
    expect(drawn.status, drawn.stderr).toBe(0);
    const lines = drawn.stdout.trimEnd().split("\n");
    expect(Math.max(...lines.map(displayWidth))).toBeLessThanOrEqual(60);
    expect(lines.filter((l) => /^item=pi +░*█+✓$/.test(l))).toHaveLength(8);
    expect(drawn.stdout).not.toContain("\x1b[");

    const compact = await jobxAsync(cluster, ["timeline", "waves", "--compact", "--width", "70"]);
    expect(compact.stdout).toMatch(/limit 4 ┤/);
    expect(compact.stdout).not.toMatch(/^item=pi /m);
  });

  it("a member still pending and Ctrl-C during --watch: the last drawing stays, exit 0", async () => {
    const template = behaviourTemplate(dir, "slow", { coldStart: "1h" });
    expect((await jobxAsync(cluster, ["apply", template, "--items", "a,b", "--group", "slow"])).status).toBe(0);
    const run = await jobxAsync(cluster, ["timeline", "slow", "--watch"], { onStart: (kill) => setTimeout(() => kill("SIGINT"), 2500) });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("group slow · 2 members");
    expect(run.stdout).toMatch(/^item=a +░*…$/m);
  });

  it("errors: no such group, a width that is not a number", async () => {
    const missing = await jobxAsync(cluster, ["timeline", "nope"]);
    expect(missing.status).toBe(6);
    expect(missing.stderr).toContain("no group nope");
    const width = await jobxAsync(cluster, ["timeline", "nope", "--width", "wide"]);
    expect(width.status).toBe(2);
    expect(width.stderr).toContain("--width \"wide\" is not a positive whole number");
  });
});
