import { describe, expect, it } from "vitest";
import { jsonReport } from "../../src/report/json";
import { fixtureTimeline, runningTimeline, WEIRD_ITEM } from "../fixtures/report/timeline";

describe("jsonReport", () => {
  const report = jsonReport(fixtureTimeline());

  it("keeps its keys in the documented order", () => {
    expect(Object.keys(report)).toEqual(["schema", "group", "verdict", "running", "from", "to", "figures", "members"]);
    expect(Object.keys(report.figures)).toEqual(["makespanMs", "members", "succeeded", "failed", "pods", "failedPods", "retries", "coldStart", "runTime", "peakConcurrency", "meanConcurrency", "parallelismLimit", "coldStartShare", "hints"]);
    expect(Object.keys(report.members[0] ?? {})).toEqual(["index", "job", "params", "outcome", "reason", "message", "attempts", "parallelism", "completions", "startTime", "finishTime", "durationMs", "pods"]);
    expect(Object.keys(report.members[0]?.pods[0] ?? {})).toEqual(["pod", "attempt", "completionIndex", "outcome", "exitCode", "restarts", "created", "started", "ended", "coldStartMs", "runMs"]);
  });

  it("is the same text for the same timeline", () => {
    expect(JSON.stringify(jsonReport(fixtureTimeline()))).toBe(JSON.stringify(report));
  });

  it("gives the group's verdict and figures", () => {
    expect(report).toMatchObject({ schema: "jobx.report/v1", group: "fruits", verdict: "suspended", running: false, from: "2026-01-01T10:00:00.000Z", to: "2026-01-01T10:03:00.000Z" });
    expect(report.figures).toMatchObject({ makespanMs: 178_000, members: 7, succeeded: 3, failed: 1, pods: 8, failedPods: 4, retries: 3, peakConcurrency: 5, parallelismLimit: 7, coldStartShare: 0.21 });
    expect(report.figures.coldStart).toEqual({ count: 8, p50Ms: 9_000, p95Ms: 28_000, maxMs: 28_000 });
  });

  it.each([
    ["fruits-apple", { outcome: "succeeded", reason: "CompletionsReached", message: null, attempts: 1, durationMs: 52_000, startTime: "2026-01-01T10:00:00.000Z", finishTime: "2026-01-01T10:00:52.000Z" }],
    ["fruits-banana", { outcome: "failed", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit", attempts: 3, durationMs: 179_000 }],
    ["fruits-durian", { outcome: "vanished", reason: null, finishTime: null, durationMs: 97_000 }],
    ["fruits-elder", { outcome: "missing", attempts: 0, startTime: null, durationMs: null, pods: [] }],
    ["fruits-weird-5f3a9c2e", { params: { item: WEIRD_ITEM, size: 3 } }],
  ])("member %s", (job, expected) => {
    expect(report.members.find((m) => m.job === job)).toMatchObject(expected);
  });

  it("lists each pod with its attempt, cold start, run time and exit code", () => {
    const banana = report.members.find((m) => m.job === "fruits-banana");
    expect(banana?.pods.map((p) => [p.attempt, p.outcome, p.exitCode, p.coldStartMs, p.runMs, p.restarts])).toEqual([
      [1, "failed", 1, 11_000, 28_000, 0],
      [2, "failed", 1, 5_000, 35_000, 0],
      [3, "failed", 2, 4_000, 64_000, 1],
    ]);
    const durian = report.members.find((m) => m.job === "fruits-durian")?.pods[0];
    expect(durian).toMatchObject({ outcome: "deleted", exitCode: null, ended: "2026-01-01T10:01:40.000Z", runMs: 80_000, completionIndex: null });
  });

  it("times pods still pending or running up to the report's end", () => {
    const running = jsonReport(runningTimeline());
    expect(running.verdict).toBe("running");
    const apple = running.members.find((m) => m.job === "fruits-apple");
    expect(apple).toMatchObject({ outcome: "running", finishTime: null, durationMs: 60_000 });
    expect(apple?.pods[0]).toMatchObject({ ended: null, runMs: 52_000 });
    expect(running.members.find((m) => m.job === "fruits-fig")?.pods[0]).toMatchObject({ outcome: "pending", started: null, coldStartMs: 20_000, runMs: null });
  });

  it("round-trips through JSON text unchanged", () => {
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});
