/**
 * One retry rule for every kubectl call jobx makes: transient failures (429, 5xx,
 * connection trouble, timeouts) are tried again with bounded backoff; permanent
 * refusals (400, 403, 404, 409, 422) never are. The bound, documented in the README:
 * at most RETRY.attempts tries, waiting 1, 2, 4, 8, 8 s between them (23 s in all).
 *
 * kubectl itself (client-go) already retries answers that carry Retry-After, up to ten
 * times; jobx's retries are for the refusals kubectl gives up on.
 */
import { ClusterError } from "../errors";
import type { Cluster, KubectlResult } from "./kubectl";
import { showPlan, type KubectlPlan } from "./plans";
import { isTransient, parseErrors } from "./results";

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** The wait before the second try; it doubles, up to maxDelayMs. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Waits; resolves early when the work is being stopped (Ctrl-C). */
  sleep(ms: number): Promise<void>;
  /** True once the work is being stopped: no more tries. */
  stopped(): boolean;
}

export const RETRY: RetryPolicy = {
  attempts: 6,
  firstDelayMs: 1000,
  maxDelayMs: 8000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  stopped: () => false,
};

/** The wait before try number `attempt` (2, 3, …). */
export function retryDelayMs(policy: Pick<RetryPolicy, "firstDelayMs" | "maxDelayMs">, attempt: number): number {
  return Math.min(policy.firstDelayMs * 2 ** (attempt - 2), policy.maxDelayMs);
}

/** The most the policy waits in all, for messages. */
export function retryBudgetMs(policy: RetryPolicy): number {
  let total = 0;
  for (let attempt = 2; attempt <= policy.attempts; attempt++) total += retryDelayMs(policy, attempt);
  return total;
}

export function policyOf(cluster: Cluster): RetryPolicy {
  return cluster.retry ?? RETRY;
}

/** Whether a failed kubectl run may succeed if run again: every error it printed is transient. */
export function isTransientFailure(result: KubectlResult): boolean {
  if (result.exitCode === 0 || result.signal) return false;
  const errors = parseErrors(result.stderr);
  return errors.length > 0 && errors.every(isTransient);
}

/** Runs a plan, trying again while it fails transiently; returns the last result, whatever it is. */
export async function runRetried(cluster: Cluster, plan: KubectlPlan): Promise<{ result: KubectlResult; attempts: number }> {
  const policy = policyOf(cluster);
  let result = await cluster.kubectl.run(plan);
  let attempts = 1;
  while (attempts < policy.attempts && isTransientFailure(result) && !policy.stopped()) {
    attempts++;
    await policy.sleep(retryDelayMs(policy, attempts));
    if (policy.stopped()) break;
    result = await cluster.kubectl.run(plan);
  }
  return { result, attempts };
}

/** Why kubectl failed, in its own words. */
export function failureText(result: KubectlResult): string {
  if (result.signal) return `kubectl was stopped (${result.signal})`;
  return result.stderr.trim() || `kubectl exited ${result.exitCode} and said nothing`;
}

/**
 * Runs a plan that must succeed, with retries; a failure becomes a ClusterError (exit 5)
 * naming what jobx was doing, kubectl's message and the command.
 */
export async function runOrThrow(cluster: Cluster, plan: KubectlPlan): Promise<string> {
  const { result, attempts } = await runRetried(cluster, plan);
  if (result.exitCode === 0) return result.stdout;
  const tried = attempts > 1 ? ` (tried ${attempts} times)` : "";
  throw new ClusterError(`kubectl failed to ${plan.purpose}${tried}: ${failureText(result)}`, [`command: ${showPlan(plan)}`]);
}
