import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { GroupTracker } from "../../src/group/tracker";
import type { JobLike } from "../../src/group/member";
import { ProgressView, type ProgressMode } from "../../src/ui/progress";

function tracker(statuses: Record<string, JobLike["status"]>): GroupTracker {
  const names = Object.keys(statuses);
  const t = new GroupTracker({ members: names.map((name, index) => ({ name, index, params: { item: name } })) });
  t.applyList(names.map((name) => ({ metadata: { name }, spec: { completions: 1 }, status: statuses[name] })));
  return t;
}

function view(mode: ProgressMode, clock: () => number = Date.now): { view: ProgressView; err: () => string; out: () => string } {
  const err = new PassThrough();
  const out = new PassThrough();
  const chunks = { err: "", out: "" };
  err.on("data", (c: Buffer) => (chunks.err += c.toString()));
  out.on("data", (c: Buffer) => (chunks.out += c.toString()));
  return { view: new ProgressView(mode, { stderr: err, stdout: out }, clock), err: () => chunks.err, out: () => chunks.out };
}

const done = { conditions: [{ type: "Complete", status: "True", reason: "CompletionsReached" }] };

describe("ProgressView", () => {
  it("in CI logs: a timestamped summary per change of the group's state, and at most one every 10 s otherwise", () => {
    let now = 0;
    const v = view("plain", () => now);
    const names = Array.from({ length: 300 }, (_, i) => `j${i}`);
    const statuses = (done: number) => Object.fromEntries(names.map((n, i) => [n, i < done ? { conditions: [{ type: "Complete", status: "True" }] } : { active: 1 }]));
    v.view.update(tracker(statuses(0)));
    // 300 Jobs finishing one by one, 100 ms apart: 30 s of changes.
    for (let done = 1; done <= 300; done++) {
      now += 100;
      v.view.update(tracker(statuses(done)));
    }
    v.view.finish(tracker(statuses(300)), undefined);
    const lines = v.err().trim().split("\n");
    expect(lines.every((l) => /^\d{4}-\d\d-\d\dT[\d:.]+Z (running|succeeded): /.test(l))).toBe(true);
    // The first (running), one per 10 s while running, and the one the state change (succeeded) forces.
    expect(lines.length).toBeLessThanOrEqual(6);
    expect(lines.at(-1)).toContain("succeeded: 300 Jobs: 300 succeeded");
    expect(lines[1]).toMatch(/j0 succeeded, j1 succeeded, j2 succeeded, j3 succeeded, j4 succeeded and \d+ more$/);
  });

  it("in CI logs: nothing when nothing changed", () => {
    const v = view("plain");
    v.view.update(tracker({ a: { active: 1 }, b: {} }));
    v.view.update(tracker({ a: { active: 1 }, b: {} }));
    expect(v.err().trim().split("\n")).toHaveLength(1);
  });

  it("with -o json: one event per member change on stdout, nothing on stderr", () => {
    const v = view("json");
    v.view.update(tracker({ a: { active: 1 } }));
    v.view.update(tracker({ a: done }));
    const events = v.out().trim().split("\n").map((l) => JSON.parse(l) as { type: string; name?: string; outcome?: string });
    expect(events.map((e) => [e.type, e.outcome])).toEqual([["member", "running"], ["member", "succeeded"]]);
    expect(v.err()).toBe("");
  });

  it("on a terminal, a warning clears the live view first, and the next change draws it again below", () => {
    const v = view("live");
    v.view.update(tracker({ a: { active: 1 } }));
    const drawn = v.err();
    const lines = drawn.split("\n").length - 1;
    v.view.warn("jobx: warning: watching the group's Jobs: Forbidden\n");
    expect(v.err().slice(drawn.length)).toBe(`\x1b[${lines}A\x1b[0Jjobx: warning: watching the group's Jobs: Forbidden\n`);
    const warned = v.err();
    v.view.update(tracker({ a: done }));
    // Drawn again below the warning, without moving up over it.
    const redrawn = v.err().slice(warned.length);
    expect(redrawn).toContain("1/1");
    // eslint-disable-next-line no-control-regex -- the terminal's cursor-up sequence
    expect(redrawn).not.toMatch(/\x1b\[\d+A/);
  });
});
