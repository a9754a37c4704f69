/**
 * Writes test/fixtures/timeline/*.json: groups run by the built jobx on the test cluster,
 * captured as the API objects the timeline reads (the group's record, Jobs and pods), so
 * the pure timeline tests read real objects without a cluster. The captures are
 * committed; timestamps differ on every run, so run this only to change what they show.
 *
 *   npm run capture:timeline                   # builds jobx, rewrites test/fixtures/timeline/
 *   npx tsx scripts/capture-timeline.ts --out DIR
 *
 * Each capture carries the figures it must give (`expect`), which
 * test/group/timeline.test.ts checks. The drawings of the captures are file snapshots
 * (test/ui/__snapshots__/timeline/): after a new capture, review them and update them
 * with `npx vitest run test/ui/timeline.test.ts -u`.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startFakeCluster, type FakeCluster } from "../test/fake-cluster/index";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const JOBX = join(ROOT, "bin/jobx.js");

const { values } = parseArgs({ options: { out: { type: "string" } } });
const OUT = resolve(values.out ?? join(ROOT, "test/fixtures/timeline"));

/** Pod behaviour per row: cold start, run time and exit codes come from the parameters. */
function rowTemplate(dir: string, name: string, spec: string, restartPolicy = "Never"): string {
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

/** The built jobx against the cluster, as a user runs it. */
function jobx(cluster: FakeCluster, args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [JOBX, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...cluster.env, NO_COLOR: "1" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", fail);
    child.on("close", (status) => done({ status, stderr }));
  });
}

async function apply(cluster: FakeCluster, args: string[]): Promise<void> {
  const r = await jobx(cluster, ["apply", ...args]);
  if (r.status !== 0) throw new Error(`jobx apply ${args.join(" ")} exited ${r.status}:\n${r.stderr}`);
}

async function waitFor(cluster: FakeCluster, group: string): Promise<void> {
  await jobx(cluster, ["wait", group, "-q", "--timeout", "2m"]);
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
  writeFileSync(join(OUT, file), `${JSON.stringify(input, null, 1)}\n`);
  console.log(`wrote ${join(OUT, file)}`);
}

/** Waves, retries and a running group at time scale 1. */
async function wavesRetriesRunning(dir: string): Promise<void> {
  const cluster = await startFakeCluster({ timeScale: 1 });
  try {
    const waves = rowTemplate(dir, "waves", "  completions: 8\n  parallelism: 4\n  backoffLimit: 0");
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
    await apply(cluster, [rowTemplate(dir, "retries", "  backoffLimit: 1"), "--params", rows, "--group", "retries"]);
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
    await apply(cluster, [rowTemplate(dir, "running", "  backoffLimit: 0"), "--params", running, "--group", "running"]);
    await new Promise((r) => setTimeout(r, 3500));
    await save(cluster, "running", "running.json", { pods: 3, failedPods: 0, retries: 0, peakConcurrency: 1, peakActive: 3, parallelismLimit: 3 });
  } finally {
    await cluster.stop();
  }
}

/** An OnFailure restart in place (the kubelet's 10 s back-off, scaled). */
async function restartInPlace(dir: string): Promise<void> {
  const cluster = await startFakeCluster({ timeScale: 0.2 });
  try {
    const template = rowTemplate(dir, "restart", "  backoffLimit: 2", "OnFailure");
    await apply(cluster, [template, "--items", "x", "--set", "cold=5s", "--set", "run=5s", "--set", "exit=1,0", "--group", "restart"]);
    await waitFor(cluster, "restart");
    await save(cluster, "restart", "restart.json", { pods: 1, failedPods: 0, retries: 0, restarts: 1 });
  } finally {
    await cluster.stop();
  }
}

if (!existsSync(join(ROOT, "dist/cli.js"))) {
  console.error("dist/cli.js is missing: the captures run the built jobx. Run `npm run build` first (`npm run capture:timeline` does).");
  process.exit(1);
}
mkdirSync(OUT, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), "jobx-capture-"));
try {
  await wavesRetriesRunning(dir);
  await restartInPlace(dir);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
