/**
 * The seam between jobx and kubectl: everything in src/kube runs kubectl through a
 * `Kubectl`, so the real one (src/kube/run.ts, the only code that starts processes) and a
 * scripted one in tests are interchangeable. A `Cluster` is a kubectl and where it points.
 */
import type { KubectlPlan, KubeTarget } from "./plans";
import type { RetryPolicy } from "./retry";

export interface KubectlResult {
  /** kubectl's exit code; 128 + n when a signal n ended it (as a shell reports it). */
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The signal that ended kubectl, if one did (say, jobx stopping it on Ctrl-C). */
  signal?: NodeJS.Signals;
}

export interface KubectlStream {
  /** Resolves when kubectl ends; stdout went to onLine, so `stdout` is empty. */
  done: Promise<KubectlResult>;
  /** Ends kubectl (and anything it started) early. */
  stop(): void;
}

export interface Kubectl {
  /** Runs a plan to the end. Never throws for a non-zero exit: the caller reads it. */
  run(plan: KubectlPlan, options?: { timeoutMs?: number }): Promise<KubectlResult>;
  /** Runs a plan that streams (a watch, `logs -f`), calling onLine for each stdout line. */
  stream(plan: KubectlPlan, onLine: (line: string) => void): KubectlStream;
  /** Ends every kubectl still running (on Ctrl-C / SIGTERM). */
  stopAll(signal: NodeJS.Signals): void;
}

/** A kubectl and where it points: what every cluster read and write takes. */
export interface Cluster {
  target: KubeTarget;
  kubectl: Kubectl;
  /** How transient failures are retried; RETRY by default. */
  retry?: RetryPolicy;
}
