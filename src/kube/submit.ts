/**
 * Submitting many objects with few kubectl processes: documents go on stdin in batches,
 * a bounded number of batches in flight; each object's result is read from kubectl's
 * output, so a batch in which some objects fail still creates the others.
 *
 * Retries: kubectl itself retries answers that carry Retry-After (client-go, 10 times),
 * so jobx only re-sends objects whose refusal kubectl gave up on (429/5xx without
 * Retry-After, connection trouble), with bounded backoff. Before re-sending objects
 * whose outcome is unknown (kubectl died mid-batch), it asks the cluster which exist.
 * Server-side apply makes a re-send of an existing identical object a no-op, so nothing
 * is ever duplicated.
 */
import { applyPlan, getPlan, type KubeTarget } from "./plans";
import { isRetryable, parseErrors, parseObjects, type KubeObject, type ObjectError } from "./results";
import { runKubectl } from "./run";

export interface SubmitOptions {
  batchSize?: number;
  concurrency?: number;
  dryRun?: "server";
  /** Attempts per object for retryable refusals, the first included. */
  attempts?: number;
  /** Backoff before the n-th retry: base · 2^(n-1), capped. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Label selector that finds every object being submitted (to check uncertain outcomes). */
  selector: string;
  resource: string;
  onProgress?: (done: number, total: number) => void;
  /** Stops launching new batches (Ctrl-C). */
  stopped?: () => boolean;
  sleep?: (ms: number) => Promise<void>;
}

export interface SubmitResult {
  applied: Map<string, KubeObject>;
  failed: Map<string, ObjectError>;
  /** Objects never sent because submission was stopped. */
  notSent: string[];
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function nameOf(o: { metadata: { name: string } }): string {
  return o.metadata.name;
}

export async function submitObjects(target: KubeTarget, objects: KubeObject[], options: SubmitOptions): Promise<SubmitResult> {
  const batchSize = options.batchSize ?? 100;
  const concurrency = options.concurrency ?? 4;
  const attempts = options.attempts ?? 6;
  const sleep = options.sleep ?? defaultSleep;
  const applied = new Map<string, KubeObject>();
  const failed = new Map<string, ObjectError>();
  const byName = new Map(objects.map((o) => [nameOf(o), o]));
  let pending = [...byName.keys()];
  const total = pending.length;
  const notSent: string[] = [];

  for (let attempt = 1; pending.length > 0 && attempt <= attempts; attempt++) {
    if (attempt > 1) {
      await sleep(Math.min((options.backoffMs ?? 1000) * 2 ** (attempt - 2), options.maxBackoffMs ?? 30_000));
    }
    const batches: string[][] = [];
    for (let i = 0; i < pending.length; i += batchSize) batches.push(pending.slice(i, i + batchSize));
    const retry: string[] = [];
    const uncertain: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        if (options.stopped?.()) {
          while (next < batches.length) notSent.push(...(batches[next++] ?? []));
          return;
        }
        const batch = batches[next++] ?? [];
        const plan = applyPlan(target, batch.map((n) => byName.get(n) as KubeObject), {
          dryRun: options.dryRun,
          purpose: `apply ${batch.length} ${options.resource}`,
        });
        const result = await runKubectl(plan);
        for (const o of parseObjects(result.stdout)) {
          if (byName.has(nameOf(o))) applied.set(nameOf(o), o);
        }
        const errors = parseErrors(result.stderr);
        for (const name of batch) {
          if (applied.has(name)) continue;
          const error = errors.find((e) => e.name === name);
          if (error) {
            if (isRetryable(error) && attempt < attempts) retry.push(name);
            else failed.set(name, error);
          } else {
            uncertain.push(name);
            // kept for the message if it stays uncertain
            const general = errors.find((e) => e.name === undefined);
            failed.set(name, general ?? { message: `kubectl ended (exit ${result.exitCode}) without a result for this object${result.stderr.trim() ? `: ${result.stderr.trim()}` : ""}` });
          }
        }
        options.onProgress?.(applied.size, total);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));

    if (uncertain.length > 0 && !options.dryRun) {
      // Ask before re-sending: what exists now counts as applied.
      const check = await runKubectl(getPlan(target, options.resource, { labels: options.selector }, "check which objects exist"));
      if (check.exitCode === 0) {
        for (const o of parseObjects(check.stdout)) {
          if (uncertain.includes(nameOf(o))) {
            applied.set(nameOf(o), o);
            failed.delete(nameOf(o));
          }
        }
      }
    }
    pending = [...retry, ...uncertain.filter((n) => !applied.has(n) && attempt < attempts)];
    for (const n of pending) failed.delete(n);
    options.onProgress?.(applied.size, total);
  }
  for (const n of pending) if (!failed.has(n) && !applied.has(n)) failed.set(n, { message: "gave up after repeated refusals" });
  return { applied, failed, notSent };
}
