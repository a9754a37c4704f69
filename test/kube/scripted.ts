/**
 * A kubectl that answers from a script: for unit tests of retries, uncertain outcomes and
 * relists, without processes or a cluster. Each call's plan is kept for the assertions.
 */
import type { Cluster, Kubectl, KubectlResult } from "../../src/kube/kubectl";
import type { KubectlPlan } from "../../src/kube/plans";
import type { RetryPolicy } from "../../src/kube/retry";

export type Answer = Partial<KubectlResult>;

export interface Scripted extends Cluster {
  calls: KubectlPlan[];
  /** Waits the retry policy asked for, in ms. */
  slept: number[];
}

/** A stream the test drives: it sends lines and ends it. */
export interface ScriptedStream {
  plan: KubectlPlan;
  send(line: string): void;
  end(result?: Answer): void;
}

export function scripted(
  answer: (plan: KubectlPlan, call: number) => Answer | Promise<Answer>,
  options: { stopped?: () => boolean; onStream?: (stream: ScriptedStream) => void } = {},
): Scripted {
  const calls: KubectlPlan[] = [];
  const slept: number[] = [];
  const kubectl: Kubectl = {
    async run(plan) {
      calls.push(plan);
      const a = await answer(plan, calls.length - 1);
      return { exitCode: a.exitCode ?? 0, stdout: a.stdout ?? "", stderr: a.stderr ?? "", ...(a.signal ? { signal: a.signal } : {}) };
    },
    stream(plan, onLine) {
      calls.push(plan);
      let finish: (result: KubectlResult) => void = () => {};
      const done = new Promise<KubectlResult>((resolve) => (finish = resolve));
      let ended = false;
      const end = (a: Answer = {}) => {
        if (ended) return;
        ended = true;
        finish({ exitCode: a.exitCode ?? 0, stdout: "", stderr: a.stderr ?? "" });
      };
      if (!options.onStream) throw new Error("this scripted kubectl has no streams");
      options.onStream({ plan, send: (line) => !ended && onLine(line), end });
      return { done, stop: () => end({ exitCode: 143 }) };
    },
    stopAll() {},
  };
  const retry: RetryPolicy = {
    attempts: 6,
    firstDelayMs: 1000,
    maxDelayMs: 8000,
    sleep: async (ms) => {
      slept.push(ms);
    },
    stopped: options.stopped ?? (() => false),
  };
  return { target: { kubectl: "kubectl", namespace: "ns" }, kubectl, retry, calls, slept };
}

/** kubectl's stderr for a refusal, in the form it prints for several errors. */
export const serverError = (reason: string, message: string): string => `Error from server (${reason}): ${message}\n`;
