#!/usr/bin/env node
/**
 * The style benchmark (`npm run bench:styles`, which builds first): jobx's full pipeline
 * against python3's jinja2 on a corpus of template styles (bench/styles/, rows from
 * bench/styles/corpus.mjs), side by side in one run at 1,000, 10,000 and 100,000 rows.
 * Prints per style and size the median wall time and peak RSS of both, the ratio
 * jobx/jinja2 and the share of rows that took the shape path; then the worst style, and
 * every style's peak memory at 1,000,000 rows against its 100,000-row peak. Targets are
 * printed PASS/MISS; a MISS never fails the process, a command that fails or prints the
 * wrong output does.
 *
 * Environment:
 *   BENCH_RUNS=N       runs per figure (default 3; medians are printed)
 *   BENCH_SIZES=a,b    row counts (default 1000,10000,100000)
 *   BENCH_STYLES=a,b   only these styles
 *   BENCH_QUICK=1      skip the 1,000,000-row runs
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fmtInt, fmtMiB, fmtRatio, fmtSec, median, measurer, out, RSS_METHOD, table, verdict } from "./measure.mjs";
import { STYLES, csvChunks } from "./styles/corpus.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const JOBX = [process.execPath, join(root, "bin", "jobx.js")];
const JINJA2 = join(root, "bench", "render_jinja2.py");
const TSX = join(root, "node_modules", ".bin", "tsx");
const int = (text, fallback) => (text && /^\d+$/.test(text) && Number(text) > 0 ? Number(text) : fallback);
const RUNS = int(process.env.BENCH_RUNS, 3);
const SIZES = process.env.BENCH_SIZES ? process.env.BENCH_SIZES.split(",").map(Number) : [1_000, 10_000, 100_000];
const CHOSEN = process.env.BENCH_STYLES ? process.env.BENCH_STYLES.split(",") : Object.keys(STYLES);
const QUICK = process.env.BENCH_QUICK === "1";
const MILLION = 1_000_000;
const TARGET = { ratio: 1.5, millionMiB: 200, growth: 1.2 };
const tmp = mkdtempSync(join(tmpdir(), "jobx-bench-styles-"));
const { measure, failed, fail } = measurer(tmp, root);

function csvFile(name, rows) {
  const path = join(tmp, `${name}-${rows}.csv`);
  const fd = openSync(path, "w");
  for (const chunk of csvChunks(STYLES[name], rows)) writeSync(fd, chunk);
  closeSync(fd);
  return path;
}

const templateOf = (name) => join(root, "bench", "styles", STYLES[name].file);
const jobxArgv = (name, csv, raw = false) => [...JOBX, "expand", templateOf(name), "--params", csv, "-q", ...(raw ? ["--raw"] : [])];
const jinja2Argv = (name, csv) => ["python3", JINJA2, templateOf(name), csv];

/** Every style at 1,000 rows: jobx --raw must print jinja2's bytes, and the full pipeline one labelled Job per row. */
function verify(names, csvs) {
  const bad = [];
  for (const name of names) {
    const files = { raw: join(tmp, "raw.out"), j2: join(tmp, "j2.out"), full: join(tmp, "full.out") };
    if (!measure(`${name} --raw`, jobxArgv(name, csvs[name]), { stdoutPath: files.raw }) || !measure(`${name} jinja2`, jinja2Argv(name, csvs[name]), { stdoutPath: files.j2 })) return false;
    measure(`${name} --raw`, jobxArgv(name, csvs[name], true), { stdoutPath: files.raw });
    if (!readFileSync(files.raw).equals(readFileSync(files.j2))) bad.push(`${name}: jobx --raw differs from jinja2`);
    measure(`${name} full`, jobxArgv(name, csvs[name]), { stdoutPath: files.full });
    const labelled = readFileSync(files.full, "utf8").split("\n").filter((l) => /^ {4}jobx\.dev\/group: /.test(l)).length;
    if (labelled !== 1000) bad.push(`${name}: jobx printed ${labelled} labelled Jobs, expected 1000`);
  }
  for (const b of bad) process.stderr.write(`FAILED check: ${b}\n`);
  if (bad.length) fail();
  return bad.length === 0;
}

function main() {
  const names = CHOSEN.filter((n) => STYLES[n]);
  const cpu = cpus();
  const py = spawnSync("python3", ["-c", "import sys, jinja2; print(sys.version.split()[0], jinja2.__version__)"], { encoding: "utf8" }).stdout.trim().split(" ");
  out("jobx expand, template styles against python3 jinja2");
  out(`machine: ${cpu.length} cores (${cpu[0]?.model ?? "unknown CPU"}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM; node ${process.version}, Python ${py[0]}, jinja2 ${py[1]}`);
  out(`peak memory: ${RSS_METHOD}; wall time: spawn to exit; ${RUNS} runs per figure, medians, jobx and jinja2 interleaved`);
  out(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  out();
  for (const name of names) out(`  ${name.padEnd(12)} ${STYLES[name].what}`);
  out();

  const small = Object.fromEntries(names.map((n) => [n, csvFile(n, 1_000)]));
  if (!verify(names, small)) return;
  out("Output check at 1,000 rows: for every style jobx --raw printed jinja2's bytes and the full pipeline 1,000 labelled Jobs.");

  // The share of rows built from their template's shape: in process, on the same rows.
  const shareRows = Math.min(10_000, Math.max(...SIZES));
  const shareRun = spawnSync(TSX, [join(root, "bench", "styles-share.ts"), String(shareRows)], { cwd: root, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  let shares = {};
  try {
    shares = JSON.parse(shareRun.stdout);
  } catch {
    process.stderr.write(`could not count the shape path's share: ${shareRun.stderr}\n`);
  }
  out();

  const results = {};
  for (const rows of SIZES) {
    for (const name of names) {
      const csv = rows === 1_000 ? small[name] : csvFile(name, rows);
      const samples = { jobx: [], jinja2: [] };
      for (let r = 0; r < RUNS; r++) {
        const j = measure(`${name} jobx at ${rows}`, jobxArgv(name, csv));
        if (j) samples.jobx.push(j);
        const p = measure(`${name} jinja2 at ${rows}`, jinja2Argv(name, csv));
        if (p) samples.jinja2.push(p);
      }
      if (rows !== 1_000) rmSync(csv, { force: true });
      const med = (list) => (list.length ? { seconds: median(list.map((s) => s.seconds)), kib: median(list.map((s) => s.kib)), cpu: median(list.map((s) => s.cpu)) } : undefined);
      results[`${name}@${rows}`] = { jobx: med(samples.jobx), jinja2: med(samples.jinja2) };
    }
    process.stderr.write(`  measured ${fmtInt(rows)} rows\n`);
  }

  const ratio = (r) => (r?.jobx && r?.jinja2 ? r.jobx.seconds / r.jinja2.seconds : undefined);
  const cpuRatio = (r) => (r?.jobx && r?.jinja2 ? r.jobx.cpu / r.jinja2.cpu : undefined);
  const shareText = (name) => {
    const s = shares[name];
    return s ? `${((100 * s.shape) / (s.shape + s.full)).toFixed(0)}% / ${((100 * s.full) / (s.shape + s.full)).toFixed(0)}%` : "—";
  };
  out(`Per style (median wall time / peak RSS; ratio = jobx wall / jinja2 wall, CPU ratio = user+sys; shape/full = rows that took the shape path / the full parse, counted at ${fmtInt(shareRows)} rows):`);
  const lines = [];
  for (const name of names) {
    for (const rows of SIZES) {
      const r = results[`${name}@${rows}`];
      lines.push([name, fmtInt(rows), fmtSec(r.jobx?.seconds), fmtMiB(r.jobx?.kib), fmtSec(r.jinja2?.seconds), fmtMiB(r.jinja2?.kib), fmtRatio(ratio(r)), fmtRatio(cpuRatio(r)), rows === SIZES[0] ? shareText(name) : ""]);
    }
  }
  out(table(["style", "rows", "jobx", "", "jinja2", "", "ratio", "CPU ratio", "shape/full"], lines));
  out();

  const largest = Math.max(...SIZES);
  const ranked = names.map((n) => ({ name: n, ratio: ratio(results[`${n}@${largest}`]) })).filter((x) => x.ratio !== undefined).sort((a, b) => b.ratio - a.ratio);
  const worst = ranked[0];
  out(`At ${fmtInt(largest)} rows, worst first: ${ranked.map((x) => `${x.name} ${fmtRatio(x.ratio)}`).join(", ")}`);

  // Memory at a million rows, for every style: the targets are judged on the worst of them.
  const millions = [];
  if (!QUICK) {
    for (const name of names) {
      const csv = csvFile(name, MILLION);
      const m = measure(`${name} jobx at 1,000,000`, jobxArgv(name, csv));
      rmSync(csv, { force: true });
      const at = results[`${name}@${largest}`]?.jobx;
      if (m) millions.push({ name, seconds: m.seconds, kib: m.kib, growth: at ? m.kib / at.kib : undefined, atKib: at?.kib });
    }
    process.stderr.write(`  measured ${fmtInt(MILLION)} rows\n`);
    out(`Peak memory at ${fmtInt(MILLION)} rows, jobx, 1 run per style (growth = this peak / the style's ${fmtInt(largest)}-row peak):`);
    out(table(["style", "wall", "peak RSS", `${fmtInt(largest)}-row peak`, "growth"], millions.map((m) => [m.name, fmtSec(m.seconds), fmtMiB(m.kib), fmtMiB(m.atKib), fmtRatio(m.growth)])));
  } else out("1,000,000 rows: skipped (BENCH_QUICK=1)");
  out();

  const heaviest = [...millions].sort((a, b) => b.kib - a.kib)[0];
  const steepest = millions.filter((m) => m.growth !== undefined).sort((a, b) => b.growth - a.growth)[0];
  out("Targets:");
  out(
    table(
      ["target", "figure", "limit", "result"],
      [
        [`worst style jobx/jinja2, ${fmtInt(largest)} rows (${worst?.name ?? "—"})`, fmtRatio(worst?.ratio), `≤ ${TARGET.ratio}×`, verdict(worst && largest === 100_000 ? worst.ratio <= TARGET.ratio : undefined)],
        [`highest peak RSS, 1,000,000 rows (${heaviest?.name ?? "—"})`, heaviest ? fmtMiB(heaviest.kib) : "—", `< ${TARGET.millionMiB} MiB`, verdict(heaviest && millions.length === names.length ? heaviest.kib / 1024 < TARGET.millionMiB : undefined)],
        [`steepest growth of peak RSS, 1,000,000 / ${fmtInt(largest)} rows (${steepest?.name ?? "—"})`, fmtRatio(steepest?.growth), `≤ ${TARGET.growth}×`, verdict(steepest && millions.length === names.length && largest === 100_000 ? steepest.growth <= TARGET.growth : undefined)],
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
  process.stderr.write("\nA command failed or printed the wrong output (see above).\n");
  process.exitCode = 1;
}
