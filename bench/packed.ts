/**
 * Packed-groups benchmark: 10,000 items on the test cluster, three ways, side by side —
 * one Job per row, `--pack`, and `--pack --per-pod 10` (run with `npm run bench:packed`).
 *
 * For each: the API objects the group created (Jobs and ConfigMaps; pods not counted),
 * API requests by verb (from the cluster's own counts), kubectl processes jobx started
 * (a counting shim as JOBX_KUBECTL), the submit time, the time to the last item finished,
 * and `jobx status` on the finished group (median of three). Then `status` of a finished
 * packed group of 100,000 items, and the record of a 1,000,000-row group: written with
 * `apply --pack --dry-run=server`, and read back (its ConfigMaps parsed again) in process.
 *
 * Targets (issue: ten thousand items without ten thousand Jobs), printed PASS/MISS — a
 * MISS never fails the run; a command that fails, or a group that does not all succeed,
 * does:
 *   packed: at most 5 API objects and at most 10 write requests;
 *   status of the packed group under 2 s; packed submit under a tenth of one-Job-per-row.
 *
 * Environment: BENCH_ITEMS (10000), BENCH_BIG (100000), BENCH_RECORD (1000000),
 * BENCH_TIME_SCALE (0.01), BENCH_SKIP_BIG=1 to skip the 100,000 and 1,000,000 parts,
 * BENCH_CLUSTER=fake|real|both (bench/clusters.ts): the 10,000-item shapes and the
 * 1,000,000-row dry run on each, side by side; the 100,000-item group on the test cluster.
 */
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseRecord, recordConfigMaps, type GroupRecord } from "../src/group/record";
import { CLUSTERS, startCluster, type ClusterKind } from "./clusters";

const ROOT = new URL("..", import.meta.url).pathname;
const JOBX = join(ROOT, "bin/jobx.js");
const int = (text: string | undefined, fallback: number) => (text && /^\d+$/.test(text) ? Number(text) : fallback);
const ITEMS = int(process.env.BENCH_ITEMS, 10_000);
const BIG = int(process.env.BENCH_BIG, 100_000);
const RECORD_ROWS = int(process.env.BENCH_RECORD, 1_000_000);
const TIME_SCALE = Number(process.env.BENCH_TIME_SCALE) > 0 ? Number(process.env.BENCH_TIME_SCALE) : 0.01;
const tmp = mkdtempSync(join(tmpdir(), "jobx-bench-packed-"));

const TEMPLATE = join(tmp, "item.yaml.njk");
writeFileSync(
  TEMPLATE,
  `apiVersion: batch/v1
kind: Job
metadata:
  name: item-{{ item }}
spec:
  backoffLimit: 1
  activeDeadlineSeconds: 3600
  ttlSecondsAfterFinished: 86400
  template:
    metadata:
      annotations:
        fake.jobx.dev/run-time: "1s"
    spec:
      restartPolicy: Never
      containers:
      - name: work
        image: busybox:1.36
        command: ["sh", "-c", "echo processing $ITEM"]
        env:
        - name: ITEM
          value: {{ item | quote }}
        resources:
          requests: {cpu: 100m, memory: 64Mi}
          limits: {memory: 64Mi}
`,
);

function rowsFile(n: number): string {
  const path = join(tmp, `rows-${n}.csv`);
  if (!existsSync(path)) writeFileSync(path, `item\n${Array.from({ length: n }, (_, i) => String(i).padStart(7, "0")).join("\n")}\n`);
  return path;
}

function realKubectl(): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) if (existsSync(join(dir || ".", "kubectl"))) return join(dir || ".", "kubectl");
  throw new Error("kubectl is not on PATH");
}
const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
function shim(dir: string): { path: string; count: () => number } {
  const path = join(dir, "kubectl");
  const log = join(dir, "processes.log");
  writeFileSync(log, "");
  writeFileSync(path, `#!/bin/sh\necho x >> ${shq(log)}\nexec ${shq(realKubectl())} "$@"\n`);
  chmodSync(path, 0o755);
  return { path, count: () => readFileSync(log, "utf8").split("\n").filter(Boolean).length };
}

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [JOBX, ...args], { cwd: tmp, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr, ms: performance.now() - start }));
  });
}

function must(result: { code: number | null; stderr: string }, what: string): void {
  if (result.code !== 0) throw new Error(`${what} exited ${result.code}:\n${result.stderr.slice(-3000)}`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

interface Shape {
  name: string;
  flags: string[];
}

interface Figures {
  cluster: ClusterKind;
  shape: string;
  objects: number;
  writes: number;
  requests: Record<string, number>;
  processes: number;
  submitMs: number;
  doneMs: number;
  statusMs: number;
}

async function measure(kind: ClusterKind, shape: Shape, n: number): Promise<Figures> {
  const cluster = await startCluster(kind, TIME_SCALE);
  try {
    const dir = mkdtempSync(join(tmp, "shim-"));
    const counting = shim(dir);
    const env = { ...cluster.env, JOBX_KUBECTL: counting.path, NO_COLOR: "1" } as Record<string, string>;
    const group = `g-${shape.name}`;
    cluster.resetCounts();
    const apply = await run(["apply", TEMPLATE, "--params", rowsFile(n), "--group", group, "-q", ...shape.flags], env);
    must(apply, `apply (${shape.name})`);
    const wait = await run(["wait", group, "--timeout", "60m", "-q"], env);
    must(wait, `wait (${shape.name})`);
    const requests: Record<string, number> = {};
    for (const c of cluster.requestCounts()) requests[c.verb] = (requests[c.verb] ?? 0) + c.count;
    const writes = cluster.requestCounts().filter((c) => ["create", "update", "patch", "delete"].includes(c.verb) && ["jobs", "configmaps"].includes(c.resource)).reduce((a, c) => a + c.count, 0);
    const processes = counting.count();
    const objects = (await cluster.kubectl(["get", "jobs,configmaps", "-l", `jobx.dev/group=${group}`, "-o", "name"])).stdout.trim().split("\n").filter(Boolean).length;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const status = await run(["status", group, "-o", "json"], env);
      must(status, `status (${shape.name})`);
      const parsed = JSON.parse(status.stdout) as { counts: { succeeded: number; total: number } };
      if (parsed.counts.succeeded !== n) throw new Error(`status (${shape.name}) says ${parsed.counts.succeeded} of ${n} succeeded`);
      statuses.push(status.ms);
    }
    return { cluster: kind, shape: shape.name, objects, writes, requests, processes, submitMs: apply.ms, doneMs: apply.ms + wait.ms, statusMs: median(statuses) };
  } finally {
    await cluster.stop();
  }
}

async function main(): Promise<void> {
  const lines: string[] = [`# packed groups: ${ITEMS.toLocaleString("en-US")} items on ${CLUSTERS.map((k) => (k === "fake" ? "the test cluster" : "the real control plane")).join(" and ")} (time scale ${TIME_SCALE}), each pod 1 s (simulated)`];
  const shapes: Shape[] = [
    { name: "per-row", flags: [] },
    { name: "pack", flags: ["--pack", "--parallelism", "100"] },
    { name: "pack-per-pod-10", flags: ["--pack", "--per-pod", "10", "--parallelism", "100"] },
  ];
  const results: Figures[] = [];
  for (const kind of CLUSTERS) {
    for (const shape of shapes) {
      process.stderr.write(`measuring ${shape.name} on ${kind}…\n`);
      const started = performance.now();
      results.push(await measure(kind, shape, ITEMS));
      process.stderr.write(`  ${shape.name} on ${kind}: done in ${s(performance.now() - started)}\n`);
    }
  }
  lines.push("");
  lines.push("| cluster | | objects | write requests | requests by verb | kubectl processes | submit | last item finished | status |");
  lines.push("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const r of results) {
    const verbs = Object.entries(r.requests).sort().map(([v, c]) => `${v} ${c}`).join(", ");
    lines.push(`| ${r.cluster} | ${r.shape} | ${r.objects} | ${r.writes} | ${verbs} | ${r.processes} | ${s(r.submitMs)} | ${s(r.doneMs)} | ${s(r.statusMs)} |`);
  }
  const verdict = (ok: boolean) => (ok ? "PASS" : "MISS");
  for (const kind of CLUSTERS) {
    const rowWise = results.find((r) => r.cluster === kind && r.shape === "per-row") as Figures;
    const packed = results.find((r) => r.cluster === kind && r.shape === "pack") as Figures;
    lines.push("", `on the ${kind === "fake" ? "test cluster" : "real control plane"}:`);
    lines.push(`target: packed, at most 5 API objects: ${packed.objects} — ${verdict(packed.objects <= 5)}`);
    lines.push(`target: packed, at most 10 write requests: ${packed.writes} — ${verdict(packed.writes <= 10)}`);
    lines.push(`target: status of the packed group under 2 s: ${s(packed.statusMs)} — ${verdict(packed.statusMs < 2000)}`);
    lines.push(`target: packed submit under a tenth of one Job per row: ${s(packed.submitMs)} against ${s(rowWise.submitMs)} (${(packed.submitMs / rowWise.submitMs).toFixed(3)}×) — ${verdict(packed.submitMs < rowWise.submitMs / 10)}`);
  }

  // What is measured so far is printed now: the large parts below take long.
  process.stdout.write(`${lines.join("\n")}\n`);
  lines.length = 0;
  if (process.env.BENCH_SKIP_BIG !== "1") {
    process.stderr.write(`measuring a ${BIG.toLocaleString("en-US")}-item packed group…\n`);
    const big = await measure("fake", { name: "pack-big", flags: ["--pack", "--parallelism", "500"] }, BIG);
    lines.push("");
    lines.push(`${BIG.toLocaleString("en-US")} items packed: ${big.objects} objects, ${big.writes} writes, submit ${s(big.submitMs)}, last item ${s(big.doneMs)}, status ${s(big.statusMs)}`);

    for (const kind of CLUSTERS) {
      process.stderr.write(`writing the record of ${RECORD_ROWS.toLocaleString("en-US")} rows (server-side dry run) on ${kind}…\n`);
      const cluster = await startCluster(kind, TIME_SCALE);
      try {
        const dry = await run(["apply", TEMPLATE, "--params", rowsFile(RECORD_ROWS), "--group", "million", "--pack", "--dry-run=server", "-q"], { ...cluster.env, NO_COLOR: "1" } as Record<string, string>);
        must(dry, `apply --dry-run=server of a million rows on ${kind}`);
        lines.push(`${RECORD_ROWS.toLocaleString("en-US")} rows packed, --dry-run=server on ${kind}: ${s(dry.ms)} (accepted: the record, its parts, the rows ConfigMaps and ${Math.ceil(RECORD_ROWS / 100_000)} Indexed Jobs)`);
      } finally {
        await cluster.stop();
      }
    }
    const record: GroupRecord = {
      group: "million",
      template: "item.yaml.njk",
      templateHash: "0",
      appliedAt: new Date().toISOString(),
      appliedBy: "bench",
      jobxVersion: "0",
      pack: { perPod: 1, jobs: [], rows: [] },
      members: Array.from({ length: RECORD_ROWS }, (_, i) => ({ name: `item-${String(i).padStart(7, "0")}`, index: i, params: { item: String(i).padStart(7, "0") }, packed: { job: `million-${Math.floor(i / 100_000)}`, at: i % 100_000 } })),
    };
    const t0 = performance.now();
    const { main, parts } = recordConfigMaps(record);
    const t1 = performance.now();
    const back = parseRecord(JSON.parse(JSON.stringify(main)), "million", JSON.parse(JSON.stringify(parts)));
    const t2 = performance.now();
    if (back?.members.length !== RECORD_ROWS) throw new Error("the million-row record did not read back whole");
    const bytes = [main, ...parts].reduce((n, cm) => n + JSON.stringify(cm).length, 0);
    lines.push(`the record of ${RECORD_ROWS.toLocaleString("en-US")} rows: 1 ConfigMap and ${parts.length} parts, ${(bytes / 1024 / 1024).toFixed(1)} MiB as JSON; written in ${s(t1 - t0)}, read back whole in ${s(t2 - t1)}`);
  }
  process.stdout.write(`${lines.join("\n")}\n`);
  rmSync(tmp, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
