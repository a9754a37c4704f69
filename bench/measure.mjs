/**
 * Measuring one command, for the expansion benchmarks (run.mjs, styles.mjs): wall time
 * from this process (spawn to exit); peak memory as the child's maximum resident set size
 * (ru_maxrss from wait4, which also covers the child's own children, e.g. every sed in the
 * shell loop); CPU time as user + system seconds of the command and its children, which
 * other load on the machine disturbs less than wall time. GNU time reports both when
 * installed; otherwise a small python3 wrapper reads RUSAGE_CHILDREN after waiting for the
 * command. Also the figures' formatting, shared by both.
 */
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, rmSync } from "node:fs";
import { delimiter, join } from "node:path";

// GNU time is a program on PATH (not the shell keyword); it must accept -f.
const GNU_TIME = (process.env.PATH ?? "")
  .split(delimiter)
  .filter(Boolean)
  .map((dir) => join(dir, "time"))
  .find((p) => existsSync(p) && spawnSync(p, ["-f", "%M", "true"], { stdio: "ignore" }).status === 0);
export const RSS_METHOD = GNU_TIME
  ? "GNU time %M/%U/%S (max RSS, CPU time of the command and its children, from wait4)"
  : "python3 resource.getrusage(RUSAGE_CHILDREN) (max RSS, CPU time of the command and its children)";
const PY_RSS_WRAPPER =
  "import resource,subprocess,sys\n" +
  "rc=subprocess.call(sys.argv[2:])\n" +
  "u=resource.getrusage(resource.RUSAGE_CHILDREN)\n" +
  "open(sys.argv[1],'w').write('%d %.3f %.3f\\n' % (u.ru_maxrss, u.ru_utime, u.ru_stime))\n" +
  "sys.exit(rc)";

/**
 * A measurer writing its scratch file into `tmp` and running commands in `root`.
 * measure(label, argv, options) runs argv with stdout to `stdoutPath` (default /dev/null)
 * and returns { seconds, kib, cpu, timedOut }; a command that fails is printed, marks the
 * run failed (failed() says so) and gives undefined.
 */
export function measurer(tmp, root, { timeoutMs } = {}) {
  let failed = false;
  function measure(label, argv, { stdoutPath = "/dev/null", env, cwd = root, limitSeconds } = {}) {
    const rssFile = join(tmp, "rss.txt");
    rmSync(rssFile, { force: true });
    // coreutils' timeout stops a run that would overrun the benchmark; it is the command's parent, so its peak memory still counts.
    const limited = limitSeconds ? ["timeout", "-k", "10", String(limitSeconds), ...argv] : argv;
    const wrapped = GNU_TIME ? [GNU_TIME, "-f", "%M %U %S", "-o", rssFile, ...limited] : ["python3", "-c", PY_RSS_WRAPPER, rssFile, ...limited];
    const out = openSync(stdoutPath, "w");
    const start = process.hrtime.bigint();
    const result = spawnSync(wrapped[0], wrapped.slice(1), { stdio: ["ignore", out, "pipe"], env: env ?? process.env, cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    closeSync(out);
    const timedOut = limitSeconds !== undefined && result.status === 124;
    if (!timedOut && (result.error || result.status !== 0)) {
      failed = true;
      const why = result.error ? result.error.message : result.signal ? `signal ${result.signal}` : `exit status ${result.status}`;
      process.stderr.write(`\nFAILED: ${label}: ${why}\n  ${argv.join(" ")}\n${String(result.stderr ?? "").trim().slice(-2000)}\n`);
      return undefined;
    }
    const lines = readFileSync(rssFile, "utf8").trim().split("\n");
    const [kib, user, sys] = lines[lines.length - 1].split(" ").map(Number);
    return { seconds, kib, cpu: user + sys, timedOut };
  }
  return {
    measure,
    failed: () => failed,
    /** Marks the run failed for a reason of the caller's (e.g. wrong output). */
    fail: () => {
      failed = true;
    },
  };
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export const fmtInt = (n) => n.toLocaleString("en-US");
export const fmtSec = (s) => (s === undefined ? "—" : s < 1 ? `${(s * 1000).toFixed(0)} ms` : `${s.toFixed(2)} s`);
export const fmtMiB = (kib) => (kib === undefined ? "—" : `${(kib / 1024).toFixed(1)} MiB`);
export const fmtRatio = (r) => (r === undefined || !Number.isFinite(r) ? "—" : `${r.toFixed(2)}×`);
export const verdict = (ok) => (ok === undefined ? "n/a" : ok ? "PASS" : "MISS");

export function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function out(text = "") {
  process.stdout.write(`${text}\n`);
}
