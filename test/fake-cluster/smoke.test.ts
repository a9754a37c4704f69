/** Drives the real kubectl against the test cluster: the basics every other suite relies on. */
import { existsSync } from "node:fs";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POD_BEHAVIOUR, startFakeCluster, type FakeCluster } from "./index";

const TIME_SCALE = 0.01;

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function jobYaml(name: string, extra: { spec?: string; annotations?: Record<string, string> } = {}): string {
  const ann = Object.entries(extra.annotations ?? {}).map(([k, v]) => `        ${k}: ${JSON.stringify(v)}`).join("\n");
  return `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
  labels: {suite: smoke}
spec:
${extra.spec ?? ""}
  template:
    metadata:
      annotations:
${ann || "        none: \"\""}
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox
        command: ["sh", "-c", "echo hello from $JOB_COMPLETION_INDEX"]
`;
}

function get(url: string, accept?: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: accept ? { accept } : {} }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]), body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("test cluster smoke", () => {
  let cluster: FakeCluster;

  beforeAll(async () => {
    cluster = await startFakeCluster({ timeScale: TIME_SCALE });
  });

  afterAll(async () => {
    if (!cluster) return;
    const { kubeconfigPath, cacheDir } = cluster;
    await cluster.stop();
    expect(existsSync(kubeconfigPath)).toBe(false);
    expect(existsSync(cacheDir)).toBe(false);
  });

  it("kubectl get ns lists default", async () => {
    const r = await cluster.kubectl(["get", "ns", "-o", "name"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain("namespace/default");
  });

  it("answers /version and aggregated discovery", async () => {
    const v = await get(`${cluster.url}/version`);
    expect(JSON.parse(v.body)).toMatchObject({ major: "1", minor: "32", gitVersion: "v1.32.0" });
    const agg = await get(`${cluster.url}/apis`, "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json");
    expect(agg.type).toBe("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
    expect(JSON.parse(agg.body).items[0].metadata.name).toBe("batch");
  });

  it("a Job created with kubectl completes and its pods log", async () => {
    const name = "smoke-indexed";
    const create = await cluster.kubectl(["create", "-f", "-"], {
      input: jobYaml(name, {
        spec: "  completions: 3\n  parallelism: 2\n  completionMode: Indexed",
        annotations: { [POD_BEHAVIOUR.runTime]: "2s", [POD_BEHAVIOUR.log]: "index $JOB_COMPLETION_INDEX" },
      }),
    });
    expect(create.exitCode, create.stderr).toBe(0);
    expect(create.stdout.trim()).toBe(`job.batch/${name} created`);
    const job = await until("the job to complete", async () => {
      const r = await cluster.kubectl(["get", "job", name, "-o", "json"]);
      const j = JSON.parse(r.stdout) as { status?: { conditions?: { type: string; status: string }[]; succeeded?: number; completedIndexes?: string } };
      return j.status?.conditions?.some((c) => c.type === "Complete" && c.status === "True") ? j : undefined;
    }, 20_000);
    expect(job.status?.succeeded).toBe(3);
    expect(job.status?.completedIndexes).toBe("0-2");
    const logs = await cluster.kubectl(["logs", "-l", `job-name=${name}`, "--prefix"]);
    expect(logs.exitCode, logs.stderr).toBe(0);
    expect(logs.stdout.split("\n").filter(Boolean).sort()).toEqual(
      [0, 1, 2].map((i) => expect.stringMatching(new RegExp(`^\\[pod/${name}-${i}-[a-z0-9]{5}/main\\] index ${i}$`))),
    );
  });

  it("errors come back in kubectl's words", async () => {
    const missing = await cluster.kubectl(["get", "job", "nope"]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr.trim()).toBe('Error from server (NotFound): jobs.batch "nope" not found');
    const bad = await cluster.kubectl(["create", "-f", "-"], { input: jobYaml("bad-field", { spec: "  foo: 1" }) });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('strict decoding error: unknown field "spec.foo"');
  });

  it("counts requests and injects faults", async () => {
    cluster.resetCounts();
    cluster.setFaults({ failNext: { count: 1, status: 500, verbs: ["list"], resources: ["configmaps"] } });
    const r = await cluster.kubectl(["get", "configmaps"]);
    cluster.clearFaults();
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("InternalError");
    expect(cluster.requestCounts()).toContainEqual({ verb: "list", resource: "configmaps", count: 1 });
  });

  it("kubectl is killed at its timeout", async () => {
    const r = await cluster.kubectl(["get", "pods", "-w"], { timeoutMs: 1500 });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain("timed out");
  });
});
