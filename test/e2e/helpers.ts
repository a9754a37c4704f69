/**
 * End-to-end: the built jobx, as a user types it, driving the real kubectl against the
 * test cluster. jobx runs as a child process (asynchronously: the cluster answers from
 * this process's event loop).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../cli/run";
import type { FakeCluster } from "../fake-cluster/index";

export interface JobxRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function jobxAsync(
  cluster: FakeCluster,
  args: string[],
  options: { input?: string; timeoutMs?: number; env?: Record<string, string>; onStart?: (kill: (s: NodeJS.Signals) => void, output: () => string) => void } = {},
): Promise<JobxRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "bin/jobx.js"), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...cluster.env, NO_COLOR: "1", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`jobx ${args.join(" ")} did not finish in ${options.timeoutMs ?? 60_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
    options.onStart?.((s) => child.kill(s), () => stdout + stderr);
  });
}

/** A template file whose pods behave as the test says (test cluster annotations). */
export function behaviourTemplate(dir: string, name: string, pod: { coldStart?: string; runTime?: string; exitCodes?: string; log?: string }, spec = ""): string {
  const annotations = [
    pod.coldStart && `fake.jobx.dev/cold-start: ${JSON.stringify(pod.coldStart)}`,
    pod.runTime && `fake.jobx.dev/run-time: ${JSON.stringify(pod.runTime)}`,
    pod.exitCodes && `fake.jobx.dev/exit-codes: ${JSON.stringify(pod.exitCodes)}`,
    pod.log && `fake.jobx.dev/log: ${JSON.stringify(pod.log)}`,
  ].filter(Boolean);
  const text = `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ ("${name}-" ~ item) | quote }}
spec:
${spec || "  backoffLimit: 0"}
  template:
    metadata:
      annotations:
${annotations.map((a) => `        ${a}`).join("\n") || "        none: \"\""}
    spec:
      restartPolicy: Never
      containers:
      - name: c
        image: busybox
        env:
        - name: ITEM
          value: {{ item | quote }}
        command: ["sh", "-c", "echo $ITEM"]
`;
  const path = join(dir, `${name}.yaml.njk`);
  writeFileSync(path, text);
  return path;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "jobx-e2e-"));
}

/** Requests of one verb and resource since the last reset. */
export function requests(cluster: FakeCluster, verb: string, resource: string): number {
  return cluster.requestCounts().filter((c) => c.verb === verb && c.resource === resource).reduce((n, c) => n + c.count, 0);
}

export async function jobNames(cluster: FakeCluster, selector: string): Promise<string[]> {
  const r = await cluster.kubectl(["get", "jobs", "-l", selector, "-o", "jsonpath={.items[*].metadata.name}"]);
  return r.stdout.split(/\s+/).filter(Boolean).sort();
}

export { fakeOnly, useCluster, type TestCluster } from "../cluster/index";
