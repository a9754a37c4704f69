/**
 * kubectl wait and get -w against Jobs (logs: kubectl-logs.test.ts).
 *
 * Upstream truth:
 * - K: staging/src/k8s.io/kubectl/pkg/cmd/wait/wait.go — printer "condition met",
 *   errNoMatchingResources "no matching resources found" when nothing matched (not for
 *   --for=delete); condition.go — watches each object by metadata.name field selector.
 * - K: staging/src/k8s.io/kubectl/pkg/cmd/get/get.go — watch output ends (exit 0) when the
 *   server closes the stream; --output-watch-events wraps objects as {type, object}.
 */
import { describe, expect, it } from "vitest";
import { fakeOnly, useCluster } from "../../cluster/index";
import { missingClients, skipWithoutClient } from "../kubectl-clients";
import {
  JsonObjectStream,
  VERSIONS,
  WatchRecorder,
  requestCount,
  waitForWatches,
  condition,
  jobManifest,
  kubectlOk,
  listJobs,
  getJob,
  manifestInput,
  mustGetJob,
  uniqueName,
  waitFor,
  waitForJobFinished,
  type Job,
  type WatchEvent,
} from "./helpers";

// Each block needs the kubectl of its minor: the dispatcher picks it from /version; a
// stock kubectl runs one client for every server, so the other minors are skipped.
const missing = await missingClients(VERSIONS);

describe.each(VERSIONS)("kubectl wait / get -w with kubectl 1.%i", (minor) => {
  if (skipWithoutClient(missing, minor)) return;
  const cluster = useCluster({ minorVersion: minor, timeScale: 0.01 });

  // K: staging/src/k8s.io/kubectl/pkg/cmd/wait/condition.go.
  it("kubectl wait --for=condition=complete job/X returns once the job completes", async () => {
    const name = uniqueName("wait");
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { runTime: "100s" })));
    const r = await cluster().kubectl(["wait", "--for=condition=complete", `job/${name}`, "--timeout=30s"], { timeoutMs: 40_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`job.batch/${name} condition met`);
    const job = await mustGetJob(cluster(), name);
    expect(condition(job, "Complete")).toBeDefined();
  }, 45_000);

  // K: staging/src/k8s.io/kubectl/pkg/cmd/wait/wait.go RunWait (each object in turn).
  it("kubectl wait -l on several jobs returns once every one of them completes", async () => {
    const group = uniqueName("grp");
    const names = [uniqueName("w1"), uniqueName("w2"), uniqueName("w3")];
    const input = manifestInput(...names.map((n, i) => jobManifest(n, { labels: { group }, runTime: `${(i + 1) * 50}s` })));
    await kubectlOk(cluster(), ["create", "-f", "-"], input);
    const r = await cluster().kubectl(["wait", "--for=condition=complete", "job", "-l", `group=${group}`, "--timeout=30s"], { timeoutMs: 40_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n").sort();
    expect(lines).toEqual(names.map((n) => `job.batch/${n} condition met`).sort());
    for (const job of await listJobs(cluster(), `group=${group}`)) expect(condition(job, "Complete"), job.metadata.name).toBeDefined();
  }, 45_000);

  // K: staging/src/k8s.io/kubectl/pkg/cmd/wait/wait.go errNoMatchingResources.
  it("kubectl wait on a selector that matches nothing: no matching resources found, exit 1", async () => {
    const r = await cluster().kubectl(["wait", "--for=condition=complete", "job", "-l", "group=nothing-matches-this", "--timeout=5s"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("no matching resources found");
  });

  // K: staging/src/k8s.io/kubectl/pkg/cmd/get/get.go watch.
  fakeOnly("cut watch streams")("kubectl get jobs -w -o json --output-watch-events exits 0 when the server cuts the stream", async () => {
    const name = uniqueName("cut");
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { suspend: true })));
    cluster().setFaults({ cutWatch: { afterMs: 500 } });
    const started = Date.now();
    const r = await cluster().kubectl(["get", "jobs", "-w", "-o", "json", "--output-watch-events"], { timeoutMs: 20_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    const events = new JsonObjectStream().push(r.stdout) as WatchEvent<Job>[];
    const added = events.filter((e) => e.type === "ADDED").map((e) => e.object.metadata.name);
    expect(added).toContain(name);
    for (const e of events) expect(e.object.kind).toBe("Job");
  }, 30_000);

  // K: staging/src/k8s.io/kubectl/pkg/cmd/wait/condition.go.
  it("kubectl wait --for=condition=failed returns for a job that fails", async () => {
    const name = uniqueName("waitfail");
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { backoffLimit: 0, exitCodes: "1" })));
    const r = await cluster().kubectl(["wait", "--for=condition=failed", `job/${name}`, "--timeout=30s"], { timeoutMs: 40_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`job.batch/${name} condition met`);
  }, 45_000);

  // K: staging/src/k8s.io/kubectl/pkg/cmd/wait/wait.go extendErrWaitTimeout.
  it("kubectl wait --for=condition=complete times out (exit 1) on a job that cannot complete", async () => {
    const name = uniqueName("waitto");
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { suspend: true })));
    const r = await cluster().kubectl(["wait", "--for=condition=complete", `job/${name}`, "--timeout=1s"], { timeoutMs: 20_000 });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`timed out waiting for the condition on jobs/${name}`);
  }, 30_000);

  // K: staging/src/k8s.io/client-go/tools/watch/until.go UntilWithSync (re-lists).
  fakeOnly("cut watch streams")("kubectl wait keeps waiting across watch streams the server closes", async () => {
    const name = uniqueName("waitcut");
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { runTime: "200s" })));
    cluster().setFaults({ cutWatch: { afterMs: 300 } });
    const r = await cluster().kubectl(["wait", "--for=condition=complete", `job/${name}`, "--timeout=30s"], { timeoutMs: 40_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`job.batch/${name} condition met`);
  }, 45_000);

  // K: staging/src/k8s.io/apimachinery/pkg/watch/watch.go; apiserver watch filtering by label.
  it("kubectl get jobs -l -w: ADDED, MODIFIED up to Complete, DELETED, only for the selected jobs", async () => {
    const group = uniqueName("watchgrp");
    const names = [uniqueName("wa"), uniqueName("wb")];
    const other = uniqueName("wother");
    const before = requestCount(cluster(), "watch", "jobs");
    const watch = new WatchRecorder<Job>(cluster(), ["get", "jobs", "-l", `group=${group}`]);
    try {
      await waitForWatches(cluster(), "jobs", before + 1);
      await kubectlOk(
        cluster(),
        ["create", "-f", "-"],
        manifestInput(...names.map((n) => jobManifest(n, { labels: { group }, runTime: "20s" })), jobManifest(other, { labels: { group: "other" } })),
      );
      for (const n of names) await waitForJobFinished(cluster(), n, 30_000);
      await kubectlOk(cluster(), ["delete", "jobs", "-l", `group=${group}`]);
      await waitFor("DELETED events", () => watch.events.filter((e) => e.type === "DELETED").length >= 2, 10_000);
      for (const n of names) {
        const mine = watch.events.filter((e) => e.object.metadata.name === n);
        expect(mine[0]?.type, `first event for ${n}`).toBe("ADDED");
        expect(mine[mine.length - 1]?.type, `last event for ${n}`).toBe("DELETED");
        expect(mine.some((e) => e.type === "MODIFIED" && condition(e.object, "Complete") !== undefined), `a MODIFIED event with Complete for ${n}`).toBe(true);
        for (const e of mine) {
          expect(e.object.apiVersion).toBe("batch/v1");
          expect(e.object.kind).toBe("Job");
        }
        const versions = mine.map((e) => Number(e.object.metadata.resourceVersion));
        expect(versions, "resourceVersions increase along the stream").toEqual([...versions].sort((x, y) => x - y));
      }
      expect(watch.events.some((e) => e.object.metadata.name === other), "no events for jobs outside the selector").toBe(false);
    } finally {
      await watch.stop();
    }
  }, 60_000);

  // K: staging/src/k8s.io/kubectl/pkg/cmd/wait/delete.go, wait.go (NotFound ignored).
  it("kubectl wait --for=delete: returns once the job is gone; a missing job is already deleted (exit 0)", async () => {
    const name = uniqueName("waitdel");
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { runTime: "1h" })));
    await kubectlOk(cluster(), ["delete", "job", name, "--wait=false"]);
    const r = await cluster().kubectl(["wait", "--for=delete", `job/${name}`, "--timeout=30s"], { timeoutMs: 40_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(await getJob(cluster(), name)).toBeUndefined();
    const missing = await cluster().kubectl(["wait", "--for=delete", `job/${uniqueName("never")}`, "--timeout=5s"]);
    expect(missing.exitCode, missing.stderr).toBe(0);
  }, 45_000);

  // K: staging/src/k8s.io/kubectl/pkg/cmd/get/get.go watch (from the list's resourceVersion).
  it("kubectl get -w lists, then watches from the list's resourceVersion: one ADDED per existing job", async () => {
    const group = uniqueName("rvgrp");
    const name = uniqueName("rv");
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { labels: { group } })));
    await waitForJobFinished(cluster(), name, 30_000);
    const before = requestCount(cluster(), "watch", "jobs");
    const watch = new WatchRecorder<Job>(cluster(), ["get", "jobs", "-l", `group=${group}`]);
    try {
      await waitForWatches(cluster(), "jobs", before + 1);
      await waitFor("the listed job", () => watch.events.length > 0, 10_000);
      // Give a replaying server time to show itself.
      await new Promise((r) => setTimeout(r, 500));
      expect(watch.events.map((e) => e.type)).toEqual(["ADDED"]);
      expect(condition(watch.events[0]?.object ?? ({} as Job), "Complete")).toBeDefined();
    } finally {
      await watch.stop();
    }
  }, 45_000);
});
