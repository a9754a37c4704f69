import type { TestCluster } from "../cluster/index";
import { beforeEach, describe, expect, it } from "vitest";
import { behaviourTemplate, fakeOnly, jobxAsync, tempDir, useCluster } from "./helpers";

const dir = tempDir();
const clusterOf = useCluster();
let cluster: TestCluster;
beforeEach(() => {
  cluster = clusterOf();
});

async function applied(name: string, pod: Parameters<typeof behaviourTemplate>[2], items: string, spec = ""): Promise<void> {
  const run = await jobxAsync(cluster, ["apply", behaviourTemplate(dir, name, pod, spec), "--items", items, "--group", name]);
  expect(run.status, run.stderr).toBe(0);
}

describe("jobx wait: exit codes", () => {
  it("1 when a member failed, after all finished, naming the reason", async () => {
    await applied("fails", { runTime: "1s", exitCodes: "1" }, "a");
    await applied("fails2", { runTime: "1s" }, "b");
    const run = await jobxAsync(cluster, ["wait", "fails"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("fails-a failed (BackoffLimitExceeded)");
    expect(run.stderr).toContain("group fails: 1 of 1 failed");
  });

  it("--fail-fast returns at the first failure while others still run", async () => {
    // One member fails after 1 s; the other would run for 10 minutes.
    await applied("ff", { runTime: "{{ '100s' if item == 'bad' else '10h' }}", exitCodes: "{{ '1' if item == 'bad' else '0' }}" }, "bad,slow");
    const started = Date.now();
    const run = await jobxAsync(cluster, ["wait", "ff", "--fail-fast", "-o", "json"]);
    expect(run.status, run.stderr).toBe(1);
    expect(Date.now() - started).toBeLessThan(30_000);
    const events = run.stdout.trim().split("\n").map((l) => JSON.parse(l) as { type: string; kind?: string; name?: string; outcome?: string });
    expect(events.at(-1)).toMatchObject({ type: "verdict", kind: "failed" });
    expect(events.find((e) => e.name === "ff-bad" && e.outcome === "failed")).toBeDefined();
    expect(events.filter((e) => e.name === "ff-slow").at(-1)?.outcome).toBe("running");
  });

  it("3 on --timeout", async () => {
    await applied("slow", { runTime: "1h" }, "a");
    const run = await jobxAsync(cluster, ["wait", "slow", "--timeout", "1s"]);
    expect(run.status).toBe(3);
    expect(run.stderr).toContain("timed out with 0 of 1 finished");
  });

  it("4 when a member vanishes with no outcome", async () => {
    await applied("gone", { runTime: "1h" }, "a,b");
    const waiting = jobxAsync(cluster, ["wait", "gone", "--timeout", "60s"]);
    await new Promise((r) => setTimeout(r, 1500));
    await cluster.kubectl(["delete", "job", "gone-a", "gone-b", "--cascade=background"]);
    const run = await waiting;
    expect(run.status).toBe(4);
    expect(run.stderr).toContain("gone from the cluster with no outcome");
  });

  it("counts a member removed by ttlSecondsAfterFinished with its last outcome", async () => {
    // Runs for 1 s, then the TTL controller deletes it at once; wait sees it go.
    await applied("ttl", { runTime: "100s" }, "a", "  backoffLimit: 0\n  ttlSecondsAfterFinished: 0");
    const run = await jobxAsync(cluster, ["wait", "ttl", "--timeout", "20s"]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain("group ttl: all 1 succeeded");
    expect((await cluster.kubectl(["get", "job", "ttl-a", "--ignore-not-found", "-o", "name"])).stdout.trim()).toBe("");
    // status, which never saw it, takes its outcome from the Job controller's events.
    const status = await jobxAsync(cluster, ["status", "ttl", "-o", "json"]);
    expect((JSON.parse(status.stdout) as { members: { outcome: string; reason: string }[] }).members[0]).toMatchObject({ outcome: "succeeded", reason: "Completed (Job deleted since)" });
  });

  it("a member already removed by its TTL before wait started counts with the outcome its events recorded", async () => {
    await applied("ttlgone", { runTime: "1s" }, "a", "  backoffLimit: 0\n  ttlSecondsAfterFinished: 0");
    for (let i = 0; i < 100 && (await cluster.kubectl(["get", "job", "ttlgone-a", "--ignore-not-found", "-o", "name"])).stdout.trim(); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const run = await jobxAsync(cluster, ["wait", "ttlgone", "--timeout", "20s"]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain("group ttlgone: all 1 succeeded");
  });

  it("6 for a group that does not exist", async () => {
    const run = await jobxAsync(cluster, ["wait", "nope"]);
    expect(run.status).toBe(6);
    expect(run.stderr).toContain("no group nope");
  });

  fakeOnly("refused watches")("says once why a watch was refused, and keeps following by listing and watching again", async () => {
    await applied("refused", { runTime: "300s" }, "a,b");
    cluster.setFaults({ failNext: { count: 2, status: 403, verbs: ["watch"], resources: ["jobs"] } });
    const run = await jobxAsync(cluster, ["wait", "refused", "--timeout", "60s"]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr.match(/watching the group's Jobs: Error from server \(Forbidden\): jobs\.batch is forbidden: .*; listing them again/g)?.length, run.stderr).toBe(1);
  });

  fakeOnly("cut watch streams")("keeps following when the watch stream is cut", async () => {
    // The Jobs outlast dozens of cuts, however slowly a loaded machine starts kubectl.
    await applied("cut", { runTime: "800s" }, "a,b,c");
    cluster.resetCounts();
    cluster.setFaults({ cutWatch: { afterMs: 200 } });
    try {
      const run = await jobxAsync(cluster, ["wait", "cut", "--timeout", "60s"]);
      expect(run.status, run.stderr).toBe(0);
      const watches = cluster.requestCounts().filter((c) => c.verb === "watch" && c.resource === "jobs").reduce((n, c) => n + c.count, 0);
      expect(watches).toBeGreaterThan(1);
    } finally {
      cluster.clearFaults();
    }
  });
});
