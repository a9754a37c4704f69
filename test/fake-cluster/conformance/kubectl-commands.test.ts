/**
 * kubectl wait, logs and get -w against Jobs.
 *
 * Upstream truth:
 * - K: staging/src/k8s.io/kubectl/pkg/cmd/wait/wait.go — printer "condition met",
 *   errNoMatchingResources "no matching resources found" when nothing matched (not for
 *   --for=delete); condition.go — watches each object by metadata.name field selector.
 * - K: staging/src/k8s.io/kubectl/pkg/cmd/logs/logs.go — a selector implies tailLines 10
 *   (selectorTail), --prefix writes "[pod/<pod>/<container>] ", -f streams until the
 *   container's log ends.
 * - K: staging/src/k8s.io/kubectl/pkg/polymorphichelpers/logsforobject.go — `logs job/J`
 *   finds a pod through the Job's spec.selector.
 * - K: staging/src/k8s.io/kubectl/pkg/cmd/get/get.go — watch output ends (exit 0) when the
 *   server closes the stream; --output-watch-events wraps objects as {type, object}.
 * - K: pkg/kubelet/kubelet_pods.go — validateContainerLogStatus: `container "c" in pod "p"
 *   is waiting to start: <reason>` (400) for a container that has not started.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFakeCluster } from "../index";
import type { FakeCluster } from "../types";
import {
  JsonObjectStream,
  VERSIONS,
  condition,
  jobManifest,
  kubectlOk,
  listJobs,
  listPods,
  manifestInput,
  mustGetJob,
  uniqueName,
  waitFor,
  waitForJobFinished,
  type Job,
  type WatchEvent,
} from "./helpers";

describe.each(VERSIONS)("kubectl wait / logs / get -w with kubectl 1.%i", (minor) => {
  let cluster: FakeCluster;

  beforeAll(async () => {
    cluster = await startFakeCluster({ minorVersion: minor, timeScale: 0.01 });
  });

  afterEach(() => {
    cluster?.clearFaults();
  });

  afterAll(async () => {
    if (cluster) await cluster.stop();
  });

  it("kubectl wait --for=condition=complete job/X returns once the job completes", async () => {
    const name = uniqueName("wait");
    await kubectlOk(cluster, ["create", "-f", "-"], manifestInput(jobManifest(name, { runTime: "100s" })));
    const r = await cluster.kubectl(["wait", "--for=condition=complete", `job/${name}`, "--timeout=30s"], { timeoutMs: 40_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`job.batch/${name} condition met`);
    const job = await mustGetJob(cluster, name);
    expect(condition(job, "Complete")).toBeDefined();
  }, 45_000);

  it("kubectl wait -l on several jobs returns once every one of them completes", async () => {
    const group = uniqueName("grp");
    const names = [uniqueName("w1"), uniqueName("w2"), uniqueName("w3")];
    const input = manifestInput(...names.map((n, i) => jobManifest(n, { labels: { group }, runTime: `${(i + 1) * 50}s` })));
    await kubectlOk(cluster, ["create", "-f", "-"], input);
    const r = await cluster.kubectl(["wait", "--for=condition=complete", "job", "-l", `group=${group}`, "--timeout=30s"], { timeoutMs: 40_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n").sort();
    expect(lines).toEqual(names.map((n) => `job.batch/${n} condition met`).sort());
    for (const job of await listJobs(cluster, `group=${group}`)) expect(condition(job, "Complete"), job.metadata.name).toBeDefined();
  }, 45_000);

  it("kubectl wait on a selector that matches nothing: no matching resources found, exit 1", async () => {
    const r = await cluster.kubectl(["wait", "--for=condition=complete", "job", "-l", "group=nothing-matches-this", "--timeout=5s"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("no matching resources found");
  });

  it("kubectl logs -l job-name=X --prefix: last 10 lines of each pod, prefixed [pod/P/C]", async () => {
    const name = uniqueName("logs");
    const log = Array.from({ length: 15 }, (_, i) => `line ${i + 1} of $POD_NAME`).join("\n");
    await kubectlOk(cluster, ["create", "-f", "-"], manifestInput(jobManifest(name, { completions: 2, parallelism: 2, runTime: "5s", log })));
    await waitForJobFinished(cluster, name, 30_000);
    const pods = await listPods(cluster, `job-name=${name}`);
    expect(pods).toHaveLength(2);
    const out = await kubectlOk(cluster, ["logs", "-l", `job-name=${name}`, "--prefix"]);
    const lines = out.trimEnd().split("\n");
    expect(lines).toHaveLength(20);
    for (const pod of pods) {
      const p = pod.metadata.name;
      const mine = lines.filter((l) => l.startsWith(`[pod/${p}/main] `));
      expect(mine).toEqual(Array.from({ length: 10 }, (_, i) => `[pod/${p}/main] line ${i + 6} of ${p}`));
    }
  }, 45_000);

  it("kubectl logs job/X prints the log of the job's pod", async () => {
    const name = uniqueName("logjob");
    await kubectlOk(cluster, ["create", "-f", "-"], manifestInput(jobManifest(name, { log: "alpha\nbeta\ngamma" })));
    await waitForJobFinished(cluster, name, 30_000);
    const out = await kubectlOk(cluster, ["logs", `job/${name}`]);
    expect(out).toBe("alpha\nbeta\ngamma\n");
  }, 45_000);

  it("kubectl logs -f on a running pod ends when the pod ends", async () => {
    const name = uniqueName("follow");
    await kubectlOk(
      cluster,
      ["create", "-f", "-"],
      manifestInput(jobManifest(name, { runTime: "300s", log: "first\nsecond\nthird" })),
    );
    const pod = await waitFor(
      "the pod to be Running",
      async () => (await listPods(cluster, `job-name=${name}`)).find((p) => p.status?.phase === "Running"),
      15_000,
    );
    const r = await cluster.kubectl(["logs", "-f", pod.metadata.name], { timeoutMs: 30_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe("first\nsecond\nthird\n");
    // The stream ends because the container ended, so the pod is finished (or about to be).
    const finished = await waitFor(
      "the followed pod to be Succeeded",
      async () => (await listPods(cluster, `job-name=${name}`)).find((p) => p.metadata.name === pod.metadata.name && p.status?.phase === "Succeeded"),
      5_000,
    );
    expect(finished.status?.phase).toBe("Succeeded");
  }, 45_000);

  it("kubectl get jobs -w -o json --output-watch-events exits 0 when the server cuts the stream", async () => {
    const name = uniqueName("cut");
    await kubectlOk(cluster, ["create", "-f", "-"], manifestInput(jobManifest(name, { suspend: true })));
    cluster.setFaults({ cutWatch: { afterMs: 500 } });
    const started = Date.now();
    const r = await cluster.kubectl(["get", "jobs", "-w", "-o", "json", "--output-watch-events"], { timeoutMs: 20_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    const events = new JsonObjectStream().push(r.stdout) as WatchEvent<Job>[];
    const added = events.filter((e) => e.type === "ADDED").map((e) => e.object.metadata.name);
    expect(added).toContain(name);
    for (const e of events) expect(e.object.kind).toBe("Job");
  }, 30_000);

  it("kubectl wait --for=condition=failed returns for a job that fails", async () => {
    const name = uniqueName("waitfail");
    await kubectlOk(cluster, ["create", "-f", "-"], manifestInput(jobManifest(name, { backoffLimit: 0, exitCodes: "1" })));
    const r = await cluster.kubectl(["wait", "--for=condition=failed", `job/${name}`, "--timeout=30s"], { timeoutMs: 40_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`job.batch/${name} condition met`);
  }, 45_000);

  it("kubectl wait --for=condition=complete times out (exit 1) on a job that cannot complete", async () => {
    const name = uniqueName("waitto");
    await kubectlOk(cluster, ["create", "-f", "-"], manifestInput(jobManifest(name, { suspend: true })));
    const r = await cluster.kubectl(["wait", "--for=condition=complete", `job/${name}`, "--timeout=1s"], { timeoutMs: 20_000 });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`timed out waiting for the condition on jobs/${name}`);
  }, 30_000);

  it("kubectl logs of a container that has not started: waiting to start", async () => {
    const name = uniqueName("pending");
    await kubectlOk(cluster, ["create", "-f", "-"], manifestInput(jobManifest(name, { coldStart: "1h" })));
    const pod = await waitFor("the job's pod", async () => (await listPods(cluster, `job-name=${name}`))[0], 10_000);
    expect(pod.status?.phase ?? "Pending").toBe("Pending");
    const r = await cluster.kubectl(["logs", pod.metadata.name]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`container "main" in pod "${pod.metadata.name}" is waiting to start`);
  }, 30_000);

  it("kubectl wait keeps waiting across watch streams the server closes", async () => {
    const name = uniqueName("waitcut");
    await kubectlOk(cluster, ["create", "-f", "-"], manifestInput(jobManifest(name, { runTime: "200s" })));
    cluster.setFaults({ cutWatch: { afterMs: 300 } });
    const r = await cluster.kubectl(["wait", "--for=condition=complete", `job/${name}`, "--timeout=30s"], { timeoutMs: 40_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`job.batch/${name} condition met`);
  }, 45_000);
});
