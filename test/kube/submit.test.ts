import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../src/kube/results";
import { submitObjects } from "../../src/kube/submit";
import { scripted, serverError } from "./scripted";

const job = (name: string): KubeObject => ({ apiVersion: "batch/v1", kind: "Job", metadata: { name } });
const sent = (stdin: string | undefined): string[] => (stdin ?? "").split("\n").filter(Boolean).map((l) => (JSON.parse(l) as KubeObject).metadata.name);
const names = (list: string[]) => list.map((n) => `job.batch/${n}\n`).join("");

describe("submitObjects: every object's result read on its own", () => {
  // Before: a batch in which exactly one object was refused printed kubectl's lone-error
  // form, which was not read; the object was then found existing and counted as written.
  it("a lone refusal in a batch is that object's failure; the others are written", async () => {
    const cluster = scripted(() => ({ exitCode: 1, stdout: names(["a", "c"]), stderr: 'The Job "b" is invalid: spec.template: Invalid value: "…": field is immutable\n' }));
    const result = await submitObjects(cluster, [job("a"), job("b"), job("c")], { mode: "apply", resource: "jobs", verify: async () => new Set(["b"]) });
    expect([...result.written].sort()).toEqual(["a", "c"]);
    expect(result.failed.get("b")).toMatchObject({ reason: "Invalid" });
    expect(cluster.calls).toHaveLength(1);
  });

  it("a batch of one that is refused is not counted written", async () => {
    const cluster = scripted(() => ({ exitCode: 1, stderr: 'The Job "only" is invalid: spec.template: Invalid value: "…": field is immutable\n' }));
    const result = await submitObjects(cluster, [job("only")], { mode: "apply", resource: "jobs", batchSize: 1, verify: async () => new Set(["only"]) });
    expect(result.written.size).toBe(0);
    expect(result.failed.has("only")).toBe(true);
  });

  it("sends again only the objects refused transiently", async () => {
    const cluster = scripted((plan, n) =>
      n === 0 ? { exitCode: 1, stdout: names(["a"]), stderr: serverError("TooManyRequests", 'error when creating "STDIN": jobs.batch "b": the server has received too many requests and has asked us to try again later') } : { stdout: names(sent(plan.stdin)) },
    );
    const result = await submitObjects(cluster, [job("a"), job("b")], { mode: "create", resource: "jobs" });
    expect([...result.written].sort()).toEqual(["a", "b"]);
    expect(sent(cluster.calls[1]?.stdin)).toEqual(["b"]);
    expect(cluster.slept).toEqual([1000]);
  });

  it("when kubectl ends without a word about objects, asks which stand as sent before sending them again", async () => {
    const cluster = scripted((plan, n) => (n === 0 ? { exitCode: 137, signal: undefined, stderr: "" } : { stdout: names(sent(plan.stdin)) }));
    const asked: string[][] = [];
    const result = await submitObjects(cluster, [job("a"), job("b"), job("c")], {
      mode: "create",
      resource: "jobs",
      verify: async (list) => {
        asked.push(list);
        return new Set(["a"]);
      },
    });
    expect(asked).toEqual([["a", "b", "c"]]);
    expect(sent(cluster.calls[1]?.stdin)).toEqual(["b", "c"]);
    expect([...result.written].sort()).toEqual(["a", "b", "c"]);
  });

  it("a refusal about the whole batch (the server went away) is transient for every object in it", async () => {
    const cluster = scripted((plan, n) => (n < 2 ? { exitCode: 1, stderr: "Unable to connect to the server: dial tcp 127.0.0.1:6443: connect: connection refused\n" } : { stdout: names(sent(plan.stdin)) }));
    const result = await submitObjects(cluster, [job("a"), job("b")], { mode: "create", resource: "jobs" });
    expect(result.written.size).toBe(2);
    expect(cluster.calls).toHaveLength(3);
  });

  it("gives up after the bound and keeps the last refusal", async () => {
    const cluster = scripted(() => ({ exitCode: 1, stderr: serverError("ServiceUnavailable", "the server is currently unable to handle the request") }));
    const result = await submitObjects(cluster, [job("a")], { mode: "create", resource: "jobs" });
    expect(cluster.calls).toHaveLength(6);
    expect(result.failed.get("a")?.reason).toBe("ServiceUnavailable");
  });

  it("stops launching batches when stopped, and says which objects were never sent", async () => {
    let stop = false;
    const cluster = scripted((plan) => {
      stop = true;
      return { stdout: names(sent(plan.stdin)) };
    });
    const result = await submitObjects(cluster, [job("a"), job("b"), job("c")], { mode: "create", resource: "jobs", batchSize: 1, concurrency: 1, stopped: () => stop });
    expect([...result.written]).toEqual(["a"]);
    expect(result.notSent).toEqual(["b", "c"]);
  });
});
