/**
 * A property of ownership: whatever stands in the namespace — objects with random names
 * from the group's own name pool, its labels or another group's, owners or none, made
 * by kubectl or by another jobx group — applying group G (with --replace), deleting it,
 * and applying it with --wait --cleanup always never change or delete an object that is
 * not G's. The one kind of pre-existing object that is G's: a Job as `jobx expand`
 * writes it, applied by hand with no owner, which `jobx delete G` may delete while G has
 * no record. Each run gets a namespace of its own on the test cluster.
 */
import fc from "fast-check";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jobxAsync, tempDir, useCluster } from "./helpers";

const dir = tempDir();
const clusterOf = useCluster();
/** Names the group's Jobs take (item ∈ POOL), so what stands in the way really collides. */
const POOL = ["p0", "p1", "p2", "p3"];

const template = join(dir, "pool.yaml.njk");
writeFileSync(
  template,
  `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ item }}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: c
        image: busybox
`,
);

interface Stand {
  kind: "Job" | "ConfigMap";
  name: string;
  /** expand-member: a Job as `jobx expand` writes it (the group's labels and an item), applied by hand. */
  labels: "none" | "group" | "expand-member" | "other-group" | "record-of-group" | "record-of-other";
  owner: "none" | "foreign-configmap";
}

const stand = fc.record({
  kind: fc.constantFrom<Stand["kind"]>("Job", "ConfigMap"),
  name: fc.constantFrom(...POOL, "g", "x"),
  labels: fc.constantFrom<Stand["labels"]>("none", "group", "expand-member", "other-group", "record-of-group", "record-of-other"),
  owner: fc.constantFrom<Stand["owner"]>("none", "foreign-configmap"),
});

function labelsOf(s: Stand): Record<string, string> {
  const jobx = (group: string) => ({ "app.kubernetes.io/managed-by": "jobx", "jobx.dev/group": group });
  switch (s.labels) {
    case "none":
      return { made: "by-hand" };
    case "group":
      return jobx("g");
    case "expand-member":
      return { ...jobx("g"), "jobx.dev/item": "0" };
    case "other-group":
      return jobx("other");
    case "record-of-group":
      return { ...jobx("g"), "jobx.dev/record": "true" };
    case "record-of-other":
      return { ...jobx("other"), "jobx.dev/record": "true" };
  }
}

describe("ownership (property)", () => {
  it("apply, --replace, delete and --cleanup of a group never change or delete what is not the group's", async () => {
    const cluster = clusterOf();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(stand, { selector: (s) => `${s.kind}/${s.name}`, maxLength: 6 }), fc.subarray(POOL, { minLength: 1 }), async (stands, items) => {
        const ns = `own-${run++}`;
        expect((await cluster.kubectl(["create", "namespace", ns])).exitCode).toBe(0);
        const k = (args: string[], input?: string) => cluster.kubectl([...args, "-n", ns], input === undefined ? {} : { input });
        // A ConfigMap that foreign objects may be owned by.
        await k(["create", "configmap", "someone-else"]);
        const ownerUid = (await k(["get", "configmap", "someone-else", "-o", "jsonpath={.metadata.uid}"])).stdout;
        for (const s of stands) {
          const metadata = {
            name: s.name,
            labels: labelsOf(s),
            ...(s.owner === "foreign-configmap" ? { ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "someone-else", uid: ownerUid }] } : {}),
          };
          const object =
            s.kind === "Job"
              ? { apiVersion: "batch/v1", kind: "Job", metadata, spec: { backoffLimit: 0, template: { spec: { restartPolicy: "Never", containers: [{ name: "theirs", image: "busybox" }] } } } }
              : { apiVersion: "v1", kind: "ConfigMap", metadata, data: { theirs: "data" } };
          expect((await k(["create", "-f", "-"], JSON.stringify(object))).exitCode).toBe(0);
        }
        const snapshot = async () => {
          const out = (await k(["get", "jobs,configmaps", "-o", "json"])).stdout;
          // What a change by jobx would touch: for a Job its metadata and spec (the Job
          // controller writes its status as it runs, on a real cluster), for a ConfigMap anything.
          type Obj = { kind: string; metadata: { name: string; uid: string; resourceVersion: string; generation?: number; labels?: unknown; annotations?: unknown; ownerReferences?: unknown }; spec?: unknown };
          const fingerprint = (o: Obj): string =>
            o.kind === "Job" ? JSON.stringify([o.metadata.uid, o.metadata.generation, o.metadata.labels, o.metadata.annotations, o.metadata.ownerReferences, o.spec]) : o.metadata.resourceVersion;
          return new Map((JSON.parse(out) as { items: Obj[] }).items.map((o) => [`${o.kind}/${o.metadata.name}`, fingerprint(o)]));
        };
        const before = await snapshot();
        const groupsOwn = new Set(stands.filter((s) => s.kind === "Job" && s.labels === "expand-member" && s.owner === "none").map((s) => `Job/${s.name}`));
        const args = ["-n", ns, "--group", "g", "--items", items.join(",")];
        const runs = [
          await jobxAsync(cluster, ["apply", template, ...args, "--replace", "-y"]),
          await jobxAsync(cluster, ["delete", "g", "-n", ns, "--yes", "--ignore-not-found"]),
          await jobxAsync(cluster, ["apply", template, ...args, "--wait", "--timeout", "30s", "--cleanup", "always"]),
        ];
        // Only refusals and success: never a bug, never a cluster error.
        for (const r of runs) expect([0, 1, 7], r.stderr).toContain(r.status);
        const after = await snapshot();
        for (const [key, print] of before) {
          if (key === "ConfigMap/kube-root-ca.crt" || groupsOwn.has(key)) continue;
          // None of these were the group's: each still stands, unchanged.
          expect(after.get(key), `${ns}: ${key} was deleted`).toBeDefined();
          expect(after.get(key), `${ns}: ${key} was changed`).toBe(print);
        }
        await cluster.kubectl(["delete", "namespace", ns, "--wait=false"]);
      }),
      { numRuns: 12 },
    );
  }, 600_000);
});
