import { describe, expect, it } from "vitest";
import { EXIT } from "../../src/errors";
import { GroupTracker, type WatchEvent } from "../../src/group/tracker";
import { memberState, outcomeFromEvents, type JobLike } from "../../src/group/member";
import { formatDuration, parseDuration } from "../../src/group/duration";
import { parseRecord, recordConfigMap, type GroupRecord } from "../../src/group/record";

const record = (names: string[]): Pick<GroupRecord, "members"> => ({ members: names.map((name, index) => ({ name, index, params: { item: name } })) });

function job(name: string, status: JobLike["status"] = {}, spec: JobLike["spec"] = { completions: 1 }): JobLike & Record<string, unknown> {
  return { metadata: { name }, spec, status };
}
const cond = (type: string, reason = type) => ({ type, status: "True", reason, lastTransitionTime: "2026-01-01T00:00:10Z" });

describe("memberState", () => {
  it.each([
    ["no status yet", {}, "pending"],
    ["active pods", { active: 2 }, "running"],
    ["Complete", { succeeded: 1, conditions: [cond("Complete", "CompletionsReached")] }, "succeeded"],
    ["SuccessCriteriaMet already decides success (1.31+)", { conditions: [cond("SuccessCriteriaMet")] }, "succeeded"],
    ["Failed", { failed: 3, conditions: [cond("Failed", "BackoffLimitExceeded")] }, "failed"],
    ["FailureTarget already decides failure (1.31+)", { active: 1, conditions: [cond("FailureTarget", "DeadlineExceeded")] }, "failed"],
    ["a False condition means nothing", { active: 1, conditions: [{ type: "Failed", status: "False" }] }, "running"],
  ] as const)("%s → %s", (_name, status, outcome) => {
    expect(memberState(job("j", status as JobLike["status"])).outcome).toBe(outcome);
  });

  it("suspended Jobs", () => {
    expect(memberState(job("j", {}, { suspend: true })).outcome).toBe("suspended");
  });
});

describe("GroupTracker", () => {
  const ev = (type: WatchEvent["type"], o: JobLike): WatchEvent => ({ type, object: o as WatchEvent["object"] });

  it("decides success only when every member succeeded", () => {
    const t = new GroupTracker(record(["a", "b"]));
    t.applyList([job("a", { active: 1 }), job("b", { active: 1 })]);
    expect(t.verdict(false)).toBeUndefined();
    t.applyEvent(ev("MODIFIED", job("a", { conditions: [cond("Complete")] })));
    expect(t.verdict(false)).toBeUndefined();
    t.applyEvent(ev("MODIFIED", job("b", { conditions: [cond("Complete")] })));
    expect(t.verdict(false)).toMatchObject({ code: EXIT.OK, summary: "all 2 succeeded" });
  });

  it("waits for the rest after a failure, unless failFast", () => {
    const t = new GroupTracker(record(["a", "b"]));
    t.applyList([job("a", { conditions: [cond("Failed")] }), job("b", { active: 1 })]);
    expect(t.verdict(false)).toBeUndefined();
    expect(t.verdict(true)).toMatchObject({ code: EXIT.FAILED });
    t.applyEvent(ev("MODIFIED", job("b", { conditions: [cond("Complete")] })));
    expect(t.verdict(false)).toMatchObject({ code: EXIT.FAILED, summary: "1 of 2 failed" });
  });

  it("keeps a finished member's outcome when its Job is deleted (ttlSecondsAfterFinished)", () => {
    const t = new GroupTracker(record(["a"]));
    t.applyList([job("a", { active: 1 })]);
    t.applyEvent(ev("DELETED", job("a", { conditions: [cond("Complete")] })));
    expect(t.all()[0]?.outcome).toBe("succeeded");
    t.applyList([]);
    expect(t.all()[0]?.outcome).toBe("succeeded");
  });

  it("a member deleted unfinished has vanished; one never seen is missing", () => {
    const t = new GroupTracker(record(["a", "b"]));
    t.applyList([job("a", { active: 1 })]);
    expect(t.counts()).toMatchObject({ running: 1, missing: 1 });
    t.applyEvent(ev("DELETED", job("a", { active: 1 })));
    expect(t.counts()).toMatchObject({ vanished: 1, missing: 1 });
    expect(t.verdict(false)).toMatchObject({ code: EXIT.VANISHED });
  });

  it("never takes a finished outcome back, and ignores Jobs of other groups", () => {
    const t = new GroupTracker(record(["a"]));
    t.applyList([job("a", { conditions: [cond("Failed")] })]);
    expect(t.applyEvent(ev("MODIFIED", job("a", { active: 1 })))).toBe(false);
    expect(t.applyEvent(ev("ADDED", job("stranger", { active: 1 })))).toBe(false);
    expect(t.all().map((m) => m.outcome)).toEqual(["failed"]);
  });

  it("gives a missing member the outcome the Job controller's events recorded", () => {
    const t = new GroupTracker(record(["a", "b"]));
    t.applyList([]);
    t.applyEventsForMissing([
      { reason: "Completed", involvedObject: { kind: "Job", name: "a" }, lastTimestamp: "2026-01-01T00:00:05Z" },
      { reason: "SuccessfulCreate", involvedObject: { kind: "Job", name: "b" } },
    ]);
    expect(t.all().map((m) => m.outcome)).toEqual(["succeeded", "missing"]);
  });
});

describe("outcomeFromEvents", () => {
  it("takes the latest terminal event of that Job", () => {
    const events = [
      { type: "Warning", reason: "BackoffLimitExceeded", involvedObject: { kind: "Job", name: "x" }, lastTimestamp: "2026-01-01T00:00:01Z" },
      { reason: "Completed", involvedObject: { kind: "Job", name: "x" }, lastTimestamp: "2026-01-01T00:00:09Z" },
      { reason: "Completed", involvedObject: { kind: "Pod", name: "x" } },
    ];
    expect(outcomeFromEvents("x", events)?.outcome).toBe("succeeded");
    expect(outcomeFromEvents("y", events)).toBeUndefined();
  });
});

describe("durations", () => {
  it.each([
    ["90s", 90_000],
    ["5m", 300_000],
    ["1h30m", 5_400_000],
    ["250ms", 250],
    ["1.5s", 1500],
    ["30", 30_000],
    ["5 m", undefined],
    ["abc", undefined],
  ])("%s → %s", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    [500, "500ms"],
    [75_000, "1m15s"],
    [3_600_000, "1h"],
    [0, "0ms"],
  ])("%s ms → %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe("group record", () => {
  it("round-trips through its ConfigMap, which carries the group's labels", () => {
    const rec: GroupRecord = {
      group: "g",
      template: "builtin:job",
      templateHash: "abc",
      appliedAt: "2026-01-01T00:00:00Z",
      appliedBy: "me",
      jobxVersion: "0.1.0",
      members: [{ name: "j-a", index: 0, params: { item: "a", n: 1 } }],
    };
    const cm = recordConfigMap(rec);
    expect(cm.metadata.labels).toEqual({ "app.kubernetes.io/managed-by": "jobx", "jobx.dev/group": "g", "jobx.dev/record": "true" });
    expect(parseRecord(cm)).toEqual(rec);
  });

  it("is not read from a ConfigMap that is not a jobx record", () => {
    expect(parseRecord({ metadata: { labels: { "jobx.dev/group": "g" } }, data: {} })).toBeUndefined();
  });
});
