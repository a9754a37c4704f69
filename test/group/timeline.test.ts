import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildTimeline, concurrencySeries, percentile, podTimes, shortDuration, stats, type TimelineInput } from "../../src/group/timeline-model";
import { T0, job, mixedInput, pod, wavesInput, done } from "./timeline-fixtures";

const s = (n: number) => n * 1000;

describe("percentile (nearest rank)", () => {
  it.each([
    [[], 50, undefined],
    [[7], 50, 7],
    [[7], 95, 7],
    [[1, 2], 50, 1],
    [[1, 2, 3, 4], 50, 2],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95, 10],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9],
    [Array.from({ length: 20 }, (_, i) => i + 1), 95, 19],
    [Array.from({ length: 100 }, (_, i) => i + 1), 50, 50],
  ])("%j p%d → %s", (values, p, want) => {
    expect(percentile(values, p)).toBe(want);
  });

  it("stats sorts first and says when there is nothing", () => {
    expect(stats([3, 1, 2])).toEqual({ count: 3, p50: 2, p95: 3, max: 3 });
    expect(stats([])).toEqual({ count: 0 });
  });
});

describe("shortDuration", () => {
  it.each([
    [0, "0ms"],
    [250, "250ms"],
    [1000, "1s"],
    [1500, "1.5s"],
    [20_000, "20s"],
    [130_000, "2m10s"],
    [3_600_000, "1h"],
  ])("%d → %s", (ms, text) => expect(shortDuration(ms)).toBe(text));
});

describe("podTimes: a pod's own status", () => {
  it.each([
    ["pending", pod({ job: "j", created: 0 }), { outcome: "pending" }],
    ["running", pod({ job: "j", created: 0, started: 2 }), { outcome: "running", started: T0 + s(2) }],
    ["succeeded", pod({ job: "j", created: 0, started: 1, finished: 4 }), { outcome: "succeeded", started: T0 + s(1), finished: T0 + s(4), exitCode: 0 }],
    ["failed with its exit code", pod({ job: "j", created: 0, started: 1, finished: 4, exitCode: 3 }), { outcome: "failed", exitCode: 3 }],
    ["deleted while running", pod({ job: "j", created: 0, started: 1, deleted: 5 }), { outcome: "deleted", deleted: T0 + s(5) }],
    ["deleted while pending", pod({ job: "j", created: 0, deleted: 5 }), { outcome: "deleted" }],
    ["killed by its deletion (137) is a deletion", pod({ job: "j", created: 0, started: 1, finished: 6, exitCode: 137, deleted: 5 }), { outcome: "deleted", finished: T0 + s(6) }],
    ["failed on its own, deleted later, stays failed", pod({ job: "j", created: 0, started: 1, finished: 3, exitCode: 1, deleted: 9 }), { outcome: "failed", exitCode: 1 }],
    [
      "OnFailure restart: started at the earlier run, restarts counted",
      pod({ job: "j", created: 0, started: 12, finished: 15, restarts: 1, last: { started: 1, finished: 2, exitCode: 1 } }),
      { outcome: "succeeded", started: T0 + s(1), finished: T0 + s(15), restarts: 1 },
    ],
  ] as const)("%s", (_name, p, want) => {
    expect(podTimes(p, 0)).toMatchObject(want);
  });
});

describe("buildTimeline: 20 completions at parallelism 4, 1 s cold start, 3 s of work", () => {
  const t = buildTimeline(wavesInput());

  it("five waves of four pods: 20 s makespan, peak 4, a quarter of pod time cold", () => {
    expect(t.figures).toEqual({
      makespanMs: s(20),
      pods: 20,
      failedPods: 0,
      retries: 0,
      restarts: 0,
      deletedPods: 0,
      coldStart: { count: 20, p50: s(1), p95: s(1), max: s(1) },
      runTime: { count: 20, p50: s(3), p95: s(3), max: s(3) },
      peakConcurrency: 4,
      peakActive: 4,
      meanConcurrency: 3,
      parallelismLimit: 4,
      coldStartShare: 0.25,
      hints: ["the parallelism limit (4) set the makespan: 20s against about 4s with every pod at once; raise spec.parallelism if the cluster has room"],
    });
    expect(t.running).toBe(false);
    expect([t.from, t.to]).toEqual([T0, T0 + s(20)]);
  });

  it("bars in creation order, labelled with its params: 20 completions are 20 first tries, not attempts", () => {
    expect(t.bars.map((b) => b.attempt)).toEqual(Array.from({ length: 20 }, () => 0));
    expect(t.bars[5]).toMatchObject({ job: "pi", params: { item: "pi" }, created: T0 + s(4), started: T0 + s(5), finished: T0 + s(8), outcome: "succeeded" });
    expect(t.members).toEqual([{ job: "pi", index: 0, params: { item: "pi" }, outcome: "succeeded", pods: 20, attempts: 1, parallelism: 4, completions: 20, startTime: T0, finishTime: T0 + s(20) }]);
  });

  it("the concurrency series steps with the waves and never counts a handover twice", () => {
    expect(t.concurrency.slice(0, 4)).toEqual([
      { at: T0, running: 0, pending: 4 },
      { at: T0 + s(1), running: 4, pending: 0 },
      { at: T0 + s(4), running: 0, pending: 4 },
      { at: T0 + s(5), running: 4, pending: 0 },
    ]);
    expect(t.concurrency.at(-1)).toEqual({ at: T0 + s(20), running: 0, pending: 0 });
  });

  it("cold start dominating gives the coarsen hint, and no parallelism hint without a limit reached", () => {
    const input = wavesInput();
    input.jobs = [job("pi", { completions: 20, parallelism: 20 }, { succeeded: 20, ...done(20) })];
    input.pods = Array.from({ length: 20 }, () => pod({ job: "pi", created: 0, started: 3, finished: 4 }));
    const f = buildTimeline(input).figures;
    expect(f.coldStartShare).toBe(0.75);
    expect(f.hints).toEqual(["cold start is 75% of pod time: coarsen the work — more items per pod — as the Kubernetes docs advise"]);
    expect(f.makespanMs).toBe(s(4));
  });
});

describe("buildTimeline: retries, failures, running and pending members", () => {
  const t = buildTimeline(mixedInput());

  it("figures while the group runs go up to now", () => {
    const f = t.figures;
    expect(t.running).toBe(true);
    expect(t.to).toBe(T0 + s(16));
    expect(f.makespanMs).toBe(s(16));
    expect([f.pods, f.failedPods, f.retries]).toEqual([7, 3, 2]);
    expect(f.coldStart).toEqual({ count: 6, p50: s(1), p95: s(2), max: s(2) });
    expect(f.runTime).toEqual({ count: 5, p50: s(4), p95: s(5), max: s(5) });
    expect(f.peakConcurrency).toBe(3);
    expect(f.parallelismLimit).toBe(6);
    expect(f.meanConcurrency).toBeCloseTo(31 / 16);
    expect(f.coldStartShare).toBeCloseTo(12 / 43);
    expect(f.hints).toEqual([]);
  });

  it("a retry is a later attempt of the same member; a member with no pods is still there", () => {
    expect(t.bars.filter((b) => b.job === "fruit-banana").map((b) => [b.attempt, b.outcome, b.exitCode])).toEqual([
      [0, "failed", 1],
      [1, "succeeded", 0],
    ]);
    expect(t.bars.find((b) => b.job === "fruit-damson")).toMatchObject({ outcome: "running" });
    expect(t.bars.find((b) => b.job === "fruit-damson")?.finished).toBeUndefined();
    expect(t.bars.find((b) => b.job === "fruit-elder")).toMatchObject({ outcome: "pending" });
    expect(t.bars.find((b) => b.job === "fruit-elder")?.started).toBeUndefined();
    expect(t.members.map((m) => [m.job, m.outcome, m.attempts])).toEqual([
      ["fruit-apple", "succeeded", 1],
      ["fruit-banana", "succeeded", 2],
      ["fruit-cherry", "failed", 2],
      ["fruit-damson", "running", 1],
      ["fruit-elder", "running", 1],
      ["fruit-fig", "missing", 0],
    ]);
  });

  it("pods of a deleted Job still show, as a vanished member", () => {
    const input = mixedInput();
    input.jobs = input.jobs.filter((j) => j.metadata.name !== "fruit-damson");
    expect(buildTimeline(input).members.find((m) => m.job === "fruit-damson")?.outcome).toBe("vanished");
  });
});

describe("buildTimeline: edge cases", () => {
  const base = (over: Partial<TimelineInput>): TimelineInput => ({ group: "g", record: { members: [{ name: "a", index: 0, params: { item: "a" } }] }, jobs: [], pods: [], now: T0 + s(10), ...over });

  it("a group with no pods yet: an empty axis at now, the member listed", () => {
    const t = buildTimeline(base({ jobs: [job("a", { completions: 1 })] }));
    expect(t.bars).toEqual([]);
    expect(t.members[0]?.outcome).toBe("pending");
    expect(t.figures).toMatchObject({ makespanMs: 0, pods: 0, peakConcurrency: 0, meanConcurrency: 0, coldStartShare: 0, coldStart: { count: 0 }, hints: [] });
  });

  it("OnFailure restarts are counted as restarts, not as retries", () => {
    const t = buildTimeline(
      base({ jobs: [job("a", { completions: 1 }, { succeeded: 1, ...done(15) })], pods: [pod({ job: "a", created: 0, started: 12, finished: 15, restarts: 1, last: { started: 1, finished: 2, exitCode: 1 } })] }),
    );
    expect(t.figures).toMatchObject({ pods: 1, retries: 0, restarts: 1, failedPods: 0, coldStart: { p50: s(1) }, runTime: { p50: s(14) } });
  });

  it("Indexed pods carry their completion index; the old job-name label and ownerReferences find the member", () => {
    const p1 = pod({ job: "a", created: 0, started: 1, finished: 2, completionIndex: 3 });
    const p2 = pod({ job: "a", created: 1, started: 2, finished: 3 });
    delete p2.metadata.labels?.["batch.kubernetes.io/job-name"];
    const p3 = pod({ job: "a", created: 2, started: 3, finished: 4 });
    p3.metadata.labels = {};
    p3.metadata.ownerReferences = [{ kind: "Job", name: "a" }];
    const t = buildTimeline(base({ pods: [p3, p1, p2, { not: "a pod" }] }));
    expect(t.bars.map((b) => [b.attempt, b.completionIndex])).toEqual([
      [0, 3],
      [0, undefined],
      [0, undefined],
    ]);
  });

  it("an attempt is a retry of the same work: after a failure of the same index, not another index or a further completion", () => {
    const pods = [
      pod({ job: "a", created: 0, started: 1, finished: 2, exitCode: 1, completionIndex: 3 }),
      pod({ job: "a", created: 0, started: 1, finished: 5, completionIndex: 4 }),
      pod({ job: "a", created: 12, started: 13, finished: 14, exitCode: 1, completionIndex: 3 }),
      pod({ job: "a", created: 30, started: 31, finished: 32, completionIndex: 3 }),
    ];
    const t = buildTimeline(base({ pods }));
    expect(t.bars.map((b) => [b.completionIndex, b.attempt])).toEqual([
      [3, 0],
      [4, 0],
      [3, 1],
      [3, 2],
    ]);
    expect(t.figures.retries).toBe(2);
    expect(t.members[0]).toMatchObject({ pods: 4, attempts: 3 });
  });

  it("pods of Jobs the record does not name come after the members", () => {
    const t = buildTimeline(base({ pods: [pod({ job: "stranger", created: 0, started: 1, finished: 2 })] }));
    expect(t.members.map((m) => m.job)).toEqual(["a", "stranger"]);
    expect(t.bars[0]).toMatchObject({ job: "stranger", params: {} });
  });

  it("the concurrency series of nothing is flat", () => {
    expect(concurrencySeries([], T0, T0 + s(5))).toEqual([
      { at: T0, running: 0, pending: 0 },
      { at: T0 + s(5), running: 0, pending: 0 },
    ]);
  });
});

describe("captured from the test cluster", () => {
  const dir = new URL("../fixtures/timeline/", import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
  const load = (name: string) => JSON.parse(readFileSync(new URL(name, dir), "utf8")) as TimelineInput & { expect: Record<string, unknown> };

  it("there are captures", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)("%s", (name) => {
    const input = load(name);
    const t = buildTimeline(input);
    expect(t.figures).toMatchObject(input.expect);
    for (const bar of t.bars) {
      expect(bar.created).toBeGreaterThanOrEqual(t.from);
      if (bar.started !== undefined) expect(bar.started).toBeGreaterThanOrEqual(bar.created);
      if (bar.finished !== undefined) expect(bar.finished).toBeLessThanOrEqual(t.to);
    }
  });
});
