import type { TestCluster } from "../cluster/index";
import { beforeEach, describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { behaviourTemplate, jobNames, jobxAsync, requests, tempDir, useCluster } from "./helpers";

const dir = tempDir();
const clusterOf = useCluster();
let cluster: TestCluster;
beforeEach(() => {
  cluster = clusterOf();
});

const sel = (group: string) => `jobx.dev/group=${group}`;

describe("apply → status → wait → logs → delete", () => {
  it("runs a group from submission to cleanup", async () => {
    const template = behaviourTemplate(dir, "fruit", { runTime: "2s", log: "processing $ITEM\nline two of $ITEM" });
    const apply = await jobxAsync(cluster, ["apply", template, "--items", "apple,banana,cherry", "--group", "fruit"]);
    expect(apply.status, apply.stderr).toBe(0);
    expect(apply.stderr).toContain("submitted 3 of 3 Jobs (group fruit)");
    expect(await jobNames(cluster, sel("fruit"))).toEqual(["fruit-apple", "fruit-banana", "fruit-cherry"]);

    // The record exists and owns every Job.
    const cm = JSON.parse((await cluster.kubectl(["get", "configmap", "fruit", "-o", "json"])).stdout) as { metadata: { uid: string; labels: Record<string, string> }; data: Record<string, string> };
    expect(cm.metadata.labels["jobx.dev/record"]).toBe("true");
    expect(JSON.parse(cm.data["members.json"] ?? "[]")).toHaveLength(3);
    const job = JSON.parse((await cluster.kubectl(["get", "job", "fruit-apple", "-o", "json"])).stdout) as { metadata: { ownerReferences: { kind: string; uid: string }[] } };
    expect(job.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: "ConfigMap", name: "fruit", uid: cm.metadata.uid })]);

    const wait = await jobxAsync(cluster, ["wait", "fruit", "--timeout", "60s"]);
    expect(wait.status, wait.stderr).toBe(0);
    expect(wait.stderr).toContain("group fruit: all 3 succeeded");

    const status = await jobxAsync(cluster, ["status", "fruit", "-o", "json"]);
    const parsed = JSON.parse(status.stdout) as { counts: { succeeded: number }; members: { params: { item: string }; outcome: string; reason: string }[] };
    expect(parsed.counts.succeeded).toBe(3);
    expect(parsed.members.map((m) => [m.params.item, m.outcome, m.reason])).toEqual([
      ["apple", "succeeded", "CompletionsReached"],
      ["banana", "succeeded", "CompletionsReached"],
      ["cherry", "succeeded", "CompletionsReached"],
    ]);
    const table = await jobxAsync(cluster, ["status", "fruit"]);
    expect(table.stdout).toMatch(/^item=apple +fruit-apple +1\/1 +0 +0 +\S+ +succeeded \(CompletionsReached\)$/m);

    const logs = await jobxAsync(cluster, ["logs", "fruit"]);
    expect(logs.status, logs.stderr).toBe(0);
    const lines = logs.stdout.trim().split("\n");
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^\[item=apple fruit-apple-[a-z0-9]{5}\] processing apple$/);
    expect(lines[5]).toMatch(/^\[item=cherry fruit-cherry-[a-z0-9]{5}\] line two of cherry$/);

    const outDir = join(dir, "logs");
    expect((await jobxAsync(cluster, ["logs", "fruit", "--item", "item=banana", "--out-dir", outDir])).status).toBe(0);
    expect(readdirSync(outDir)).toEqual(["fruit-banana"]);
    const [file] = readdirSync(join(outDir, "fruit-banana"));
    expect(readFileSync(join(outDir, "fruit-banana", file ?? ""), "utf8")).toBe("processing banana\nline two of banana\n");

    const list = await jobxAsync(cluster, ["list"]);
    expect(list.stdout).toMatch(/^fruit +3 +3 +0 +0 +succeeded/m);

    const refused = await jobxAsync(cluster, ["delete", "fruit"]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("needs --yes when not on a terminal");

    const del = await jobxAsync(cluster, ["delete", "fruit", "--yes", "--wait"]);
    expect(del.status, del.stderr).toBe(0);
    expect(await jobNames(cluster, sel("fruit"))).toEqual([]);
    const pods = await cluster.kubectl(["get", "pods", "-l", sel("fruit"), "-o", "name"]);
    expect(pods.stdout.trim()).toBe("");
    expect((await cluster.kubectl(["get", "configmap", "fruit", "--ignore-not-found", "-o", "name"])).stdout.trim()).toBe("");

    const again = await jobxAsync(cluster, ["delete", "fruit", "--yes"]);
    expect(again.status).toBe(6);
    expect(again.stderr).toContain("no group fruit to delete");
    const ignored = await jobxAsync(cluster, ["delete", "fruit", "--yes", "--ignore-not-found"]);
    expect(ignored.status, ignored.stderr).toBe(0);
    expect(ignored.stderr).toContain("nothing to delete");
  });

  it("re-running the same apply creates nothing twice: one create per new Job, nothing for unchanged ones", async () => {
    const template = behaviourTemplate(dir, "twice", {});
    cluster.resetCounts();
    expect((await jobxAsync(cluster, ["apply", template, "--items", "a,b,c,d", "--group", "twice"])).status).toBe(0);
    expect(requests(cluster, "create", "jobs")).toBe(4);
    expect(requests(cluster, "patch", "jobs")).toBe(0);
    cluster.resetCounts();
    const again = await jobxAsync(cluster, ["apply", template, "--items", "a,b,c,d,e", "--group", "twice"]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain("submitted 5 of 5 Jobs (group twice): 1 created, 4 unchanged");
    expect(requests(cluster, "create", "jobs")).toBe(1);
    expect(requests(cluster, "patch", "jobs")).toBe(0);
    expect(await jobNames(cluster, sel("twice"))).toEqual(["twice-a", "twice-b", "twice-c", "twice-d", "twice-e"]);
  });

  it("a changed template meets immutable Jobs: named plainly, then --replace recreates only those", async () => {
    const template = behaviourTemplate(dir, "mut", {});
    expect((await jobxAsync(cluster, ["apply", template, "--items", "a,b", "--group", "mut"])).status).toBe(0);
    const changed = behaviourTemplate(dir, "mut", { runTime: "1s" });
    const refused = await jobxAsync(cluster, ["apply", changed, "--items", "a,b", "--group", "mut"]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("mut-a (item 0");
    expect(refused.stderr).toContain("immutable: spec.template: field is immutable");
    expect(refused.stderr).toContain("Re-run with --replace");
    const replaced = await jobxAsync(cluster, ["apply", changed, "--items", "a,b", "--group", "mut", "--replace", "--yes"]);
    expect(replaced.status, replaced.stderr).toBe(0);
    const job = JSON.parse((await cluster.kubectl(["get", "job", "mut-a", "-o", "json"])).stdout) as { spec: { template: { metadata: { annotations: Record<string, string> } } } };
    expect(job.spec.template.metadata.annotations["fake.jobx.dev/run-time"]).toBe("1s");
  });

  it("--dry-run=client prints the manifests (or the plan) and sends nothing; --dry-run=server stores nothing", async () => {
    const template = behaviourTemplate(dir, "dry", {});
    cluster.resetCounts();
    const client = await jobxAsync(cluster, ["apply", template, "--items", "a,b", "--group", "dry", "--dry-run=client"]);
    expect(client.status, client.stderr).toBe(0);
    const docs = client.stdout.split(/^---\n/m).filter(Boolean);
    expect(docs.map((d) => /^kind: (\w+)$/m.exec(d)?.[1])).toEqual(["ConfigMap", "Job", "Job"]);
    expect(client.stdout).toMatch(/^ {2}name: dry-a$/m);
    const plan = await jobxAsync(cluster, ["apply", template, "--items", "a,b", "--group", "dry", "--dry-run=client", "--show-plan"]);
    expect(plan.stdout).toContain("kubectl create --field-manager=jobx -f - -o name");
    expect(plan.stdout).toContain("job.batch/dry-a");
    expect(cluster.requestCounts().reduce((n, c) => n + c.count, 0)).toBe(0);
    const server = await jobxAsync(cluster, ["apply", template, "--items", "a,b", "--group", "dry", "--dry-run=server"]);
    expect(server.status, server.stderr).toBe(0);
    expect(server.stderr).toContain("the cluster accepted 2 of 2 Jobs");
    expect(await jobNames(cluster, sel("dry"))).toEqual([]);
  });

  it("apply --wait --cleanup on-success: one command for CI that submits, waits and cleans up", async () => {
    const template = behaviourTemplate(dir, "ci", { runTime: "1s" });
    const run = await jobxAsync(cluster, ["apply", template, "--items", "x,y", "--group", "ci", "--wait", "--timeout", "1m", "--cleanup", "on-success"]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain("group ci: all 2 succeeded");
    expect(await jobNames(cluster, sel("ci"))).toEqual([]);
  });
});
