/**
 * Lifecycle benchmark: submitting N one-pod Jobs and waiting for all of them, two ways,
 * against the project's test cluster (run with `npx tsx bench/lifecycle.ts`; build jobx
 * first with `npm run build`).
 *
 *   jobx:  jobx apply TEMPLATE --params rows.ndjson --group G --wait --timeout 10m
 *   docs:  jobx expand TEMPLATE --params rows.ndjson --group G --out-dir DIR
 *          kubectl create -f DIR
 *          kubectl wait --for=condition=complete job -l jobx.dev/group=G --timeout=10m
 *          (the Kubernetes docs task "Parallel Processing using Expansions", as kubectl
 *          users run it)
 *
 * Every run gets a fresh test cluster, so neither approach inherits the other's objects,
 * caches or watch history. Runs alternate between the approaches. Each reports wall time
 * (submit, wait, total), kubectl processes started (through a counting shim used as
 * JOBX_KUBECTL and in place of kubectl), API requests per Job by verb, and how long after
 * the last Job finished the command exited. Figures are medians over BENCH_RUNS runs,
 * at N and at N/4 (to show what grows with N). Targets are printed with PASS/MISS; a MISS
 * never fails the process. A command that fails, or a run whose Jobs did not all succeed,
 * does (so a broken run cannot look fast).
 *
 * When the last Job finished: the test cluster writes Job timestamps (completionTime, the
 * Complete condition's lastTransitionTime) with one-second precision, as Kubernetes does,
 * so they only bound the exit delay to a one-second window. The bench therefore also
 * watches the group's Jobs itself (one in-process watch request, opened before the
 * request counts are reset, so it is not counted) and notes the moment each Job's
 * Complete condition arrives; that is the "last Job finished" used for the target.
 *
 * Environment:
 *   BENCH_JOBS=N        Jobs per run at the large size (default 1000; N/4 is the small size)
 *   BENCH_RUNS=R        runs per approach and size (default 3)
 *   BENCH_RUN_TIME=D    simulated run time of every pod (default "10m": 6 s real, so the last
 *                       Jobs are still running when submission ends and the wait is exercised)
 *   BENCH_TIME_SCALE=F  the test cluster's time scale (default 0.01)
 *   BENCH_ONLY=jobx|docs  run one approach only
 *   BENCH_DOCS_SMALL=1  also run the docs approach at N/4 (by default only jobx runs at N/4,
 *                       to show what does and does not grow with N)
 *   BENCH_VERBOSE=1     pass the commands' stderr through
 *   BENCH_CLUSTER=fake|real|both  the project's test cluster (default), the upstream
 *                       control plane (test/control-plane/, a fresh one per run, its pods
 *                       run by the node agent at the same time scale), or both, side by
 *                       side. On the real one, request counts come from the API server's
 *                       audit log and cover the namespace only (no discovery, /version,
 *                       OpenAPI), and Job timing is the real Job controller's.
 *   BENCH_REAL_RUNS=R   runs per approach and size on the real control plane (default BENCH_RUNS)
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { POD_BEHAVIOUR, startFakeCluster } from "../test/fake-cluster/index";
import { CLUSTERS, startCluster, type BenchCluster, type ClusterKind } from "./clusters";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const JOBX = join(ROOT, "bin", "jobx.js");

const positiveInt = (text: string | undefined, fallback: number): number => {
  const n = Number.parseInt(text ?? "", 10);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};
const N = positiveInt(process.env.BENCH_JOBS, 1000);
const N_SMALL = Math.max(1, Math.round(N / 4));
const RUNS = positiveInt(process.env.BENCH_RUNS, 3);
const RUN_TIME = process.env.BENCH_RUN_TIME || "10m";
const ONLY = process.env.BENCH_ONLY === "jobx" || process.env.BENCH_ONLY === "docs" ? process.env.BENCH_ONLY : undefined;
const VERBOSE = process.env.BENCH_VERBOSE === "1";
const TIME_SCALE = Number(process.env.BENCH_TIME_SCALE) > 0 ? Number(process.env.BENCH_TIME_SCALE) : 0.01;
const RUNS_ON = (kind: ClusterKind): number => (kind === "real" ? positiveInt(process.env.BENCH_REAL_RUNS, RUNS) : RUNS);
/** Each command gets this long before it is killed (past the commands' own 10m timeout). */
const COMMAND_LIMIT_MS = 15 * 60 * 1000;

const TARGETS = {
  writesPerJob: 1.05, // create + patch requests per Job, at most
  exitAfterLastMs: 1000, // command exit after the last Job finished, at most
};

const tmp = mkdtempSync(join(tmpdir(), "jobx-lifecycle-"));

// ---------------------------------------------------------------------------------------
// Inputs: a template whose pods run for RUN_TIME on the test cluster, and N parameter rows.

function writeTemplate(): string {
  const path = join(tmp, "work.yaml.njk");
  writeFileSync(
    path,
    `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ ("work-" ~ item) | quote }}
spec:
  backoffLimit: 0
  template:
    metadata:
      annotations:
        ${POD_BEHAVIOUR.runTime}: ${JSON.stringify(RUN_TIME)}
    spec:
      restartPolicy: Never
      containers:
      - name: c
        image: busybox:1.36
        command: ["sh", "-c", {{ ("echo processing " ~ item) | tojson }}]
`,
  );
  return path;
}

function writeRows(n: number): string {
  const path = join(tmp, `rows-${n}.ndjson`);
  const width = String(n - 1).length;
  let text = "";
  for (let i = 0; i < n; i++) text += `${JSON.stringify({ item: `i${String(i).padStart(width, "0")}` })}\n`;
  writeFileSync(path, text);
  return path;
}

// ---------------------------------------------------------------------------------------
// The kubectl shim: notes one line per process (start time and arguments), then runs the
// real kubectl with the same arguments.

function realKubectl(): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const p = join(dir || ".", "kubectl");
    if (existsSync(p)) return p;
  }
  throw new Error("kubectl is not on PATH");
}

const REAL_KUBECTL = realKubectl();
const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function makeShim(dir: string): { path: string; log: string } {
  const path = join(dir, "kubectl");
  const log = join(dir, "kubectl-processes.log");
  writeFileSync(log, "");
  writeFileSync(path, `#!/bin/sh\nprintf '%s\\n' "$*" >> ${shq(log)}\nexec ${shq(REAL_KUBECTL)} "$@"\n`);
  chmodSync(path, 0o755);
  return { path, log };
}

function shimProcesses(log: string): string[][] {
  return readFileSync(log, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => l.split(" "));
}

// ---------------------------------------------------------------------------------------
// Running a child process asynchronously (the test cluster answers from this process's
// event loop), with the exit time taken when the process exits.

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  startedAt: number;
  exitedAt: number;
  /** When a stderr line matching `mark` arrived, if one did. */
  markedAt?: number;
}

let current: ReturnType<typeof spawn> | undefined;
let interrupted = false;

function run(command: string, args: string[], env: Record<string, string>, mark?: RegExp): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const startedAt = now();
    const child = spawn(command, args, { cwd: tmp, env, stdio: ["ignore", "pipe", "pipe"] });
    current = child;
    let stdout = "";
    let stderr = "";
    let markedAt: number | undefined;
    let exitedAt: number | undefined;
    let pending = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      if (VERBOSE) process.stderr.write(d);
      if (mark && markedAt === undefined) {
        pending += d;
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        if (lines.some((l) => mark.test(l))) markedAt = now();
      }
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), COMMAND_LIMIT_MS);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("exit", () => (exitedAt = now()));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      current = undefined;
      resolve({ code, signal, stdout, stderr, startedAt, exitedAt: exitedAt ?? now(), markedAt });
    });
  });
}

function now(): number {
  return performance.timeOrigin + performance.now();
}

// ---------------------------------------------------------------------------------------
// The observer: one watch of the group's Jobs from this process, noting when each Job's
// Complete (or Failed) condition first arrives.

interface Observer {
  ready: Promise<void>;
  finishedAt: Map<string, { at: number; type: "Complete" | "Failed" }>;
  broken: () => string | undefined;
  stop: () => void;
}

interface JobJson {
  metadata: { name: string; labels?: Record<string, string> };
  status?: { completionTime?: string; succeeded?: number; conditions?: { type: string; status: string; lastTransitionTime?: string }[] };
}

function observe(cluster: BenchCluster, selector: string): Observer {
  const kubeconfig = readFileSync(cluster.kubeconfigPath, "utf8");
  const token = /^\s*token:\s*(\S+)\s*$/m.exec(kubeconfig)?.[1] ?? "";
  const caData = /^\s*certificate-authority-data:\s*(\S+)\s*$/m.exec(kubeconfig)?.[1];
  const finishedAt = new Map<string, { at: number; type: "Complete" | "Failed" }>();
  let broken: string | undefined;
  let stopped = false;
  let setReady: () => void = () => {};
  let failReady: (e: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    setReady = resolve;
    failReady = reject;
  });
  const url = new URL(`/apis/batch/v1/namespaces/default/jobs?watch=true&labelSelector=${encodeURIComponent(selector)}`, cluster.url);
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  const ca = caData ? Buffer.from(caData, "base64").toString() : undefined;
  const req = request(url, { headers: { Authorization: `Bearer ${token}`, Accept: "application/json" }, ...(ca ? { ca } : {}) }, (res) => {
    if (res.statusCode !== 200) {
      failReady(new Error(`the observer's watch got HTTP ${res.statusCode}`));
      res.resume();
      return;
    }
    setReady();
    let pending = "";
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      const at = now();
      pending += chunk;
      let nl = pending.indexOf("\n");
      while (nl >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        nl = pending.indexOf("\n");
        if (!line.trim()) continue;
        const event = JSON.parse(line) as { type: string; object: JobJson };
        if (event.type === "ERROR") {
          broken = `watch error: ${line.slice(0, 200)}`;
          continue;
        }
        const job = event.object;
        for (const c of job.status?.conditions ?? []) {
          if ((c.type === "Complete" || c.type === "Failed") && c.status === "True" && !finishedAt.has(job.metadata.name)) {
            finishedAt.set(job.metadata.name, { at, type: c.type });
          }
        }
      }
    });
    res.on("end", () => {
      if (!stopped) broken = "the watch ended early";
    });
  });
  req.on("error", (err) => {
    if (!stopped) {
      broken = `watch failed: ${err.message}`;
      failReady(err);
    }
  });
  req.end();
  return {
    ready,
    finishedAt,
    broken: () => broken,
    stop: () => {
      stopped = true;
      req.destroy();
    },
  };
}

// ---------------------------------------------------------------------------------------
// One run of one approach on a fresh cluster.

type Approach = "jobx" | "docs";

interface RunResult {
  cluster: ClusterKind;
  approach: Approach;
  n: number;
  submitMs: number;
  waitMs: number;
  totalMs: number;
  /** For the docs approach: the part of submit spent writing manifests. */
  expandMs?: number;
  kubectlTotal: number;
  kubectlSubmit: number;
  kubectlWait: number;
  /** requests per verb (all resources), divided by n */
  perJob: Record<string, number>;
  writesPerJob: number;
  /** exit − the last Job's Complete condition as seen by the observer (ms) */
  exitAfterLastMs: number;
  /** the same bounded by the one-second timestamps: [low, high] ms */
  exitAfterStampMs: [number, number];
}

class CommandFailed extends Error {}

/** What the cluster and the observer saw, for a run that failed. */
async function diagnose(cluster: BenchCluster, observer: Observer, selector: string, n: number, shimLog: string): Promise<string> {
  const lines: string[] = [];
  const seen = [...observer.finishedAt.values()];
  lines.push(`--- the observer saw ${seen.filter((s) => s.type === "Complete").length} Jobs complete and ${seen.filter((s) => s.type === "Failed").length} failed of ${n}${observer.broken() ? `; its watch broke: ${observer.broken()}` : ""}`);
  const got = await cluster.kubectl(["get", "jobs", "-l", selector, "-o", "json"], { timeoutMs: 120_000 });
  if (got.exitCode === 0) {
    const jobs = (JSON.parse(got.stdout) as { items: JobJson[] }).items;
    const open = jobs.filter((j) => !j.status?.conditions?.some((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True"));
    lines.push(`--- the cluster holds ${jobs.length} Jobs of the group, ${open.length} not finished`);
    for (const j of open.slice(0, 3)) lines.push(`${j.metadata.name}: ${JSON.stringify(j.status)}`);
  } else {
    lines.push(`--- listing the Jobs failed: ${got.stderr.trim()}`);
  }
  const processes = shimProcesses(shimLog);
  lines.push(`--- ${processes.length} kubectl processes: ${[...new Set(processes.map((p) => p.slice(0, 2).join(" ")))].map((k) => `${processes.filter((p) => p.slice(0, 2).join(" ") === k).length}× ${k}`).join(", ")}`);
  return lines.join("\n");
}

function describeFailure(what: string, f: Finished): string {
  const tail = (s: string) => s.trim().split("\n").slice(-15).join("\n");
  return `${what} ${f.signal ? `was killed (${f.signal})` : `exited ${f.code}`}\n--- stdout (tail)\n${tail(f.stdout)}\n--- stderr (tail)\n${tail(f.stderr)}`;
}

async function runOnce(kind: ClusterKind, approach: Approach, n: number, template: string, rows: string, index: number): Promise<RunResult> {
  const dir = mkdtempSync(join(tmp, `${kind}-${approach}-${n}-${index}-`));
  const group = `bench-${approach}-${index}`;
  const selector = `jobx.dev/group=${group}`;
  const shim = makeShim(dir);
  const cluster = await startCluster(kind, TIME_SCALE, VERBOSE);
  let observer: Observer | undefined;
  try {
    const env = { ...cluster.env, NO_COLOR: "1" };
    observer = observe(cluster, selector);
    await observer.ready;
    cluster.resetCounts();

    let submitEnd: number;
    let exitedAt: number;
    let startedAt: number;
    let expandMs: number | undefined;
    // jobx creates the Jobs that are new and applies its own changed ones.
    const submitVerbs = approach === "jobx" ? ["create", "apply"] : ["create"];
    const waitVerbs = approach === "jobx" ? ["get"] : ["wait"];

    try {
      if (approach === "jobx") {
        const f = await run(
          process.execPath,
          [JOBX, "apply", template, "--params", rows, "--group", group, "--wait", "--timeout", "10m"],
          { ...env, JOBX_KUBECTL: shim.path },
          /submitted \d+ of \d+ Jobs/,
        );
        if (f.code !== 0) throw new CommandFailed(describeFailure("jobx apply --wait", f));
        if (!f.stderr.includes(`submitted ${n} of ${n} Jobs`)) throw new CommandFailed(describeFailure(`jobx apply did not report ${n} Jobs submitted:`, f));
        if (!f.stderr.includes(`group ${group}: all ${n} succeeded`)) throw new CommandFailed(describeFailure(`jobx apply did not report all ${n} succeeded:`, f));
        startedAt = f.startedAt;
        submitEnd = f.markedAt ?? f.exitedAt;
        exitedAt = f.exitedAt;
      } else {
        const out = join(dir, "manifests");
        const e = await run(process.execPath, [JOBX, "expand", template, "--params", rows, "--group", group, "--out-dir", out, "-q"], env);
        if (e.code !== 0) throw new CommandFailed(describeFailure("jobx expand --out-dir", e));
        const files = readdirSync(out).length;
        if (files !== n) throw new CommandFailed(`jobx expand wrote ${files} files, not ${n}`);
        const c = await run(shim.path, ["create", "-f", out], env);
        if (c.code !== 0) throw new CommandFailed(describeFailure("kubectl create -f DIR", c));
        const created = c.stdout.split("\n").filter((l) => / created$/.test(l)).length;
        if (created !== n) throw new CommandFailed(describeFailure(`kubectl create reported ${created} created, not ${n}:`, c));
        const w = await run(shim.path, ["wait", "--for=condition=complete", "job", "-l", selector, "--timeout=10m"], env);
        if (w.code !== 0) throw new CommandFailed(describeFailure("kubectl wait", w));
        const met = w.stdout.split("\n").filter((l) => / condition met$/.test(l)).length;
        if (met !== n) throw new CommandFailed(describeFailure(`kubectl wait reported ${met} conditions met, not ${n}:`, w));
        startedAt = e.startedAt;
        expandMs = e.exitedAt - e.startedAt;
        submitEnd = c.exitedAt;
        exitedAt = w.exitedAt;
      }
    } catch (err) {
      if (err instanceof CommandFailed) throw new CommandFailed(`${err.message}\n${await diagnose(cluster, observer, selector, n, shim.log)}`);
      throw err;
    }

    // Counts first (the checks below make requests of their own).
    const counts = cluster.requestCounts();
    const processes = shimProcesses(shim.log);

    // Sanity: every Job exists and succeeded, by the cluster's own account and the observer's.
    const got = await cluster.kubectl(["get", "jobs", "-l", selector, "-o", "json"], { timeoutMs: 120_000 });
    if (got.exitCode !== 0) throw new CommandFailed(`listing the Jobs afterwards failed: ${got.stderr}`);
    const jobs = (JSON.parse(got.stdout) as { items: JobJson[] }).items;
    const complete = jobs.filter((j) => j.status?.conditions?.some((c) => c.type === "Complete" && c.status === "True") && j.status?.succeeded === 1);
    if (jobs.length !== n || complete.length !== n) throw new CommandFailed(`${approach}: the cluster holds ${jobs.length} Jobs of the group, ${complete.length} complete; expected ${n} and ${n}`);
    if (observer.broken()) throw new CommandFailed(`${approach}: the observer's watch broke (${observer.broken()})`);
    const seen = [...observer.finishedAt.values()];
    if (seen.length !== n || seen.some((s) => s.type !== "Complete")) {
      throw new CommandFailed(`${approach}: the observer saw ${seen.filter((s) => s.type === "Complete").length} Jobs complete of ${n}`);
    }
    const lastComplete = Math.max(...seen.map((s) => s.at));
    if (lastComplete > exitedAt) {
      throw new CommandFailed(`${approach}: the command exited ${Math.round(lastComplete - exitedAt)} ms before the last Job completed`);
    }
    // The same from the timestamps: the last Complete condition's lastTransitionTime is
    // the second in which it happened, so the true delay lies in (exit − T − 1 s, exit − T].
    const stamp = Math.max(
      ...complete.map((j) => Date.parse(j.status?.conditions?.find((c) => c.type === "Complete")?.lastTransitionTime ?? j.status?.completionTime ?? "")),
    );

    const perVerb: Record<string, number> = {};
    for (const c of counts) perVerb[c.verb] = (perVerb[c.verb] ?? 0) + c.count;
    const perJob: Record<string, number> = {};
    for (const [verb, count] of Object.entries(perVerb)) perJob[verb] = count / n;
    const writes = (perVerb.create ?? 0) + (perVerb.patch ?? 0);

    return {
      cluster: kind,
      approach,
      n,
      submitMs: submitEnd - startedAt,
      waitMs: exitedAt - submitEnd,
      totalMs: exitedAt - startedAt,
      expandMs,
      kubectlTotal: processes.length,
      kubectlSubmit: processes.filter((p) => submitVerbs.includes(p[0] ?? "")).length,
      kubectlWait: processes.filter((p) => waitVerbs.includes(p[0] ?? "")).length,
      perJob,
      writesPerJob: writes / n,
      exitAfterLastMs: exitedAt - lastComplete,
      exitAfterStampMs: [Math.max(0, exitedAt - stamp - 1000), exitedAt - stamp],
    };
  } finally {
    observer?.stop();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------
// Reporting.

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const num = (x: number, digits = 2) => (Number.isInteger(x) ? String(x) : x.toFixed(digits));
const verdict = (ok: boolean) => (ok ? "PASS" : "MISS");

interface Summary {
  cluster: ClusterKind;
  approach: Approach;
  n: number;
  runs: RunResult[];
  m: (pick: (r: RunResult) => number) => number;
  verbs: string[];
}

function summarise(cluster: ClusterKind, approach: Approach, n: number, runs: RunResult[]): Summary {
  const verbs = [...new Set(runs.flatMap((r) => Object.keys(r.perJob)))];
  return { cluster, approach, n, runs, m: (pick) => median(runs.map(pick)), verbs };
}

const VERB_ORDER = ["create", "patch", "update", "get", "list", "watch", "delete", "deletecollection", "discovery", "openapi", "version", "other"];

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("   ");
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function report(summaries: Summary[]): void {
  const cols = summaries.map((s) => `${CLUSTERS.length > 1 ? `${s.cluster} ` : ""}${s.approach} N=${s.n}`);
  const row = (label: string, f: (s: Summary) => string) => [label, ...summaries.map(f)];
  const verbs = VERB_ORDER.filter((v) => summaries.some((s) => s.verbs.includes(v))).concat(summaries.flatMap((s) => s.verbs).filter((v) => !VERB_ORDER.includes(v)));
  const rows: string[][] = [
    row("wall: submit", (s) => secs(s.m((r) => r.submitMs))),
    row("  of which expand", (s) => (s.approach === "docs" ? secs(s.m((r) => r.expandMs ?? 0)) : "-")),
    row("wall: wait", (s) => secs(s.m((r) => r.waitMs))),
    row("wall: total", (s) => secs(s.m((r) => r.totalMs))),
    row("kubectl processes: total", (s) => num(s.m((r) => r.kubectlTotal))),
    row("  submitting", (s) => num(s.m((r) => r.kubectlSubmit))),
    row("  waiting", (s) => num(s.m((r) => r.kubectlWait))),
    ...[...new Set(verbs)].map((v) => row(`requests/Job: ${v}`, (s) => num(s.m((r) => r.perJob[v] ?? 0), 3))),
    row("create+patch requests/Job", (s) => num(s.m((r) => r.writesPerJob), 3)),
    row("exit after last Job done", (s) => `${Math.round(s.m((r) => r.exitAfterLastMs))} ms`),
    row("  by 1 s timestamps", (s) => `${secs(s.m((r) => r.exitAfterStampMs[0]))}..${secs(s.m((r) => r.exitAfterStampMs[1]))}`),
  ];
  console.log(table(["median", ...cols], rows));

  for (const kind of CLUSTERS) targets(kind, summaries.filter((s) => s.cluster === kind && s.approach === "jobx"));
}

function targets(kind: ClusterKind, jobx: Summary[]): void {
  const big = jobx.find((s) => s.n === N);
  const small = jobx.find((s) => s.n === N_SMALL);
  if (!big) return;
  console.log(`\nTargets (jobx, on the ${kind === "fake" ? "test cluster" : "real control plane"}):`);
  for (const s of jobx) {
    const w = s.m((r) => r.writesPerJob);
    console.log(`  ${verdict(w <= TARGETS.writesPerJob)}  create/apply requests per Job at N=${s.n}: ${num(w, 3)} (target ≤ ${TARGETS.writesPerJob})`);
  }
  if (small && small.n !== big.n) {
    const a = big.m((r) => r.kubectlWait);
    const b = small.m((r) => r.kubectlWait);
    const maxBig = Math.max(...big.runs.map((r) => r.kubectlWait));
    const maxSmall = Math.max(...small.runs.map((r) => r.kubectlWait));
    // Not growing with N: the most at N is no more than the most at N/4. (Fewer is possible:
    // when every Job has finished before the first list, no watch is started at all.)
    console.log(`  ${verdict(maxBig <= maxSmall)}  kubectl processes while waiting independent of N: ${num(b)} at N=${small.n}, ${num(a)} at N=${big.n} (medians; most in a run ${maxSmall} and ${maxBig})`);
  } else {
    console.log(`  (kubectl processes while waiting: ${num(big.m((r) => r.kubectlWait))} at N=${big.n}; a second size is needed to compare)`);
  }
  for (const s of jobx) {
    const lag = s.m((r) => r.exitAfterLastMs);
    console.log(`  ${verdict(lag <= TARGETS.exitAfterLastMs)}  exit after the last Job finished at N=${s.n}: ${Math.round(lag)} ms (target ≤ ${TARGETS.exitAfterLastMs} ms; worst run ${Math.round(Math.max(...s.runs.map((r) => r.exitAfterLastMs)))} ms)`);
  }
}

function machineFacts(kubectlVersion: string, serverClient: string): void {
  const cpu = cpus();
  console.log("jobx lifecycle benchmark");
  console.log(`  cores: ${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown"}; memory ${(totalmem() / 2 ** 30).toFixed(1)} GiB; load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  console.log(`  node ${process.version}; kubectl client ${kubectlVersion}${serverClient ? `; against the test cluster: ${serverClient}` : ""}`);
  console.log(`  Jobs: N=${N} and N/4=${N_SMALL}; ${CLUSTERS.map((k) => `${RUNS_ON(k)} run(s) on the ${k === "fake" ? "test cluster" : "real control plane"}`).join(", ")} per approach and size, a fresh cluster per run`);
  console.log(`  pods: run-time ${RUN_TIME} at time scale ${TIME_SCALE} (${(parseDurationMs(RUN_TIME) * TIME_SCALE / 1000).toFixed(2)} s real), one pod per Job`);
  console.log("  jobx:  jobx apply TEMPLATE --params rows.ndjson --group G --wait --timeout 10m");
  console.log("  docs:  jobx expand TEMPLATE --params rows.ndjson --group G --out-dir DIR; kubectl create -f DIR;");
  console.log("         kubectl wait --for=condition=complete job -l jobx.dev/group=G --timeout=10m");
  console.log("");
}

function parseDurationMs(text: string): number {
  let ms = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) ms += Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "ms" | "s" | "m" | "h"]);
  return ms;
}

async function kubectlVersions(): Promise<[string, string]> {
  const local = spawnSync(REAL_KUBECTL, ["version", "--client", "-o", "json"], { encoding: "utf8" });
  let client = "unknown";
  try {
    client = (JSON.parse(local.stdout) as { clientVersion: { gitVersion: string } }).clientVersion.gitVersion;
  } catch {
    client = local.stdout.trim().split("\n")[0] ?? "unknown";
  }
  // The client that actually talks to the test cluster (a dispatching kubectl picks it by
  // the server's version).
  const cluster = await startFakeCluster({ timeScale: TIME_SCALE });
  try {
    const r = await cluster.kubectl(["version", "-o", "json"]);
    const v = JSON.parse(r.stdout) as { clientVersion?: { gitVersion: string }; serverVersion?: { gitVersion: string } };
    return [client, `client ${v.clientVersion?.gitVersion ?? "?"}, server ${v.serverVersion?.gitVersion ?? "?"}`];
  } catch {
    return [client, ""];
  } finally {
    await cluster.stop();
  }
}

// ---------------------------------------------------------------------------------------

async function main(): Promise<number> {
  if (!existsSync(join(ROOT, "dist"))) {
    console.error("jobx is not built: run `npm run build` first");
    return 2;
  }
  const [client, serverClient] = await kubectlVersions();
  machineFacts(client, serverClient);
  const template = writeTemplate();
  const sizes = N_SMALL === N ? [N] : [N_SMALL, N];
  const approaches = (ONLY ? [ONLY] : ["jobx", "docs"]) as Approach[];
  const runsAt = (n: number): Approach[] => approaches.filter((a) => n === N || a === "jobx" || process.env.BENCH_DOCS_SMALL === "1");
  const results: RunResult[] = [];
  for (const kind of CLUSTERS) for (const n of sizes) {
    const rows = writeRows(n);
    for (let i = 0; i < RUNS_ON(kind) && !interrupted; i++) {
      for (const approach of runsAt(n)) {
        if (interrupted) break;
        const r = await runOnce(kind, approach, n, template, rows, i);
        results.push(r);
        console.log(
          `  ${kind} ${approach} N=${n} run ${i + 1}/${RUNS_ON(kind)}: submit ${secs(r.submitMs)}, wait ${secs(r.waitMs)}, total ${secs(r.totalMs)}, ` +
            `kubectl ${r.kubectlTotal} (${r.kubectlWait} waiting), create+patch/Job ${num(r.writesPerJob, 3)}, exit after last ${Math.round(r.exitAfterLastMs)} ms`,
        );
      }
    }
  }
  if (interrupted) return 130;
  console.log("");
  const summaries: Summary[] = [];
  for (const kind of CLUSTERS) for (const n of sizes) for (const a of runsAt(n)) summaries.push(summarise(kind, a, n, results.filter((r) => r.cluster === kind && r.n === n && r.approach === a)));
  report(summaries);
  console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(2)).join(" ")} (other work on the machine slows submission; kubectl wait's per-Job cost is mostly fixed delays)`);
  console.log("\nNotes: one fresh test cluster per run, so discovery and the OpenAPI document are fetched again each time;");
  console.log("the observer's own watch request is not counted; 'exit after last Job done' uses the moment the Job's");
  console.log("Complete condition reached an in-process watch (ms precision); the timestamps bound it within one second.");
  return 0;
}

process.on("SIGINT", () => {
  interrupted = true;
  current?.kill("SIGTERM");
});

let exitCode = 1;
try {
  exitCode = await main();
} catch (err) {
  if (err instanceof CommandFailed) console.error(`\nFAILED: ${err.message}`);
  else console.error(err);
  exitCode = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(exitCode);
