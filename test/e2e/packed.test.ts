/**
 * Packed groups end to end: a group's rows as one Indexed Job, every item still an item
 * of its own in status, wait, logs, the reports and the timeline; retry, scale, suspend
 * and resume on it. (The pods' own mechanism — the resolver reading the rows ConfigMap —
 * runs in exec mode in exec-packed.test.ts.)
 */
import type { TestCluster } from "../cluster/index";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { jobNames, jobxAsync, requests, tempDir, useCluster } from "./helpers";

const dir = tempDir();
const clusterOf = useCluster();
let cluster: TestCluster;
beforeEach(() => {
  cluster = clusterOf();
});

/** A template whose pods behave as the test cluster's annotations say, per completion index once packed. */
function template(name: string, annotations: Record<string, string> = {}, spec = "  backoffLimit: 1"): string {
  const path = join(dir, `${name}.yaml.njk`);
  writeFileSync(
    path,
    `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}-{{ item }}
spec:
${spec}
  activeDeadlineSeconds: 3600
  ttlSecondsAfterFinished: 3600
  template:
    metadata:
      annotations:
${Object.entries(annotations).map(([k, v]) => `        fake.jobx.dev/${k}: ${JSON.stringify(v)}`).join("\n") || '        none: ""'}
    spec:
      restartPolicy: Never
      containers:
      - name: c
        image: busybox:1.36
        command: ["sh", "-c", "echo item $ITEM"]
        env:
        - name: ITEM
          value: {{ item | quote }}
        resources:
          requests: {cpu: 100m, memory: 64Mi}
          limits: {memory: 64Mi}
`,
  );
  return path;
}

const items = (n: number) => Array.from({ length: n }, (_, i) => `i${i}`).join(",");

async function objectsOf(group: string): Promise<string[]> {
  const r = await cluster.kubectl(["get", "jobs,configmaps", "-l", `jobx.dev/group=${group}`, "-o", "name"]);
  return r.stdout.trim().split("\n").filter(Boolean).sort();
}

describe("apply --pack", () => {
  it("ten items: one Indexed Job, its rows ConfigMap and the record — few objects, few writes; every item tracked", async () => {
    cluster.resetCounts();
    const run = await jobxAsync(cluster, ["apply", template("ten"), "--items", items(10), "--group", "ten", "--pack", "--parallelism", "3", "--wait", "--timeout", "60s"]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain("submitted 1 of 1 packed Job for 10 items (group ten)");
    expect(run.stderr).toContain("group ten: all 10 succeeded");
    expect(await objectsOf("ten")).toEqual(["configmap/ten", "configmap/ten-rows-0", "job.batch/ten"]);
    const writes = cluster.requestCounts().filter((c) => ["create", "patch", "update"].includes(c.verb) && ["jobs", "configmaps"].includes(c.resource)).reduce((n, c) => n + c.count, 0);
    expect(writes).toBeLessThanOrEqual(10);
    const job = JSON.parse((await cluster.kubectl(["get", "job", "ten", "-o", "json"])).stdout) as { spec: Record<string, unknown> };
    expect(job.spec).toMatchObject({ completionMode: "Indexed", completions: 10, parallelism: 3, backoffLimitPerIndex: 1, maxFailedIndexes: 10 });
    const status = JSON.parse((await jobxAsync(cluster, ["status", "ten", "-o", "json"])).stdout) as { members: { name: string; job: string; completionIndex: number; outcome: string }[] };
    expect(status.members).toHaveLength(10);
    expect(status.members[3]).toMatchObject({ name: "ten-i3", job: "ten", completionIndex: 3, outcome: "succeeded" });
  });

  it("one item fails: the others do not; wait exits 1; status, logs --failed, JUnit and the timeline are by item", async () => {
    const path = template("one", { "exit-codes-by-index": "2=1", log: "log of index $JOB_COMPLETION_INDEX" });
    const report = join(dir, "one.xml");
    const run = await jobxAsync(cluster, ["apply", path, "--items", items(5), "--group", "one", "--pack", "--wait", "--timeout", "90s", "--report", `junit=${report}`]);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toContain("group one: 1 of 5 failed");
    const status = await jobxAsync(cluster, ["status", "one"]);
    expect(status.stdout).toMatch(/^item=i2 +one\[2\] +0\/1 +0 +2 .*failed \(BackoffLimitExceeded\)$/m);
    expect(status.stdout.match(/succeeded \(Completed\)/g)).toHaveLength(4);
    expect(status.stdout).toContain("5 items: 4 succeeded, 1 failed");
    const logs = (await jobxAsync(cluster, ["logs", "one", "--failed"])).stdout.trim().split("\n");
    expect(logs).toHaveLength(2); // index 2 was tried twice (backoffLimit 1 per index)
    for (const line of logs) expect(line).toMatch(/^\[item=i2 one-2-\w+\] log of index 2$/);
    const junit = readFileSync(report, "utf8");
    expect(junit.match(/<testcase /g)).toHaveLength(5);
    expect(junit.match(/<failure /g)).toHaveLength(1);
    const timeline = await jobxAsync(cluster, ["timeline", "one", "--width", "100"]);
    expect(timeline.stdout).toMatch(/^item=i2 \[2\] attempt 2 /m);

    // retry runs that item alone, in a Job of its own, and keeps the earlier attempts.
    cluster.resetCounts();
    const retry = await jobxAsync(cluster, ["retry", "one", "--wait", "--timeout", "60s"]);
    expect(retry.status, retry.stderr).toBe(0);
    expect(retry.stderr).toContain("running 1 member of group one again: one-retry-1");
    const again = JSON.parse((await cluster.kubectl(["get", "job", "one-retry-1", "-o", "json"])).stdout) as { spec: { completions: number } };
    expect(again.spec.completions).toBe(1);
    const after = await jobxAsync(cluster, ["status", "one"]);
    expect(after.stdout).toMatch(/^item=i2 +one-retry-1\[0\] .*succeeded/m);
    const history = await jobxAsync(cluster, ["timeline", "one", "--width", "100"]);
    expect(history.stdout).toMatch(/^item=i2 \[0\] attempt 3 /m);
  });

  it("suspend, resume and scale a running packed group; a group of separate Jobs cannot be scaled", async () => {
    expect((await jobxAsync(cluster, ["apply", template("run", { "run-time": "600s" }), "--items", items(6), "--group", "run", "--pack", "--parallelism", "2"])).status).toBe(0);
    const scale = await jobxAsync(cluster, ["scale", "run", "--parallelism", "4"]);
    expect(scale.status, scale.stderr).toBe(0);
    expect(scale.stderr).toContain("group run: set parallelism 4 on 1 Job: run");
    const again = await jobxAsync(cluster, ["scale", "run", "--parallelism", "4"]);
    expect(again.stderr).toContain("set parallelism 4 on 0 Jobs, 1 already were");
    expect(JSON.parse((await cluster.kubectl(["get", "job", "run", "-o", "json"])).stdout).spec.parallelism).toBe(4);

    const suspend = await jobxAsync(cluster, ["suspend", "run"]);
    expect(suspend.status, suspend.stderr).toBe(0);
    expect(suspend.stderr).toContain("group run: suspended 1 Job: run");
    const listed = JSON.parse((await jobxAsync(cluster, ["list", "-o", "json"])).stdout) as { group: string; state: string }[];
    expect(listed.find((g) => g.group === "run")?.state).toBe("suspended");
    expect((await jobxAsync(cluster, ["status", "run", "-o", "json"])).stdout).toContain('"state": "suspended"');
    const resume = await jobxAsync(cluster, ["resume", "run"]);
    expect(resume.stderr).toContain("group run: resumed 1 Job: run");
    expect(JSON.parse((await cluster.kubectl(["get", "job", "run", "-o", "json"])).stdout).spec.suspend).toBe(false);

    expect((await jobxAsync(cluster, ["apply", template("sep"), "--items", "a,b", "--group", "sep"])).status).toBe(0);
    const refused = await jobxAsync(cluster, ["scale", "sep", "--parallelism", "2"]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("--pack --parallelism N");
  });

  it("a template that cannot be packed is refused with the field that differs, before anything is written", async () => {
    const path = template("img").replace("img.yaml.njk", "img2.yaml.njk");
    writeFileSync(path, readFileSync(template("img"), "utf8").replace("image: busybox:1.36", "image: busybox:{{ tag }}"));
    const run = await jobxAsync(cluster, ["apply", path, "--param", "item=a,b", "--param", "tag=1.36,1.37", "--zip", "--group", "img", "--pack"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("differ in spec.template.spec.containers[0].image");
    expect(run.stderr).toContain("fix: split the group");
    expect(await objectsOf("img")).toEqual([]);
  });

  it("expand --pack prints what apply --pack submits", async () => {
    const run = await jobxAsync(cluster, ["expand", template("show"), "--items", "a,b,c", "--group", "show", "--pack", "--per-pod", "2"]);
    expect(run.status, run.stderr).toBe(0);
    const kinds = run.stdout.split(/^---\n/m).filter(Boolean).map((d) => /^kind: (\w+)$/m.exec(d)?.[1]);
    expect(kinds).toEqual(["ConfigMap", "Job"]);
    expect(run.stdout).toMatch(/^ {2}completions: 2$/m);
  });

  it("packed, many rows are no thundering herd: --parallelism throttles the one Indexed Job", async () => {
    const many = await jobxAsync(cluster, ["expand", template("herd"), "--items", items(60), "--group", "herd", "--pack", "-q"]);
    expect(many.status, many.stderr).toBe(0);
    expect(many.stderr).not.toContain("[herd]");
    const separate = await jobxAsync(cluster, ["expand", template("herd"), "--items", items(60), "--group", "herd", "-q"]);
    expect(separate.stderr).toContain("[herd]");
  });

  it("a 30,000-row packed group is accepted by --dry-run=server", async () => {
    const rows = join(dir, "rows.csv");
    writeFileSync(rows, `item\n${Array.from({ length: 30_000 }, (_, i) => `item-${i}`).join("\n")}\n`);
    const run = await jobxAsync(cluster, ["apply", template("wide"), "--params", rows, "--group", "wide", "--pack", "--dry-run=server"], { timeoutMs: 180_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain("the cluster accepted 1 of 1 packed Job for 30000 items (group wide)");
    expect(await jobNames(cluster, "jobx.dev/group=wide")).toEqual([]);
    expect(requests(cluster, "create", "jobs")).toBeGreaterThan(0);
  }, 200_000);
});
