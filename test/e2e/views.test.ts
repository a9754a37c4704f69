import type { TestCluster } from "../cluster/index";
import { beforeEach, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { ROOT } from "../cli/run";
import { behaviourTemplate, fakeOnly, jobxAsync, requests, tempDir, useCluster } from "./helpers";

const dir = tempDir();
const clusterOf = useCluster();
let cluster: TestCluster;
beforeEach(() => {
  cluster = clusterOf();
});

const hasScript = spawnSync("script", ["--version"]).status === 0;
if (!hasScript) console.warn("terminal view test skipped: util-linux 'script' (which gives a command a terminal) is not installed");

describe("what people and CI see while waiting", () => {
  it.skipIf(!hasScript)("on a terminal: a live view with member lines and a group progress bar", async () => {
    const template = behaviourTemplate(dir, "live", { runTime: "200s" });
    expect((await jobxAsync(cluster, ["apply", template, "--items", "a,b", "--group", "live"])).status).toBe(0);
    const command = `node ${ROOT}bin/jobx.js wait live --timeout 60s`;
    const run = await new Promise<{ status: number | null; out: string }>((resolve) => {
      const child = spawn("script", ["-qec", command, "/dev/null"], { env: { ...process.env, ...cluster.env, TERM: "xterm", NO_COLOR: "" } });
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
      child.on("close", (status) => resolve({ status, out }));
    });
    expect(run.status).toBe(0);
    // eslint-disable-next-line no-control-regex -- the cursor-up and clear codes of a redraw in place
    expect(run.out).toMatch(/\x1b\[\d+A\x1b\[0J/);
    // eslint-disable-next-line no-control-regex -- removing the terminal's colour codes
    const text = run.out.replace(/\x1b\[[\d;]*[A-Za-z]/g, "");
    expect(text).toMatch(/ITEM +JOB +COMPLETIONS/);
    expect(text).toContain("█");
    expect(text).toMatch(/2\/2 +2 Jobs: 2 succeeded/);
  });

  it("in CI logs (no terminal): plain timestamped summaries, only when something changed", async () => {
    const template = behaviourTemplate(dir, "plain", { runTime: "100s" });
    expect((await jobxAsync(cluster, ["apply", template, "--items", "a,b,c", "--group", "plain"])).status).toBe(0);
    const run = await jobxAsync(cluster, ["wait", "plain"]);
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stderr.trim().split("\n");
    expect(lines.slice(0, -1).every((l) => /^\d{4}-\d\d-\d\dT[\d:.]+Z (pending|running|succeeded): 3 Jobs: /.test(l))).toBe(true);
    expect(lines.at(-2)).toMatch(/ succeeded: 3 Jobs: 3 succeeded/);
    expect(new Set(lines).size).toBe(lines.length);
    expect(run.stderr).not.toContain("\x1b[");
  });

  it("Ctrl-C while waiting leaves the Jobs running, says how to resume, exits 130", async () => {
    const template = behaviourTemplate(dir, "intw", { runTime: "10h" });
    expect((await jobxAsync(cluster, ["apply", template, "--items", "a", "--group", "intw"])).status).toBe(0);
    const run = await jobxAsync(cluster, ["wait", "intw"], {
      onStart: (kill) => setTimeout(() => kill("SIGINT"), 1500),
    });
    expect(run.status).toBe(130);
    expect(run.stderr).toContain("stopped waiting for group intw; its Jobs go on running");
    expect(run.stderr).toContain("resume:   jobx wait intw");
    const jobs = await cluster.kubectl(["get", "jobs", "-l", "jobx.dev/group=intw", "-o", "name"]);
    expect(jobs.stdout.trim()).toBe("job.batch/intw-a");
  });

  it("logs: --failed picks failed members; -f follows pods as they run, to the end, without polling", async () => {
    const template = behaviourTemplate(dir, "lg", {
      runTime: "{{ '100s' if item == 'bad' else '600s' }}",
      exitCodes: "{{ '1' if item == 'bad' else '0' }}",
      log: "hello from $ITEM",
    });
    expect((await jobxAsync(cluster, ["apply", template, "--items", "good,bad", "--group", "lg"])).status).toBe(0);
    cluster.resetCounts();
    const follow = await jobxAsync(cluster, ["logs", "lg", "-f"], { timeoutMs: 30_000 });
    expect(follow.status, follow.stderr).toBe(0);
    // Six seconds of following: one watch of pods (with the list kubectl makes to start it)
    // and a last list, not a list every second.
    expect(requests(cluster, "watch", "pods")).toBe(1);
    expect(requests(cluster, "list", "pods")).toBeLessThanOrEqual(2);
    expect(follow.stdout.trim().split("\n").sort()).toEqual([expect.stringMatching(/^\[item=bad lg-bad-\w{5}\] hello from bad$/), expect.stringMatching(/^\[item=good lg-good-\w{5}\] hello from good$/)]);
    const failed = await jobxAsync(cluster, ["logs", "lg", "--failed"]);
    expect(failed.stdout.trim()).toMatch(/^\[item=bad lg-bad-\w{5}\] hello from bad$/);
  });

  fakeOnly("refused and cut watches")("logs -f: a refused or cut pod watch is started again, says why once, and no pod is missed", async () => {
    const template = behaviourTemplate(dir, "lgcut", { runTime: "{{ '100s' if item == 'a' else '300s' }}", log: "hello from $ITEM" });
    expect((await jobxAsync(cluster, ["apply", template, "--items", "a,b,c", "--group", "lgcut"])).status).toBe(0);
    cluster.resetCounts();
    cluster.setFaults({ cutWatch: { afterMs: 300 }, failNext: { count: 1, status: 403, verbs: ["watch"], resources: ["pods"] } });
    const follow = await jobxAsync(cluster, ["logs", "lgcut", "-f"], { timeoutMs: 30_000 });
    expect(follow.status, follow.stderr).toBe(0);
    expect(follow.stderr.match(/watching the group's pods: .*Forbidden.*; trying again/g)?.length, follow.stderr).toBe(1);
    expect(follow.stdout.trim().split("\n").map((l) => l.replace(/ lgcut-\w+-\w{5}\]/, "]")).sort()).toEqual(["[item=a] hello from a", "[item=b] hello from b", "[item=c] hello from c"]);
    expect(requests(cluster, "watch", "pods")).toBeGreaterThan(1);
  });
});
