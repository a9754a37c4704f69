/** The one place jobx starts kubectl. */
import { execa, type ResultPromise } from "execa";
import { RunError } from "../errors";
import type { KubectlPlan } from "./plans";

export interface KubectlResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Counts kubectl processes started, for the benchmark and tests. */
export const kubectlStats = { started: 0 };

const running = new Set<ResultPromise>();

/**
 * Ends a kubectl and everything it started. kubectl runs in a process group of its own
 * (detached), so a kubectl behind a wrapper script that does not exec — an auth or
 * version shim — goes too, and its open pipe cannot keep jobx waiting.
 */
function killTree(child: ResultPromise, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    child.kill(signal);
  }
}

/** Ends every running kubectl (on Ctrl-C / SIGTERM). */
export function killAll(signal: NodeJS.Signals = "SIGTERM"): void {
  for (const child of running) killTree(child, signal);
}

function notFound(plan: KubectlPlan): never {
  throw new RunError(`cannot run ${plan.command}: no such program. Install kubectl, or point JOBX_KUBECTL at it`);
}

/** Runs a plan to the end. Never throws for a non-zero exit; the caller reads it. */
export async function runKubectl(plan: KubectlPlan, options: { timeoutMs?: number } = {}): Promise<KubectlResult> {
  kubectlStats.started++;
  const child = execa(plan.command, plan.args, {
    input: plan.stdin ?? "",
    reject: false,
    detached: true,
    timeout: options.timeoutMs,
    maxBuffer: 1024 * 1024 * 1024,
    stripFinalNewline: false,
  });
  running.add(child);
  try {
    const result = await child;
    if ((result as { code?: string }).code === "ENOENT") notFound(plan);
    return { exitCode: result.exitCode ?? (result.signal ? 128 : 1), stdout: String(result.stdout), stderr: String(result.stderr) };
  } finally {
    running.delete(child);
  }
}

/**
 * Runs a plan that streams (a watch, `logs -f`), calling onLine for each stdout line.
 * Resolves with the exit when kubectl ends; `stop()` ends it early.
 */
export function streamKubectl(plan: KubectlPlan, onLine: (line: string) => void): { done: Promise<KubectlResult>; stop: () => void } {
  kubectlStats.started++;
  const child = execa(plan.command, plan.args, { input: plan.stdin ?? "", reject: false, detached: true, buffer: { stdout: false, stderr: true } });
  running.add(child);
  let pending = "";
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    pending += chunk;
    let nl = pending.indexOf("\n");
    while (nl >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (line.trim()) onLine(line);
      nl = pending.indexOf("\n");
    }
  });
  const done = child.then((result) => {
    running.delete(child);
    if (pending.trim()) onLine(pending);
    if ((result as { code?: string }).code === "ENOENT") notFound(plan);
    return { exitCode: result.exitCode ?? 0, stdout: "", stderr: String(result.stderr ?? "") };
  });
  return { done, stop: () => killTree(child, "SIGTERM") };
}
