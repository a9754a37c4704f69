import { describe, expect, it } from "vitest";
import { EXIT } from "../../src/errors";
import { followGroup } from "../../src/lifecycle/follow";
import { scripted, type ScriptedStream } from "../kube/scripted";

const record = { members: ["a", "b"].map((name, index) => ({ name, index, params: { item: name } })) };
const job = (name: string, status: Record<string, unknown> = {}) => ({ metadata: { name }, spec: { completions: 1 }, status });
const complete = { conditions: [{ type: "Complete", status: "True", reason: "CompletionsReached" }] };
const list = (...items: unknown[]) => ({ stdout: JSON.stringify({ kind: "List", items }) });

describe("followGroup, on a scripted kubectl", () => {
  // The gap: a Job deleted (by its TTL) between jobx's list and the watch's own list is in
  // neither. The relist after the watch's first event finds it gone, and the Job
  // controller's events give its outcome.
  it("lists again after the watch's first event; a member gone by then takes its outcome from the events", async () => {
    let lists = 0;
    const streams: ScriptedStream[] = [];
    const cluster = scripted(
      (plan) => {
        if (plan.args[1] === "events") return { stdout: JSON.stringify({ kind: "List", items: [{ reason: "Completed", involvedObject: { kind: "Job", name: "b" }, lastTimestamp: "2026-01-01T00:00:05Z" }] }) };
        lists++;
        return lists === 1 ? list(job("a", { active: 1 }), job("b", { active: 1 })) : list(job("a", { active: 1 }));
      },
      {
        onStream: (stream) => {
          streams.push(stream);
          setTimeout(() => stream.send(JSON.stringify({ type: "ADDED", object: job("a", { active: 1 }) })), 5);
          setTimeout(() => stream.send(JSON.stringify({ type: "MODIFIED", object: job("a", complete) })), 50);
        },
      },
    );
    const result = await followGroup(cluster, "g", record, { failFast: false });
    expect(result.verdict).toMatchObject({ code: EXIT.OK, summary: "all 2 succeeded" });
    expect(result.tracker.all().map((m) => [m.member.name, m.outcome, m.reason])).toEqual([
      ["a", "succeeded", "CompletionsReached"],
      ["b", "succeeded", "Completed (Job deleted since)"],
    ]);
    expect(lists).toBe(2);
    expect(streams).toHaveLength(1);
  });

  it("a watch that ends is started again after a fresh list, and a failed one is reported", async () => {
    let watches = 0;
    const failures: string[] = [];
    const cluster = scripted(() => list(job("a", { active: 1 }), job("b", { active: 1 })), {
      onStream: (stream) => {
        watches++;
        if (watches === 1) setTimeout(() => stream.end({ exitCode: 1, stderr: 'Error from server (Forbidden): jobs.batch is forbidden: User "u" cannot watch resource "jobs"' }), 5);
        else {
          setTimeout(() => stream.send(JSON.stringify({ type: "MODIFIED", object: job("a", complete) })), 5);
          setTimeout(() => stream.send(JSON.stringify({ type: "MODIFIED", object: job("b", complete) })), 10);
        }
      },
    });
    const result = await followGroup(cluster, "g", record, { failFast: false, restartDelayMs: 1, onWatchFailure: (m) => failures.push(m) });
    expect(result.verdict?.code).toBe(EXIT.OK);
    expect(result.watches).toBe(2);
    expect(failures).toEqual(['Error from server (Forbidden): jobs.batch is forbidden: User "u" cannot watch resource "jobs"']);
  });

  it("times out with what it knows", async () => {
    const cluster = scripted(() => list(job("a", { active: 1 }), job("b", complete)), { onStream: () => {} });
    const result = await followGroup(cluster, "g", record, { failFast: false, timeoutMs: 30 });
    expect(result.verdict).toMatchObject({ code: EXIT.TIMEOUT, kind: "timeout", summary: "timed out with 1 of 2 finished" });
  });
});
