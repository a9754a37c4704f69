/**
 * How Jobs fail: the backoff limit with growing retry delays, and activeDeadlineSeconds.
 *
 * Upstream truth:
 * - K: pkg/controller/job/job_controller.go — syncJob: `failed > backoffLimit` gives
 *   BackoffLimitExceeded "Job has reached the specified backoff limit"; pastActiveDeadline
 *   gives DeadlineExceeded "Job was active longer than specified deadline"; active pods of
 *   a failed job are deleted (deleteActivePods) and counted as failed; newFailureCondition:
 *   FailureTarget first, then Failed, on 1.31+ servers.
 * - K: pkg/controller/job/backoff_utils.go — delay before recreating a pod after failures is
 *   DefaultJobPodFailureBackOff (10 s) · 2^(n-1), n = failures since the last success.
 * - K: pkg/kubelet/kuberuntime (container state terminated, reason "Error" for exit code != 0).
 * - job_controller.go pastBackoffLimitOnFailure — with restartPolicy OnFailure the restarts of
 *   active pods count toward backoffLimit (fail once their sum reaches it).
 * - K: pkg/controller/job/pod_failure_policy.go — FailJob: reason PodFailurePolicy, message
 *   "Container <c> for pod <ns>/<pod> failed with exit code <n> matching FailJob rule at index
 *   <i>", announced by FailureTarget on every version that has podFailurePolicy (1.26+);
 *   Ignore: the failure is not counted in status.failed nor toward backoffLimit.
 * - job_controller.go isPodFailed — a deleted pod that had not succeeded counts as failed
 *   (podReplacementPolicy TerminatingOrFailed, the default) and is replaced.
 * - job_controller.go recordJobFinished — a Warning event with the failure reason and message.
 * - W: content/en/docs/concepts/workloads/controllers/job.md — "Pod backoff failure policy",
 *   "Job termination and cleanup".
 */
import { describe, expect, it } from "vitest";
import { clusterKind, useCluster } from "../../cluster/index";
import { missingClients, skipWithoutClient } from "../kubectl-clients";
import {
  VERSIONS,
  WatchRecorder,
  condition,
  conditionTypes,
  eventsFor,
  hasInterimConditions,
  jobManifest,
  kubectlOk,
  listPods,
  manifestInput,
  requestCount,
  uniqueName,
  waitFor,
  waitForJobFinished,
  waitForWatches,
  type Job,
  type Pod,
} from "./helpers";

/** Big enough that scaled backoff delays (10 s -> 1 s, 20 s -> 2 s) dwarf process noise. */
const TIME_SCALE = 0.1;

function expectFailed(job: Job, minor: number, reason: string, message: string): void {
  const failed = condition(job, "Failed");
  expect(failed, `Failed condition in ${JSON.stringify(job.status)}`).toBeDefined();
  expect(failed?.reason).toBe(reason);
  expect(failed?.message).toBe(message);
  expect(condition(job, "Complete")).toBeUndefined();
  expect(job.status?.completionTime, "completionTime is set on success only").toBeUndefined();
  const types = conditionTypes(job);
  if (hasInterimConditions(minor)) {
    const target = condition(job, "FailureTarget");
    expect(target, `FailureTarget in ${JSON.stringify(types)}`).toBeDefined();
    expect(target?.reason).toBe(reason);
    expect(types.indexOf("FailureTarget")).toBeLessThan(types.indexOf("Failed"));
  } else {
    expect(types).not.toContain("FailureTarget");
  }
}

// Each block needs the kubectl of its minor: the dispatcher picks it from /version; a
// stock kubectl runs one client for every server, so the other minors are skipped.
const missing = await missingClients(VERSIONS);

describe.each(VERSIONS)("Job failures with kubectl 1.%i", (minor) => {
  if (skipWithoutClient(missing, minor)) return;
  const cluster = useCluster({ minorVersion: minor, timeScale: TIME_SCALE });

  // K: pkg/controller/job/job_controller.go syncJob; backoff_utils.go getRemainingTimeForFailuresCount.
  it("backoffLimit 2 with an always-failing pod: exactly 3 failed pods, BackoffLimitExceeded, growing retry delays", async () => {
    const name = uniqueName("backoff");
    const before = requestCount(cluster(), "watch", "pods");
    const watch = new WatchRecorder<Pod>(cluster(), ["get", "pods", "-l", `job-name=${name}`]);
    try {
      await waitForWatches(cluster(), "pods", before + 1);
      await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { backoffLimit: 2, exitCodes: "1" })));
      // The real Job controller's back-off is real time: 10 s, then 20 s, before the third pod.
      const job = await waitForJobFinished(cluster(), name, clusterKind() === "fake" ? 30_000 : 90_000);
      expectFailed(job, minor, "BackoffLimitExceeded", "Job has reached the specified backoff limit");
      expect(job.status?.failed).toBe(3);
      expect(job.status?.succeeded ?? 0).toBe(0);
      expect(job.status?.active ?? 0).toBe(0);

      const warning = await waitFor(
        "the BackoffLimitExceeded event",
        async () => (await eventsFor(cluster(), name)).find((e) => e.reason === "BackoffLimitExceeded"),
        10_000,
      );
      expect(warning).toMatchObject({ type: "Warning", message: "Job has reached the specified backoff limit" });

      const pods = await listPods(cluster(), `job-name=${name}`);
      expect(pods, "one pod per attempt: the first and two retries").toHaveLength(3);
      for (const pod of pods) {
        expect(pod.status?.phase).toBe("Failed");
        const terminated = pod.status?.containerStatuses?.[0]?.state?.terminated;
        expect(terminated?.exitCode).toBe(1);
        expect(terminated?.reason).toBe("Error");
      }

      // Creation order and spacing, from the time each pod first showed up on the watch.
      await waitFor("3 pods on the watch", () => new Set(watch.events.map((e) => e.object.metadata.name)).size >= 3, 5_000);
      const firstSeen = new Map<string, number>();
      for (const e of watch.events) if (!firstSeen.has(e.object.metadata.name)) firstSeen.set(e.object.metadata.name, e.at);
      const times = [...firstSeen.values()].sort((a, b) => a - b);
      const gap1 = (times[1] ?? 0) - (times[0] ?? 0);
      const gap2 = (times[2] ?? 0) - (times[1] ?? 0);
      const base = 10_000 * TIME_SCALE;
      expect(gap1, `first retry delay (ms), gaps ${gap1} / ${gap2}`).toBeGreaterThanOrEqual(base * 0.8);
      expect(gap2, `second retry delay (ms), gaps ${gap1} / ${gap2}`).toBeGreaterThanOrEqual(base * 2 * 0.8);
      expect(gap2, `retry delays must grow, gaps ${gap1} / ${gap2}`).toBeGreaterThan(gap1 * 1.3);

      // creationTimestamp has second precision; it must not contradict the watch order.
      const byFirstSeen = [...firstSeen.keys()];
      const stamps = byFirstSeen.map((n) => Date.parse(pods.find((p) => p.metadata.name === n)?.metadata.creationTimestamp ?? ""));
      for (const s of stamps) expect(Number.isNaN(s), `creationTimestamps ${JSON.stringify(stamps)}`).toBe(false);
      expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    } finally {
      await watch.stop();
    }
  }, clusterKind() === "fake" ? 60_000 : 120_000);

  // K: pkg/controller/job/job_controller.go pastActiveDeadline, deleteActivePods.
  it("activeDeadlineSeconds: Failed with DeadlineExceeded, the running pod deleted and counted as failed", async () => {
    const name = uniqueName("deadline");
    const deadlineSeconds = 10;
    const started = Date.now();
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { activeDeadlineSeconds: deadlineSeconds, runTime: "1h" })));
    const job = await waitForJobFinished(cluster(), name, 30_000);
    const elapsed = Date.now() - started;
    expectFailed(job, minor, "DeadlineExceeded", "Job was active longer than specified deadline");
    expect(elapsed, "the job may not fail before its (scaled) deadline").toBeGreaterThanOrEqual(deadlineSeconds * 1000 * TIME_SCALE * 0.8);
    expect(job.status?.active ?? 0).toBe(0);
    expect(job.status?.failed, "the deleted active pod counts as failed").toBe(1);
    await waitFor(
      "the deadline-exceeded job's pod to be deleted",
      async () => (await listPods(cluster(), `job-name=${name}`)).length === 0,
      15_000,
    );
  }, 60_000);

  // K: pkg/controller/job/job_controller.go pastBackoffLimitOnFailure.
  it("restartPolicy OnFailure: restarts in place count toward backoffLimit; one pod, BackoffLimitExceeded", async () => {
    const name = uniqueName("onfailure");
    const before = requestCount(cluster(), "watch", "pods");
    const watch = new WatchRecorder<Pod>(cluster(), ["get", "pods", "-l", `job-name=${name}`]);
    try {
      await waitForWatches(cluster(), "pods", before + 1);
      await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { backoffLimit: 2, exitCodes: "1", restartPolicy: "OnFailure" })));
      const job = await waitForJobFinished(cluster(), name, 40_000);
      expectFailed(job, minor, "BackoffLimitExceeded", "Job has reached the specified backoff limit");
      const names = new Set(watch.events.map((e) => e.object.metadata.name));
      expect(names.size, "OnFailure restarts the container in the same pod").toBe(1);
      const restarts = Math.max(0, ...watch.events.map((e) => e.object.status?.containerStatuses?.[0]?.restartCount ?? 0));
      expect(restarts, "restartCount reached backoffLimit").toBeGreaterThanOrEqual(2);
      expect(job.status?.failed, "the pod deleted at the failure counts once").toBe(1);
    } finally {
      await watch.stop();
    }
  }, 60_000);

  // K: pkg/controller/job/pod_failure_policy.go matchPodFailurePolicy.
  it("podFailurePolicy FailJob: the first matching failure fails the job with reason PodFailurePolicy", async () => {
    const name = uniqueName("pfpfail");
    const podFailurePolicy = { rules: [{ action: "FailJob", onExitCodes: { containerName: "main", operator: "In", values: [42] } }] };
    await kubectlOk(
      cluster(),
      ["create", "-f", "-"],
      manifestInput(jobManifest(name, { backoffLimit: 6, exitCodes: "42", extraSpec: { podFailurePolicy } })),
    );
    const job = await waitForJobFinished(cluster(), name, 30_000);
    const pods = await listPods(cluster(), `job-name=${name}`);
    expect(pods, "FailJob does not retry").toHaveLength(1);
    const pod = pods[0]?.metadata.name ?? "";
    const message = `Container main for pod ${cluster().namespace}/${pod} failed with exit code 42 matching FailJob rule at index 0`;
    expect(condition(job, "Failed")).toMatchObject({ reason: "PodFailurePolicy", message });
    expect(condition(job, "FailureTarget"), "FailureTarget comes first with podFailurePolicy").toMatchObject({ reason: "PodFailurePolicy", message });
    const types = conditionTypes(job);
    expect(types.indexOf("FailureTarget")).toBeLessThan(types.indexOf("Failed"));
    expect(job.status?.failed).toBe(1);
  }, 45_000);

  // K: pkg/controller/job/pod_failure_policy.go (Ignore: countFailed false).
  it("podFailurePolicy Ignore: an ignored failure is not counted, the retry completes the job", async () => {
    const name = uniqueName("pfpignore");
    const podFailurePolicy = { rules: [{ action: "Ignore", onExitCodes: { operator: "In", values: [2] } }] };
    await kubectlOk(
      cluster(),
      ["create", "-f", "-"],
      manifestInput(jobManifest(name, { backoffLimit: 0, exitCodes: "2,0", extraSpec: { podFailurePolicy } })),
    );
    const job = await waitForJobFinished(cluster(), name, 30_000);
    expect(condition(job, "Complete"), JSON.stringify(job.status)).toBeDefined();
    expect(job.status?.failed ?? 0, "ignored failures are not counted").toBe(0);
    expect(job.status?.succeeded).toBe(1);
    expect(await listPods(cluster(), `job-name=${name}`)).toHaveLength(2);
  }, 45_000);

  // K: pkg/controller/job/job_controller.go isPodFailed.
  it("a running pod deleted by hand counts as failed and is replaced; the job still completes", async () => {
    const name = uniqueName("evict");
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { runTime: "30s" })));
    const pod = await waitFor(
      "the pod to run",
      async () => (await listPods(cluster(), `job-name=${name}`)).find((p) => p.status?.phase === "Running"),
      15_000,
    );
    const running = await kubectlOk(cluster(), ["get", "pods", "-l", `job-name=${name}`, "--field-selector", "status.phase=Running", "-o", "name"]);
    expect(running.trim()).toBe(`pod/${pod.metadata.name}`);
    await kubectlOk(cluster(), ["delete", "pod", pod.metadata.name], undefined, 40_000);
    const job = await waitForJobFinished(cluster(), name, 40_000);
    expect(condition(job, "Complete"), JSON.stringify(job.status)).toBeDefined();
    expect(job.status?.failed).toBe(1);
    expect(job.status?.succeeded).toBe(1);
    const pods = await listPods(cluster(), `job-name=${name}`);
    expect(pods.map((p) => p.metadata.name)).not.toContain(pod.metadata.name);
    expect(pods).toHaveLength(1);
  }, 60_000);
});
