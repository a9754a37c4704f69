/**
 * The real kubectl, run against one cluster with its own cache folder: what tests use to
 * look at a cluster (fake or real) the way a user would. Never throws on a non-zero exit.
 */
import { execFile } from "node:child_process";
import type { KubectlResult } from "./types";

export interface KubectlRunner {
  run(args: string[], options?: { input?: string; timeoutMs?: number }): Promise<KubectlResult>;
  /** Kills every kubectl still running (when the cluster stops). */
  killAll(): void;
}

export function kubectlRunner(env: Record<string, string>, cacheDir: string): KubectlRunner {
  const children = new Set<ReturnType<typeof execFile>>();
  const run = (args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<KubectlResult> =>
    new Promise((resolve) => {
      const bin = process.env.JOBX_KUBECTL ?? "kubectl";
      const child = execFile(
        bin,
        [`--cache-dir=${cacheDir}`, ...args],
        { env, timeout: opts.timeoutMs ?? 60_000, killSignal: "SIGKILL", maxBuffer: 256 * 1024 * 1024, encoding: "utf8" },
        (error, stdout, stderr) => {
          children.delete(child);
          let exitCode = 0;
          if (error) {
            const code = (error as NodeJS.ErrnoException & { code?: unknown }).code;
            exitCode = typeof code === "number" ? code : child.exitCode ?? 1;
            if (child.killed || error.killed) {
              exitCode = exitCode || 137;
              stderr += `${stderr.endsWith("\n") || stderr === "" ? "" : "\n"}kubectl timed out after ${opts.timeoutMs ?? 60_000} ms and was killed\n`;
            }
          }
          resolve({ stdout, stderr, exitCode });
        },
      );
      children.add(child);
      child.stdin?.on("error", () => {});
      child.stdin?.end(opts.input ?? "");
    });
  return {
    run,
    killAll: () => {
      for (const c of children) c.kill("SIGKILL");
    },
  };
}
