/**
 * Deleting Jobs: kubectl delete with each cascade mode, ttlSecondsAfterFinished, and
 * garbage collection through an ownerReference.
 *
 * Upstream truth:
 * - K: staging/src/k8s.io/kubectl/pkg/cmd/delete/delete.go — one DELETE per object with
 *   propagationPolicy Background / Foreground / Orphan (--cascade), prints
 *   `job.batch "x" deleted`, then waits until the object is gone (--wait default true).
 * - W: content/en/docs/concepts/architecture/garbage-collection.md — foreground: the owner
 *   gets a deletionTimestamp and the foregroundDeletion finalizer and is removed only after
 *   its blocking dependents; background: the owner goes at once, dependents after; orphan:
 *   dependents stay with the ownerReference removed; dependents whose owner is gone are
 *   collected.
 * - K: pkg/controller/garbagecollector/garbagecollector.go — orphanDependents removes the
 *   ownerReferences before the orphan finalizer is dropped.
 * - K: pkg/controller/ttlafterfinished/ttlafterfinished_controller.go — a finished Job is
 *   deleted (Foreground) once its finish time + ttlSecondsAfterFinished has passed.
 * - W: content/en/docs/concepts/workloads/controllers/ttlafterfinished.md.
 */
import { describe, expect, it } from "vitest";
import { useCluster } from "../../cluster/index";
import { missingClients, skipWithoutClient } from "../kubectl-clients";
import {
  VERSIONS,
  WatchRecorder,
  condition,
  getJob,
  jobManifest,
  kubectlOk,
  listJobs,
  listPods,
  manifestInput,
  requestCount,
  uniqueName,
  waitFor,
  waitForJobFinished,
  waitForJobGone,
  waitForWatches,
  type Job,
} from "./helpers";

// Each block needs the kubectl of its minor: the dispatcher picks it from /version; a
// stock kubectl runs one client for every server, so the other minors are skipped.
const missing = await missingClients(VERSIONS);

describe.each(VERSIONS)("Deleting Jobs with kubectl 1.%i", (minor) => {
  if (skipWithoutClient(missing, minor)) return;
  const cluster = useCluster({ minorVersion: minor, timeScale: 0.01 });

  /** Two finished jobs labelled group=G whose pods carry the same label. */
  async function finishedGroup(prefix: string): Promise<{ group: string; names: string[] }> {
    const group = uniqueName(prefix);
    const names = [uniqueName(`${prefix}-a`), uniqueName(`${prefix}-b`)];
    const input = manifestInput(...names.map((n) => jobManifest(n, { labels: { group }, podLabels: { group } })));
    await kubectlOk(cluster(), ["create", "-f", "-"], input);
    for (const n of names) await waitForJobFinished(cluster(), n, 30_000);
    expect(await listPods(cluster(), `group=${group}`)).toHaveLength(2);
    return { group, names };
  }

  // W: content/en/docs/concepts/architecture/garbage-collection.md (background).
  it("delete -l --cascade=background: the jobs are gone, their pods go after", async () => {
    const { group, names } = await finishedGroup("bg");
    const out = await kubectlOk(cluster(), ["delete", "job", "-l", `group=${group}`, "--cascade=background"]);
    expect(out.trim().split("\n").sort()).toEqual(names.map((n) => `job.batch "${n}" deleted`).sort());
    expect(await listJobs(cluster(), `group=${group}`)).toHaveLength(0);
    await waitFor("the pods of background-deleted jobs to be collected", async () => (await listPods(cluster(), `group=${group}`)).length === 0, 15_000);
  }, 60_000);

  // W: content/en/docs/concepts/architecture/garbage-collection.md (foreground).
  it("delete -l --cascade=foreground: the pods are gone before the jobs", async () => {
    const { group, names } = await finishedGroup("fg");
    const before = requestCount(cluster(), "watch", "jobs");
    const watch = new WatchRecorder<Job>(cluster(), ["get", "jobs", "-l", `group=${group}`]);
    try {
      await waitForWatches(cluster(), "jobs", before + 1);
      const out = await kubectlOk(cluster(), ["delete", "job", "-l", `group=${group}`, "--cascade=foreground"]);
      expect(out.trim().split("\n").sort()).toEqual(names.map((n) => `job.batch "${n}" deleted`).sort());
      // kubectl returned because the jobs are gone; foreground means the pods went first.
      expect(await listJobs(cluster(), `group=${group}`)).toHaveLength(0);
      expect(await listPods(cluster(), `group=${group}`), "pods left after a foreground delete").toHaveLength(0);
      await waitFor("DELETED events for both jobs", () => watch.events.filter((e) => e.type === "DELETED").length >= 2, 5_000);
      for (const n of names) {
        const marked = watch.events.find(
          (e) => e.type === "MODIFIED" && e.object.metadata.name === n && e.object.metadata.deletionTimestamp !== undefined,
        );
        expect(marked, `a MODIFIED event with deletionTimestamp for ${n}`).toBeDefined();
        expect(marked?.object.metadata.finalizers).toContain("foregroundDeletion");
      }
    } finally {
      await watch.stop();
    }
  }, 60_000);

  // W: content/en/docs/concepts/architecture/garbage-collection.md; job_controller.go canRemoveFinalizer.
  it("delete --cascade=foreground of a running job: its running pods are gone when kubectl returns", async () => {
    const name = uniqueName("fgrun");
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { completions: 3, parallelism: 3, runTime: "1h" })));
    await waitFor(
      "3 running pods",
      async () => (await listPods(cluster(), `job-name=${name}`)).filter((p) => p.status?.phase === "Running").length === 3,
      15_000,
    );
    const out = await kubectlOk(cluster(), ["delete", "job", name, "--cascade=foreground"], undefined, 40_000);
    expect(out.trim()).toBe(`job.batch "${name}" deleted`);
    expect(await getJob(cluster(), name)).toBeUndefined();
    expect(await listPods(cluster(), `job-name=${name}`)).toHaveLength(0);
  }, 60_000);

  // K: pkg/controller/garbagecollector/garbagecollector.go orphanDependents.
  it("delete -l --cascade=orphan: the pods remain, without ownerReferences", async () => {
    const { group, names } = await finishedGroup("orphan");
    const out = await kubectlOk(cluster(), ["delete", "job", "-l", `group=${group}`, "--cascade=orphan"]);
    expect(out.trim().split("\n").sort()).toEqual(names.map((n) => `job.batch "${n}" deleted`).sort());
    expect(await listJobs(cluster(), `group=${group}`)).toHaveLength(0);
    const pods = await listPods(cluster(), `group=${group}`);
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.metadata.ownerReferences ?? [], `ownerReferences of orphaned ${pod.metadata.name}`).toEqual([]);
      expect(pod.metadata.deletionTimestamp).toBeUndefined();
    }
  }, 60_000);

  // K: pkg/controller/ttlafterfinished/ttlafterfinished_controller.go.
  it("ttlSecondsAfterFinished: the job and its pods disappear after it finishes", async () => {
    const name = uniqueName("ttl");
    const before = requestCount(cluster(), "watch", "jobs");
    const watch = new WatchRecorder<Job>(cluster(), ["get", "jobs", "--field-selector", `metadata.name=${name}`]);
    try {
      await waitForWatches(cluster(), "jobs", before + 1);
      await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { ttlSecondsAfterFinished: 5, runTime: "50s" })));
      await waitForJobGone(cluster(), name, 20_000);
      expect(watch.events[0]?.type).toBe("ADDED");
      expect(watch.events[0]?.object.spec.ttlSecondsAfterFinished).toBe(5);
      await waitFor("the DELETED event", () => watch.events.some((e) => e.type === "DELETED"), 5_000);
      const finishedAt = watch.events.findIndex((e) => condition(e.object, "Complete") !== undefined);
      const deletedAt = watch.events.findIndex((e) => e.type === "DELETED");
      expect(finishedAt, "the job completed before the TTL controller deleted it").toBeGreaterThanOrEqual(0);
      expect(finishedAt).toBeLessThan(deletedAt);
      await waitFor("the TTL-deleted job's pods to go", async () => (await listPods(cluster(), `job-name=${name}`)).length === 0, 15_000);
    } finally {
      await watch.stop();
    }
  }, 60_000);

  // K: pkg/controller/ttlafterfinished/ttlafterfinished_controller.go (0 = at once).
  it("ttlSecondsAfterFinished 0: the job is deleted as soon as it finishes", async () => {
    const name = uniqueName("ttl0");
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { ttlSecondsAfterFinished: 0, runTime: "20s" })));
    await waitForJobGone(cluster(), name, 20_000);
    await waitFor("the TTL-deleted job's pods to go", async () => (await listPods(cluster(), `job-name=${name}`)).length === 0, 15_000);
  }, 45_000);

  // K: pkg/controller/garbagecollector/garbagecollector.go attemptToDeleteItem.
  it("garbage collection: a Job owned by a ConfigMap goes when the ConfigMap is deleted", async () => {
    const cm = uniqueName("owner");
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: cm }, data: { k: "v" } }));
    const owner = JSON.parse(await kubectlOk(cluster(), ["get", "configmap", cm, "-o", "json"])) as { metadata: { uid: string } };
    const name = uniqueName("owned");
    const manifest = jobManifest(name, {
      runTime: "10s",
      ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: cm, uid: owner.metadata.uid }],
    });
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(manifest));
    await waitForJobFinished(cluster(), name, 30_000);
    expect((await getJob(cluster(), name))?.metadata.ownerReferences?.[0]?.uid).toBe(owner.metadata.uid);
    await kubectlOk(cluster(), ["delete", "configmap", cm]);
    await waitForJobGone(cluster(), name, 20_000);
    await waitFor("the collected job's pods to go", async () => (await listPods(cluster(), `job-name=${name}`)).length === 0, 15_000);
  }, 60_000);

  // kubectl's typed clients (create configmap, among others) send protobuf bodies
  // (Content-Type application/vnd.kubernetes.protobuf); a real API server accepts them.
  // K: staging/src/k8s.io/kubectl/pkg/cmd/create/create_configmap.go,
  // K: staging/src/k8s.io/apimachinery/pkg/runtime/serializer/protobuf/protobuf.go
  it("kubectl create configmap (a typed-client command) creates the ConfigMap", async () => {
    const cm = uniqueName("imperative");
    const out = await kubectlOk(cluster(), ["create", "configmap", cm, "--from-literal=k=v"]);
    expect(out.trim()).toBe(`configmap/${cm} created`);
    const got = JSON.parse(await kubectlOk(cluster(), ["get", "configmap", cm, "-o", "json"])) as { data?: Record<string, string> };
    expect(got.data).toEqual({ k: "v" });
  });
});
