/** The one place jobx starts kubectl: the real `Kubectl`, as child processes. */
import { execa, type ResultPromise } from "execa";
import { ClusterError } from "../errors";
import type { Kubectl, KubectlResult, KubectlStream } from "./kubectl";
import type { KubectlPlan } from "./plans";

/** Exit code a shell gives a process ended by a signal. */
const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

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

function notFound(plan: KubectlPlan): never {
  throw new ClusterError(`cannot run ${plan.command}: no such program. Install kubectl, or point JOBX_KUBECTL at it`);
}

function resultOf(result: { exitCode?: number; signal?: string; stdout?: unknown; stderr?: unknown }, stdout: string): KubectlResult {
  const signal = result.signal as NodeJS.Signals | undefined;
  const exitCode = result.exitCode ?? (signal ? 128 + (SIGNAL_NUMBERS[signal] ?? 0) : 1);
  return signal ? { exitCode, stdout, stderr: String(result.stderr ?? ""), signal } : { exitCode, stdout, stderr: String(result.stderr ?? "") };
}

/** kubectl as child processes. */
export function processKubectl(): Kubectl {
  const running = new Set<ResultPromise>();
  return {
    async run(plan, options = {}) {
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
        return resultOf(result, String(result.stdout));
      } finally {
        running.delete(child);
      }
    },

    stream(plan, onLine): KubectlStream {
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
        return resultOf(result, "");
      });
      return { done, stop: () => killTree(child, "SIGTERM") };
    },

    stopAll(signal) {
      for (const child of running) killTree(child, signal);
    },
  };
}
