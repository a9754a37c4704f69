/**
 * The Job controller's pod management and success path, seen through the real kubectl.
 *
 * Upstream truth:
 * - K: pkg/controller/job/job_controller.go — manageJob (wantActive = min(completions -
 *   succeeded, parallelism); completions unset: parallelism until the first success),
 *   newSuccessCondition / delayTerminalCondition (SuccessCriteriaMet, then Complete, on
 *   1.31+ servers), trackJobStatusAndRemoveFinalizers (tracking finalizer removed from
 *   finished pods).
 * - K: pkg/controller/job/indexed_job_utils.go — podGenerateNameWithIndex,
 *   addCompletionIndexAnnotation / addCompletionIndexLabel, addCompletionIndexEnvVariable
 *   (JOB_COMPLETION_INDEX from a fieldRef), succeededIndexes.String() ("0-4").
 * - K: staging/src/k8s.io/api/batch/v1/types.go — JobReasonCompletionsReached,
 *   "Reached expected number of succeeded pods"; K: test/e2e/apps/job.go waits for it.
 * - K: staging/src/k8s.io/apimachinery/pkg/util/rand/rand.go — generateName suffix alphabet.
 * - K: pkg/controller/controller_utils.go — event SuccessfulCreate "Created pod: <name>";
 *   job_controller.go recordJobFinished — event Completed "Job completed"; source
 *   component "job-controller".
 * - K: pkg/printers/internalversion/printers.go — printJob: STATUS (servers since 1.30),
 *   COMPLETIONS "<succeeded>/<completions>" or "<succeeded>/1 of <parallelism>".
 * - indexed_job_utils.go orderedIntervals.String — runs of three or more as "a-b", pairs as
 *   "a,b"; printers.go printPod — READY "0/1", STATUS from the terminated reason.
 * - K: pkg/features/kube_features.go — JobPodReplacementPolicy (status.terminating) on by
 *   default from 1.29; status.ready always written (JobReadyPods).
 * - W: content/en/docs/concepts/workloads/controllers/job.md — parallel jobs, Indexed mode,
 *   suspending a Job (Suspended condition JobSuspended / JobResumed, startTime reset).
 */
import { describe, expect, it } from "vitest";
import { useCluster } from "../../cluster/index";
import { missingClients, skipWithoutClient } from "../kubectl-clients";
import {
  VERSIONS,
  WatchRecorder,
  condition,
  eventComponent,
  eventsFor,
  mustGetJob,
  conditionTypes,
  hasInterimConditions,
  isFinished,
  jobManifest,
  kubectlOk,
  listPods,
  manifestInput,
  podIsActive,
  requestCount,
  uniqueName,
  waitFor,
  waitForJobFinished,
  waitForWatches,
  type Job,
  type Pod,
} from "./helpers";

const SUFFIX = "[bcdfghjklmnpqrstvwxz2456789]{5}";
const INDEX_KEY = "batch.kubernetes.io/job-completion-index";

function expectCompleted(job: Job, minor: number): void {
  const complete = condition(job, "Complete");
  expect(complete, `Complete condition in ${JSON.stringify(job.status)}`).toBeDefined();
  expect(condition(job, "Failed")).toBeUndefined();
  expect(job.status?.completionTime).toBeTruthy();
  expect(job.status?.startTime).toBeTruthy();
  expect(Date.parse(job.status?.completionTime ?? "")).toBeGreaterThanOrEqual(Date.parse(job.status?.startTime ?? ""));
  for (const c of job.status?.conditions ?? []) {
    expect(c.lastProbeTime, `lastProbeTime of ${c.type}`).toBeTruthy();
    expect(c.lastTransitionTime, `lastTransitionTime of ${c.type}`).toBeTruthy();
  }
  expect(job.status?.active ?? 0).toBe(0);
  expect(job.status?.ready, "status.ready is always written").toBe(0);
  if (minor >= 29) expect(job.status?.terminating, "status.terminating (JobPodReplacementPolicy)").toBe(0);
  const uncounted = job.status?.uncountedTerminatedPods ?? {};
  expect(uncounted.succeeded ?? []).toEqual([]);
  expect(uncounted.failed ?? []).toEqual([]);
  const types = conditionTypes(job);
  if (hasInterimConditions(minor)) {
    const met = condition(job, "SuccessCriteriaMet");
    expect(met, `SuccessCriteriaMet in ${JSON.stringify(types)}`).toBeDefined();
    expect(types.indexOf("SuccessCriteriaMet")).toBeLessThan(types.indexOf("Complete"));
    expect(met?.reason).toBe("CompletionsReached");
    expect(met?.message).toBe("Reached expected number of succeeded pods");
    expect(complete?.reason).toBe("CompletionsReached");
    expect(complete?.message).toBe("Reached expected number of succeeded pods");
  } else {
    expect(types).not.toContain("SuccessCriteriaMet");
  }
}

/** Replays pod watch events and returns the largest number of active pods at any point. */
function maxActive(events: { type: string; object: Pod }[]): number {
  const active = new Map<string, boolean>();
  let max = 0;
  for (const e of events) {
    if (e.type === "DELETED") active.delete(e.object.metadata.name);
    else if (e.type === "ADDED" || e.type === "MODIFIED") active.set(e.object.metadata.name, podIsActive(e.object));
    let n = 0;
    for (const v of active.values()) if (v) n += 1;
    max = Math.max(max, n);
  }
  return max;
}

// Each block needs the kubectl of its minor: the dispatcher picks it from /version; a
// stock kubectl runs one client for every server, so the other minors are skipped.
const missing = await missingClients(VERSIONS);

describe.each(VERSIONS)("Job controller with kubectl 1.%i", (minor) => {
  if (skipWithoutClient(missing, minor)) return;
  const cluster = useCluster({ minorVersion: minor, timeScale: 0.01 });

  // K: pkg/controller/job/job_controller.go manageJob, trackJobStatusAndRemoveFinalizers.
  it("completions 10 / parallelism 3: never more than 3 active, 10 succeeded, then Complete", async () => {
    const name = uniqueName("par");
    const before = requestCount(cluster(), "watch", "pods");
    const watch = new WatchRecorder<Pod>(cluster(), ["get", "pods", "-l", `job-name=${name}`]);
    try {
      await waitForWatches(cluster(), "pods", before + 1);
      await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { completions: 10, parallelism: 3, runTime: "10s" })));
      const job = await waitForJobFinished(cluster(), name, 40_000);
      expectCompleted(job, minor);
      expect(job.status?.succeeded).toBe(10);
      expect(job.status?.failed ?? 0).toBe(0);

      await waitFor(
        "the pod watch to show 10 succeeded pods",
        () => {
          const last = new Map<string, Pod>();
          for (const e of watch.events) last.set(e.object.metadata.name, e.object);
          return [...last.values()].filter((p) => p.status?.phase === "Succeeded").length === 10;
        },
        10_000,
      );
      const peak = maxActive(watch.events);
      expect(peak, "pods active at the same time").toBeLessThanOrEqual(3);
      expect(peak, "the controller should run `parallelism` pods at once").toBe(3);

      const pods = await listPods(cluster(), `job-name=${name}`);
      expect(pods).toHaveLength(10);
      for (const pod of pods) {
        expect(pod.metadata.name).toMatch(new RegExp(`^${name}-${SUFFIX}$`));
        expect(pod.metadata.generateName).toBe(`${name}-`);
        expect(pod.status?.phase).toBe("Succeeded");
        const terminated = pod.status?.containerStatuses?.[0]?.state?.terminated;
        expect(terminated?.exitCode).toBe(0);
        expect(terminated?.reason).toBe("Completed");
        expect(pod.metadata.labels?.["job-name"]).toBe(name);
        expect(pod.metadata.labels?.["batch.kubernetes.io/job-name"]).toBe(name);
        expect(pod.metadata.labels?.["controller-uid"]).toBe(job.metadata.uid);
        expect(pod.metadata.labels?.["batch.kubernetes.io/controller-uid"]).toBe(job.metadata.uid);
        const owner = pod.metadata.ownerReferences?.find((o) => o.kind === "Job");
        expect(owner).toMatchObject({ apiVersion: "batch/v1", name, uid: job.metadata.uid, controller: true, blockOwnerDeletion: true });
        expect(pod.metadata.finalizers ?? []).not.toContain("batch.kubernetes.io/job-tracking");
      }
    } finally {
      await watch.stop();
    }
  }, 60_000);

  // K: pkg/controller/job/job_controller.go manageJob (Completions == nil).
  it("work-queue mode (completions unset, parallelism 2): two pods, Complete once they succeed", async () => {
    const name = uniqueName("wq");
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { parallelism: 2, runTime: "10s", labels: { "only-on-job": "yes" } })));
    const job = await waitForJobFinished(cluster(), name, 30_000);
    expect(job.spec.completions ?? null, "completions stays unset in work-queue mode").toBeNull();
    expect(job.spec.parallelism).toBe(2);
    expectCompleted(job, minor);
    expect(job.status?.succeeded).toBe(2);
    const pods = await listPods(cluster(), `job-name=${name}`);
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.status?.phase).toBe("Succeeded");
      expect(pod.metadata.labels?.["only-on-job"], "pods take the template's labels, not the Job's").toBeUndefined();
    }
  }, 45_000);

  // K: pkg/controller/job/indexed_job_utils.go; W: content/en/docs/concepts/workloads/controllers/job.md (Completion mode).
  it("Indexed completions 5: indexed names, hostname, index annotation + label + env, completedIndexes 0-4", async () => {
    const name = uniqueName("idx");
    await kubectlOk(
      cluster(),
      ["create", "-f", "-"],
      manifestInput(jobManifest(name, { completions: 5, parallelism: 2, completionMode: "Indexed", runTime: "5s", log: "index=$JOB_COMPLETION_INDEX" })),
    );
    const job = await waitForJobFinished(cluster(), name, 30_000);
    expectCompleted(job, minor);
    expect(job.spec.completionMode).toBe("Indexed");
    expect(job.status?.succeeded).toBe(5);
    expect(job.status?.completedIndexes).toBe("0-4");

    const pods = await listPods(cluster(), `job-name=${name}`);
    expect(pods).toHaveLength(5);
    const seen = new Set<number>();
    for (const pod of pods) {
      const m = new RegExp(`^${name}-(\\d+)-${SUFFIX}$`).exec(pod.metadata.name);
      expect(m, `pod name ${pod.metadata.name}`).not.toBeNull();
      const index = Number(m?.[1]);
      seen.add(index);
      expect(pod.metadata.annotations?.[INDEX_KEY]).toBe(String(index));
      expect(pod.metadata.labels?.[INDEX_KEY]).toBe(String(index));
      expect(pod.spec.hostname).toBe(`${name}-${index}`);
      const env = pod.spec.containers[0]?.env?.find((e) => e.name === "JOB_COMPLETION_INDEX");
      expect(env, `JOB_COMPLETION_INDEX in ${JSON.stringify(pod.spec.containers[0]?.env)}`).toBeDefined();
      // The controller adds a downward-API reference, not a literal value.
      expect([`metadata.labels['${INDEX_KEY}']`, `metadata.annotations['${INDEX_KEY}']`]).toContain(env?.valueFrom?.fieldRef?.fieldPath);
      const log = await kubectlOk(cluster(), ["logs", pod.metadata.name]);
      expect(log.trim()).toBe(`index=${index}`);
    }
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
  }, 45_000);

  // K: pkg/controller/controller_utils.go; job_controller.go recordJobFinished.
  it("events: SuccessfulCreate per pod and Completed, from job-controller", async () => {
    const name = uniqueName("events");
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { completions: 2, parallelism: 2 })));
    await waitForJobFinished(cluster(), name, 30_000);
    const pods = await listPods(cluster(), `job-name=${name}`);
    const events = await waitFor(
      "the Completed event",
      async () => {
        const all = await eventsFor(cluster(), name);
        return all.some((e) => e.reason === "Completed") ? all : false;
      },
      10_000,
    );
    const created = events.filter((e) => e.reason === "SuccessfulCreate").map((e) => e.message);
    expect(created.sort()).toEqual(pods.map((p) => `Created pod: ${p.metadata.name}`).sort());
    const completed = events.find((e) => e.reason === "Completed");
    expect(completed).toMatchObject({ type: "Normal", message: "Job completed" });
    for (const e of events) {
      expect(e.involvedObject?.kind).toBe("Job");
      expect(eventComponent(e)).toBe("job-controller");
    }
  }, 45_000);

  // K: pkg/controller/job/job_controller.go syncJob (JobSuspended / JobResumed).
  it("suspend: no pods and Suspended=True; resuming runs the job and sets Suspended=False JobResumed", async () => {
    const name = uniqueName("suspend");
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { suspend: true, runTime: "5s" })));
    const suspended = await waitFor(
      "the Suspended condition",
      async () => {
        const job = await mustGetJob(cluster(), name);
        return condition(job, "Suspended") ? job : false;
      },
      10_000,
    );
    expect(condition(suspended, "Suspended")).toMatchObject({ reason: "JobSuspended", message: "Job suspended" });
    expect(suspended.status?.startTime, "startTime is not set while suspended").toBeUndefined();
    expect(suspended.status?.active ?? 0).toBe(0);
    expect(await listPods(cluster(), `job-name=${name}`)).toHaveLength(0);

    const out = await kubectlOk(cluster(), ["patch", "job", name, "--type", "merge", "-p", '{"spec":{"suspend":false}}']);
    expect(out.trim()).toBe(`job.batch/${name} patched`);
    const job = await waitForJobFinished(cluster(), name, 30_000);
    expectCompleted(job, minor);
    const resumed = job.status?.conditions?.find((c) => c.type === "Suspended");
    expect(resumed).toMatchObject({ status: "False", reason: "JobResumed", message: "Job resumed" });
    expect(await listPods(cluster(), `job-name=${name}`)).toHaveLength(1);
  }, 45_000);

  // K: pkg/printers/internalversion/printers.go printJob.
  it("kubectl get jobs: the server's table (STATUS on 1.30+ servers, COMPLETIONS)", async () => {
    const done = uniqueName("table");
    const queue = uniqueName("tableq");
    await kubectlOk(
      cluster(),
      ["create", "-f", "-"],
      manifestInput(jobManifest(done, { completions: 2, parallelism: 2 }), jobManifest(queue, { parallelism: 2 })),
    );
    await waitForJobFinished(cluster(), done, 30_000);
    await waitForJobFinished(cluster(), queue, 30_000);
    const out = await kubectlOk(cluster(), ["get", "jobs", done, queue]);
    const [header, ...rows] = out.trimEnd().split("\n");
    const columns = (header ?? "").trim().split(/\s+/);
    const cells = (n: string): string[] => (rows.find((r) => r.startsWith(`${n} `)) ?? "").trim().split(/\s+/);
    if (minor >= 30) {
      expect(columns).toEqual(["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"]);
      expect(cells(done).slice(0, 3)).toEqual([done, "Complete", "2/2"]);
      expect(cells(queue).slice(0, 5)).toEqual([queue, "Complete", "2/1", "of", "2"]);
    } else {
      expect(columns).toEqual(["NAME", "COMPLETIONS", "DURATION", "AGE"]);
      expect(cells(done).slice(0, 2)).toEqual([done, "2/2"]);
      expect(cells(queue).slice(0, 4)).toEqual([queue, "2/1", "of", "2"]);
    }
  }, 45_000);

  // K: pkg/controller/job/indexed_job_utils.go orderedIntervals.String.
  it("Indexed with failing indexes: completedIndexes lists the others as \"0,2,3,5\" and the job fails", async () => {
    const name = uniqueName("idxfail");
    await kubectlOk(
      cluster(),
      ["create", "-f", "-"],
      manifestInput(
        jobManifest(name, { completions: 6, parallelism: 6, completionMode: "Indexed", backoffLimit: 3, runTime: "5s", exitCodesByIndex: "1=1;4=1" }),
      ),
    );
    const job = await waitForJobFinished(cluster(), name, 30_000);
    expect(condition(job, "Failed")?.reason).toBe("BackoffLimitExceeded");
    expect(job.status?.completedIndexes).toBe("0,2,3,5");
    expect(job.status?.succeeded).toBe(4);
    expect(job.status?.failed).toBe(4);
  }, 45_000);

  // K: pkg/printers/internalversion/printers.go printPod.
  it("kubectl get pods for a finished job: READY 0/1, STATUS Completed / Error", async () => {
    const ok = uniqueName("podok");
    const bad = uniqueName("podbad");
    await kubectlOk(
      cluster(),
      ["create", "-f", "-"],
      manifestInput(jobManifest(ok), jobManifest(bad, { backoffLimit: 0, exitCodes: "1" })),
    );
    await waitForJobFinished(cluster(), ok, 30_000);
    await waitForJobFinished(cluster(), bad, 30_000);
    for (const [name, status] of [[ok, "Completed"], [bad, "Error"]] as const) {
      const out = await kubectlOk(cluster(), ["get", "pods", "-l", `job-name=${name}`]);
      const [header, ...rows] = out.trimEnd().split("\n");
      expect((header ?? "").trim().split(/\s+/)).toEqual(["NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
      expect(rows).toHaveLength(1);
      expect((rows[0] ?? "").trim().split(/\s+/).slice(1, 4)).toEqual(["0/1", status, "0"]);
    }
  }, 45_000);

  // K: staging/src/k8s.io/apiserver/pkg/storage/names/generate.go (maxGeneratedNameLength 58); job_controller.go JobTrackingFinalizer.
  it("a 63-character job name: pod names cut the prefix to 58 characters; running pods carry the tracking finalizer", async () => {
    const name = `long-${"z".repeat(58)}`;
    expect(name.length).toBe(63);
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { runTime: "400s" })));
    const running = await waitFor(
      "the pod to run",
      async () => (await listPods(cluster(), `job-name=${name}`)).find((p) => p.status?.phase === "Running"),
      15_000,
    );
    expect(running.metadata.name).toMatch(new RegExp(`^${`${name}-`.slice(0, 58)}${SUFFIX}$`));
    expect(running.metadata.name.length).toBe(63);
    expect(running.metadata.finalizers ?? []).toContain("batch.kubernetes.io/job-tracking");
    const job = await waitForJobFinished(cluster(), name, 30_000);
    expectCompleted(job, minor);
  }, 45_000);

  // K: pkg/controller/job/job_controller.go syncJob (status.active, status.ready counts pods
  // with Ready=True); printers.go printJob ("Running", "0/3").
  it("while running: status.active and status.ready count the running pods; the table says Running", async () => {
    const name = uniqueName("running");
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { completions: 3, parallelism: 3, runTime: "1h" })));
    const job = await waitFor(
      "active 3 and ready 3",
      async () => {
        const j = await mustGetJob(cluster(), name);
        return j.status?.active === 3 && j.status.ready === 3 ? j : false;
      },
      15_000,
    );
    expect(job.status?.startTime).toBeTruthy();
    expect(job.status?.succeeded ?? 0).toBe(0);
    expect(isFinished(job)).toBe(false);
    const out = await kubectlOk(cluster(), ["get", "job", name, "--no-headers"]);
    const cells = out.trim().split(/\s+/);
    if (minor >= 30) expect(cells.slice(0, 3)).toEqual([name, "Running", "0/3"]);
    else expect(cells.slice(0, 2)).toEqual([name, "0/3"]);
    await kubectlOk(cluster(), ["delete", "job", name, "--wait=false"]);
  }, 45_000);

  // K: pkg/controller/job/job_controller.go manageJob (suspended: deleteJobPods removes the
  // tracking finalizer first, so the deleted pods are not counted as failed);
  // controller_utils.go DeletePod event SuccessfulDelete "Deleted pod: <name>".
  it("suspending a running job deletes its pods without counting them failed; resuming completes it", async () => {
    const name = uniqueName("suspendrun");
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { completions: 2, parallelism: 2, runTime: "100s" })));
    const running = await waitFor(
      "2 running pods",
      async () => {
        const pods = (await listPods(cluster(), `job-name=${name}`)).filter((p) => p.status?.phase === "Running");
        return pods.length === 2 ? pods : false;
      },
      15_000,
    );
    await kubectlOk(cluster(), ["patch", "job", name, "--type", "merge", "-p", '{"spec":{"suspend":true}}']);
    const suspended = await waitFor(
      "the job to be suspended with no pods",
      async () => {
        const j = await mustGetJob(cluster(), name);
        const pods = await listPods(cluster(), `job-name=${name}`);
        return condition(j, "Suspended") && pods.length === 0 && (j.status?.active ?? 0) === 0 ? j : false;
      },
      15_000,
    );
    expect(suspended.status?.failed ?? 0, "pods removed by suspension are not failures").toBe(0);
    const events = await eventsFor(cluster(), name);
    const deleted = events.filter((e) => e.reason === "SuccessfulDelete").map((e) => e.message);
    expect(deleted.sort()).toEqual(running.map((p) => `Deleted pod: ${p.metadata.name}`).sort());

    await kubectlOk(cluster(), ["patch", "job", name, "--type", "merge", "-p", '{"spec":{"suspend":false}}']);
    const job = await waitForJobFinished(cluster(), name, 30_000);
    expectCompleted(job, minor);
    expect(job.status?.succeeded).toBe(2);
    expect(job.status?.failed ?? 0).toBe(0);
  }, 60_000);
});
