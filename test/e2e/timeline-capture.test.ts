/**
 * Captures groups run on the test cluster as timeline fixtures
 * (test/fixtures/timeline/*.json), so the pure timeline tests read real API objects
 * without a cluster. Skipped unless JOBX_CAPTURE_TIMELINE=1: the captures are committed,
 * and timestamps differ on every run.
 *
 *   JOBX_CAPTURE_TIMELINE=1 npx vitest run test/e2e/timeline-capture.test.ts
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { startFakeCluster, type FakeCluster } from "../fake-cluster/index";
import { jobxAsync, tempDir } from "./helpers";

const OUT = new URL("../fixtures/timeline/", import.meta.url);
const capture = process.env.JOBX_CAPTURE_TIMELINE === "1";
const dir = tempDir();

/** Pod behaviour per row: cold start, run time and exit codes come from the parameters. */
function rowTemplate(name: string, spec: string, restartPolicy = "Never"): string {
  const path = join(dir, `${name}.yaml.njk`);
  writeFileSync(
    path,
    `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ ("${name}-" ~ item) | quote }}
spec:
${spec}
  template:
    metadata:
      annotations:
        fake.jobx.dev/cold-start: {{ cold | quote }}
        fake.jobx.dev/run-time: {{ run | quote }}
        fake.jobx.dev/exit-codes: {{ exit | quote }}
    spec:
      restartPolicy: ${restartPolicy}
      containers:
      - name: c
        image: busybox
        command: ["sh", "-c", "echo {{ item }}"]
`,
  );
  return path;
}

async function list(cluster: FakeCluster, args: string[]): Promise<unknown[]> {
  const r = await cluster.kubectl(["get", ...args, "-o", "json"]);
  if (r.exitCode !== 0) throw new Error(r.stderr);
  return (JSON.parse(r.stdout) as { items: unknown[] }).items;
}

async function save(cluster: FakeCluster, group: string, file: string, expect: Record<string, unknown>): Promise<void> {
  const selector = `app.kubernetes.io/managed-by=jobx,jobx.dev/group=${group}`;
  const cm = JSON.parse((await cluster.kubectl(["get", "configmap", group, "-o", "json"])).stdout) as { data: Record<string, string> };
  const members = (JSON.parse(cm.data["members.json"] ?? "[]") as [string, number, Record<string, unknown>][]).map(([name, index, params]) => ({ name, index, params }));
  const [jobs, pods] = await Promise.all([list(cluster, ["jobs", "-l", selector]), list(cluster, ["pods", "-l", selector])]);
  const input = { group, record: { members }, jobs, pods, now: Date.now(), expect };
  writeFileSync(new URL(file, OUT), `${JSON.stringify(input, null, 1)}\n`);
}

async function apply(cluster: FakeCluster, args: string[]): Promise<void> {
  const r = await jobxAsync(cluster, ["apply", ...args]);
  if (r.status !== 0) throw new Error(r.stderr);
}

async function waitFor(cluster: FakeCluster, group: string): Promise<void> {
  await jobxAsync(cluster, ["wait", group, "-q", "--timeout", "2m"]);
}

if (!capture) console.warn("timeline fixture capture skipped: it rewrites test/fixtures/timeline/ and runs only with JOBX_CAPTURE_TIMELINE=1");

describe.skipIf(!capture)("capture timeline fixtures", () => {
  it("waves, retries and a running group at time scale 1", { timeout: 120_000 }, async () => {
    const cluster = await startFakeCluster({ timeScale: 1 });
    try {
      const waves = rowTemplate("waves", "  completions: 8\n  parallelism: 4\n  backoffLimit: 0");
      await apply(cluster, [waves, "--items", "pi", "--set", "cold=1s", "--set", "run=2s", "--set", "exit=0", "--group", "waves"]);

      const rows = join(dir, "retries.json");
      writeFileSync(
        rows,
        JSON.stringify([
          { item: "a", cold: "1s", run: "1s", exit: "0" },
          { item: "b", cold: "1s", run: "1s", exit: "1,0" },
          { item: "c", cold: "1s", run: "1s", exit: "3" },
        ]),
      );
      await apply(cluster, [rowTemplate("retries", "  backoffLimit: 1"), "--params", rows, "--group", "retries"]);
      await Promise.all([waitFor(cluster, "waves"), waitFor(cluster, "retries")]);
      await save(cluster, "waves", "waves.json", { pods: 8, failedPods: 0, retries: 0, peakConcurrency: 4, parallelismLimit: 4 });
      await save(cluster, "retries", "retries.json", { pods: 5, failedPods: 3, retries: 2, parallelismLimit: 3, hints: ["cold start is 50% of pod time: coarsen the work — more items per pod — as the Kubernetes docs advise"] });

      const running = join(dir, "running.json");
      writeFileSync(
        running,
        JSON.stringify([
          { item: "done", cold: "0s", run: "1s", exit: "0" },
          { item: "busy", cold: "1s", run: "1h", exit: "0" },
          { item: "cold", cold: "1h", run: "1s", exit: "0" },
        ]),
      );
      await apply(cluster, [rowTemplate("running", "  backoffLimit: 0"), "--params", running, "--group", "running"]);
      await new Promise((r) => setTimeout(r, 3500));
      await save(cluster, "running", "running.json", { pods: 3, failedPods: 0, retries: 0, peakConcurrency: 1, peakActive: 3, parallelismLimit: 3 });
    } finally {
      await cluster.stop();
    }
  });

  it("an OnFailure restart in place (the kubelet's 10 s back-off, scaled)", { timeout: 120_000 }, async () => {
    const cluster = await startFakeCluster({ timeScale: 0.2 });
    try {
      const template = rowTemplate("restart", "  backoffLimit: 2", "OnFailure");
      await apply(cluster, [template, "--items", "x", "--set", "cold=5s", "--set", "run=5s", "--set", "exit=1,0", "--group", "restart"]);
      await waitFor(cluster, "restart");
      await save(cluster, "restart", "restart.json", { pods: 1, failedPods: 0, retries: 0, restarts: 1 });
    } finally {
      await cluster.stop();
    }
  });
});
