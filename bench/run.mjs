#!/usr/bin/env node
/**
 * Benchmark for `jobx expand` (run with `npm run bench`, which builds first).
 *
 * Measures, side by side on the same generated parameter rows:
 *   - jobx's full pipeline (render, parse, check, name, label, print YAML),
 *   - jobx --raw (render only),
 *   - the baseline: python3 + Jinja2 rendering the same template once per row in one process,
 *   - the docs' sed loop (one sed per item, one file per Job), at 1,000 rows only;
 * then the full pipeline at 1,000,000 rows (the streaming/memory check) and start-up
 * time against kubectl. Figures are medians of several runs; targets are printed with
 * PASS/MISS. A MISS never fails the process; a command that fails does.
 *
 * Environment:
 *   BENCH_RUNS=N          runs per measurement at every size (default 5 at 1k and 10k, 3 at 100k)
 *   BENCH_QUICK=1         skip the 1,000,000-row run
 *   BENCH_STARTUP_RUNS=N  runs of each start-up command (default 15)
 *   BENCH_MILLION_LIMIT=S stop the 1,000,000-row run after S seconds (default 420); its peak so far is reported
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fmtInt, fmtMiB, fmtRatio, fmtSec, median, measurer, out, RSS_METHOD, table, verdict } from "./measure.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bench = join(root, "bench");
const JOBX = [process.execPath, join(root, "bin", "jobx.js")];
const NJK = join(bench, "docs-like.yaml.njk");
const J2 = join(bench, "docs-like.j2");
const SED_TEMPLATE = join(bench, "job-tmpl.yaml");
const JINJA2_SCRIPT = join(bench, "render_jinja2.py");

const SIZES = [1_000, 10_000, 100_000];
const MILLION = 1_000_000;
const envRuns = Number.parseInt(process.env.BENCH_RUNS ?? "", 10);
const runsFor = (rows) => (envRuns > 0 ? envRuns : rows >= 100_000 ? 3 : 5);
const QUICK = process.env.BENCH_QUICK === "1";
const STARTUP_RUNS = Number.parseInt(process.env.BENCH_STARTUP_RUNS ?? "", 10) > 0 ? Number.parseInt(process.env.BENCH_STARTUP_RUNS, 10) : 15;
const TIMEOUT_MS = 10 * 60 * 1000;
const MILLION_LIMIT_S = Number.parseInt(process.env.BENCH_MILLION_LIMIT ?? "", 10) > 0 ? Number.parseInt(process.env.BENCH_MILLION_LIMIT, 10) : 420;

const TARGETS = {
  fullVsJinja2: 1.5, // full pipeline at 100k rows, time ratio to Jinja2, at most
  rawVsJinja2: 1.0, // --raw at 100k rows, time ratio to Jinja2, at most
  millionPeakMiB: 200, // peak RSS at 1,000,000 rows, below
  versionVsKubectl: 1.5, // `jobx --version` against `kubectl version --client`, at most
};

const tmp = mkdtempSync(join(tmpdir(), "jobx-bench-"));

const { measure, failed, fail } = measurer(tmp, root, { timeoutMs: TIMEOUT_MS });

// ---------------------------------------------------------------------------------------
// Inputs

function capture(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", ...opts });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** An items file: a CSV with the header `item` and values item-000000, item-000001, … */
function itemsFile(rows) {
  const path = join(tmp, `items-${rows}.csv`);
  const fd = openSync(path, "w");
  writeSync(fd, "item\n");
  const width = Math.max(6, String(rows - 1).length);
  const chunk = 10_000;
  for (let start = 0; start < rows; start += chunk) {
    let text = "";
    for (let i = start; i < Math.min(rows, start + chunk); i++) text += `item-${String(i).padStart(width, "0")}\n`;
    writeSync(fd, text);
  }
  closeSync(fd);
  return path;
}

const commands = {
  full: { title: "jobx full", argv: (csv) => [...JOBX, "expand", NJK, "--params", csv, "-q"] },
  raw: { title: "jobx --raw", argv: (csv) => [...JOBX, "expand", NJK, "--params", csv, "-q", "--raw"] },
  jinja2: { title: "jinja2", argv: (csv) => ["python3", JINJA2_SCRIPT, J2, csv] },
  // The docs' loop, one sed per item; the items are read from the same CSV (header skipped).
  sed: {
    title: "sed loop",
    argv: (csv) => [
      "bash",
      "-c",
      'mkdir -p "$2" && for i in $(tail -n +2 "$1"); do sed "s/\\$ITEM/$i/" "$3" > "$2/job-$i.yaml"; done',
      "bash",
      csv,
      join(tmp, "jobs"),
      SED_TEMPLATE,
    ],
    before: () => rmSync(join(tmp, "jobs"), { recursive: true, force: true }),
  },
};

function countLines(path, re) {
  let n = 0;
  for (const line of readFileSync(path, "utf8").split("\n")) if (re.test(line)) n++;
  return n;
}

/** Runs every command once on `rows` rows with its output kept, and checks it is what it should be. */
function verifyOutputs(rows, csv) {
  const problems = [];
  const files = {};
  for (const key of ["full", "raw", "jinja2"]) {
    files[key] = join(tmp, `check-${key}.out`);
    if (!measure(`check ${commands[key].title}`, commands[key].argv(csv), { stdoutPath: files[key] })) return false;
  }
  const docs = countLines(files.full, /^---$/);
  const jobs = countLines(files.full, /^kind: Job$/);
  const labelled = countLines(files.full, /^ {4}jobx\.dev\/group: /);
  if (docs !== rows || jobs !== rows || labelled !== rows) problems.push(`jobx full printed ${docs} documents, ${jobs} Jobs, ${labelled} labelled; expected ${rows} of each`);
  const j2 = readFileSync(files.jinja2);
  const j2Jobs = countLines(files.jinja2, /^kind: Job$/);
  if (j2.length === 0 || j2Jobs !== rows) problems.push(`jinja2 printed ${j2Jobs} Jobs in ${j2.length} bytes; expected ${rows}`);
  const rawSame = readFileSync(files.raw).equals(j2);
  if (!rawSame) problems.push("jobx --raw output differs from jinja2's output of the same template");
  commands.sed.before();
  if (!measure("check sed loop", commands.sed.argv(csv))) return false;
  const sedFiles = readdirSync(join(tmp, "jobs")).filter((f) => statSync(join(tmp, "jobs", f)).size > 0).length;
  if (sedFiles !== rows) problems.push(`the sed loop wrote ${sedFiles} non-empty files; expected ${rows}`);
  for (const f of Object.values(files)) rmSync(f, { force: true });
  commands.sed.before();
  if (problems.length) {
    fail();
    for (const p of problems) process.stderr.write(`FAILED check: ${p}\n`);
    return false;
  }
  out(`Output check at ${fmtInt(rows)} rows: jobx full printed ${rows} labelled Job documents; jinja2 printed ${rows} Jobs;`);
  out(`  jobx --raw output is byte-identical to jinja2's; the sed loop wrote ${rows} files.`);
  return true;
}

// ---------------------------------------------------------------------------------------

function machine() {
  const py = capture("python3", ["--version"]) ?? "python3 missing";
  const jinja2 = capture("python3", ["-c", "import jinja2; print(jinja2.__version__)"]) ?? "missing";
  const kubectl = capture("kubectl", ["version", "--client", "-o", "json"], { env: { ...process.env, KUBECONFIG: join(tmp, "kubeconfig") } });
  let kubectlVersion = "missing";
  try {
    kubectlVersion = JSON.parse(kubectl).clientVersion.gitVersion;
  } catch {
    /* not installed, or no JSON */
  }
  const cpu = cpus();
  out("jobx expand benchmark");
  out(`machine: ${cpu.length} cores (${cpu[0]?.model ?? "unknown CPU"}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`);
  out(`node ${process.version}, ${py}, jinja2 ${jinja2}, kubectl ${kubectlVersion}, jobx ${capture(JOBX[0], [JOBX[1], "--version"]) ?? "?"}`);
  out(`peak memory: ${RSS_METHOD}; wall time: spawn to exit`);
  const same = readFileSync(NJK, "utf8") === readFileSync(J2, "utf8");
  out(`template: bench/docs-like.yaml.njk (jobx) and bench/docs-like.j2 (jinja2) are ${same ? "the same text" : "DIFFERENT texts"}`);
  out(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(" ")} (other work on the machine slows every command)`);
  out(`runs per figure: ${SIZES.map((n) => `${runsFor(n)} at ${fmtInt(n)}`).join(", ")}; medians shown`);
  out();
}

function main() {
  writeFileSync(join(tmp, "kubeconfig"), "");
  machine();

  const csvs = Object.fromEntries(SIZES.map((n) => [n, itemsFile(n)]));
  if (!verifyOutputs(SIZES[0], csvs[SIZES[0]])) return;
  out();

  // Runs are interleaved (each repetition runs every command once) so drift hits all alike.
  const results = {};
  for (const rows of SIZES) {
    const keys = rows === 1_000 ? ["full", "raw", "jinja2", "sed"] : ["full", "raw", "jinja2"];
    const samples = Object.fromEntries(keys.map((k) => [k, []]));
    for (let r = 0; r < runsFor(rows); r++) {
      for (const key of keys) {
        commands[key].before?.();
        const m = measure(`${commands[key].title} at ${rows} rows`, commands[key].argv(csvs[rows]));
        if (m) samples[key].push(m);
      }
    }
    commands.sed.before();
    results[rows] = Object.fromEntries(
      keys.map((k) => [k, samples[k].length ? { seconds: median(samples[k].map((s) => s.seconds)), kib: median(samples[k].map((s) => s.kib)), cpu: median(samples[k].map((s) => s.cpu)), n: samples[k].length } : undefined]),
    );
    process.stderr.write(`  measured ${fmtInt(rows)} rows\n`);
  }

  const ratio = (a, b) => (a && b ? a.seconds / b.seconds : undefined);
  out("Rendering N rows (median wall time / median peak RSS; ratios are wall time against jinja2):");
  out(
    table(
      ["rows", "jobx full", "", "jobx --raw", "", "python3 jinja2", "", "docs' sed loop", "", "full/jinja2", "raw/jinja2"],
      SIZES.map((rows) => {
        const r = results[rows];
        const cell = (k) => [fmtSec(r[k]?.seconds), fmtMiB(r[k]?.kib)];
        return [fmtInt(rows), ...cell("full"), ...cell("raw"), ...cell("jinja2"), ...cell("sed"), fmtRatio(ratio(r.full, r.jinja2)), fmtRatio(ratio(r.raw, r.jinja2))];
      }),
    ),
  );
  out();
  const cpuRatio = (a, b) => (a && b ? a.cpu / b.cpu : undefined);
  out("The same runs as CPU time (user + system, median), which other load on the machine disturbs less:");
  out(
    table(
      ["rows", "jobx full", "jobx --raw", "python3 jinja2", "docs' sed loop", "full/jinja2", "raw/jinja2"],
      SIZES.map((rows) => {
        const r = results[rows];
        return [fmtInt(rows), fmtSec(r.full?.cpu), fmtSec(r.raw?.cpu), fmtSec(r.jinja2?.cpu), fmtSec(r.sed?.cpu), fmtRatio(cpuRatio(r.full, r.jinja2)), fmtRatio(cpuRatio(r.raw, r.jinja2))];
      }),
    ),
  );
  out();

  // Streaming check: the full pipeline at a million rows.
  let million;
  if (QUICK) {
    out("1,000,000 rows: skipped (BENCH_QUICK=1)");
  } else {
    const csv = itemsFile(MILLION);
    million = measure("jobx full at 1,000,000 rows", commands.full.argv(csv), { limitSeconds: MILLION_LIMIT_S });
    rmSync(csv, { force: true });
    const at100k = results[100_000]?.full;
    if (million?.timedOut) {
      out(`Streaming, jobx full pipeline at ${fmtInt(MILLION)} rows (1 run): stopped at the ${MILLION_LIMIT_S} s limit (BENCH_MILLION_LIMIT), unfinished; figures below are up to then`);
    } else if (million) {
      out(`Streaming, jobx full pipeline at ${fmtInt(MILLION)} rows (1 run): ${fmtSec(million.seconds)}, ${fmtInt(Math.round(MILLION / million.seconds))} rows/s, CPU ${fmtSec(million.cpu)}`);
    }
    if (million) {
      out(`  peak RSS ${fmtMiB(million.kib)} (target < ${TARGETS.millionPeakMiB} MiB: ${verdict(!million.timedOut && million.kib / 1024 < TARGETS.millionPeakMiB)})`);
      if (at100k) {
        out(`  growth from 100,000 rows: ${fmtMiB(at100k.kib)} → ${fmtMiB(million.kib)}, +${fmtMiB(million.kib - at100k.kib)} (${fmtRatio(million.kib / at100k.kib)}) for 10× the rows`);
      }
    }
  }
  out();

  // Start-up.
  const kubeEnv = { ...process.env, KUBECONFIG: join(tmp, "kubeconfig") };
  const hasKubectl = capture("kubectl", ["version", "--client"], { env: kubeEnv }) !== undefined;
  const startup = { jobx: [], kubectl: [] };
  for (let i = 0; i < STARTUP_RUNS; i++) {
    const j = measure("jobx --version", [...JOBX, "--version"]);
    if (j) startup.jobx.push(j.seconds);
    if (hasKubectl) {
      const k = measure("kubectl version --client", ["kubectl", "version", "--client"], { env: kubeEnv });
      if (k) startup.kubectl.push(k.seconds);
    }
  }
  const jobxStart = startup.jobx.length ? median(startup.jobx) : undefined;
  const kubectlStart = startup.kubectl.length ? median(startup.kubectl) : undefined;
  out(`Start-up (median of ${STARTUP_RUNS}): jobx --version ${fmtSec(jobxStart)}, kubectl version --client ${hasKubectl ? fmtSec(kubectlStart) : "(kubectl not found)"}, ratio ${fmtRatio(jobxStart && kubectlStart ? jobxStart / kubectlStart : undefined)}`);
  out();

  // Targets.
  const r100 = results[100_000] ?? {};
  const full100 = ratio(r100.full, r100.jinja2);
  const raw100 = ratio(r100.raw, r100.jinja2);
  const startRatio = jobxStart && kubectlStart ? jobxStart / kubectlStart : undefined;
  out("Targets:");
  out(
    table(
      ["target", "figure", "limit", "result"],
      [
        ["full pipeline / jinja2, 100,000 rows", fmtRatio(full100), `≤ ${TARGETS.fullVsJinja2}×`, verdict(full100 === undefined ? undefined : full100 <= TARGETS.fullVsJinja2)],
        ["--raw / jinja2, 100,000 rows", fmtRatio(raw100), `≤ ${TARGETS.rawVsJinja2}×`, verdict(raw100 === undefined ? undefined : raw100 <= TARGETS.rawVsJinja2)],
        [
          `peak RSS, full pipeline, 1,000,000 rows${million?.timedOut ? " (unfinished)" : ""}`,
          million ? fmtMiB(million.kib) : QUICK ? "skipped" : "—",
          `< ${TARGETS.millionPeakMiB} MiB`,
          verdict(million ? !million.timedOut && million.kib / 1024 < TARGETS.millionPeakMiB : undefined),
        ],
        ["jobx --version / kubectl version --client", fmtRatio(startRatio), `≤ ${TARGETS.versionVsKubectl}×`, verdict(startRatio === undefined ? undefined : startRatio <= TARGETS.versionVsKubectl)],
      ],
    ),
  );
  out();
  out(`load average at end: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
}

try {
  main();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
if (failed()) {
  process.stderr.write("\nA command failed (see above); its figures are missing.\n");
  process.exitCode = 1;
}
