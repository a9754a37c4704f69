/**
 * Writing many objects with few kubectl processes: documents go on stdin in batches,
 * a bounded number of batches in flight, and each object's result is read on its own:
 * kubectl prints the name of every object it wrote (`-o name`) and an error line for
 * every one it did not, so a batch in which some objects fail still writes the others,
 * and an object counts as written only when kubectl said so.
 *
 * Retries follow the one rule (retry.ts): an object refused transiently (429/5xx that
 * kubectl gave up on, connection trouble) is sent again with backoff; a permanent
 * refusal is final. When kubectl ends without a word about some objects (it died
 * mid-batch), the caller's `verify` says which of them stand as they were sent before
 * any is sent again, so nothing is ever written twice or counted written when it was not.
 */
import type { Cluster } from "./kubectl";
import { applyPlan, createPlan, type KubectlPlan } from "./plans";
import { isTransient, parseErrors, parseObjects, parseWrittenNames, type KubeObject, type ObjectError } from "./results";
import { policyOf, retryDelayMs } from "./retry";

export interface SubmitOptions {
  /** create: objects that do not exist (one that appeared meanwhile is refused, never merged into); apply: server-side apply of objects the caller checked are its own. */
  mode: "create" | "apply";
  batchSize?: number;
  concurrency?: number;
  dryRun?: "server";
  /** "jobs", "configmaps": for messages. */
  resource: string;
  /** With mode apply: the field manager (jobx's own by default). */
  fieldManager?: string;
  onProgress?: (written: number, total: number) => void;
  /** Stops launching new batches (Ctrl-C). */
  stopped?: () => boolean;
  /**
   * For objects kubectl gave no answer about: which of those names stand in the cluster
   * as they were sent (so count as written). Without it they are sent again.
   */
  verify?: (names: string[]) => Promise<Set<string>>;
}

export interface SubmitResult {
  written: Set<string>;
  failed: Map<string, ObjectError>;
  /** Objects never sent because submission was stopped. */
  notSent: string[];
  /** With dryRun: the objects as the server would store them. */
  dryRun: KubeObject[];
}

function nameOf(o: { metadata: { name: string } }): string {
  return o.metadata.name;
}

function planFor(cluster: Cluster, objects: KubeObject[], options: SubmitOptions): KubectlPlan {
  const purpose = `${options.mode === "create" ? "create" : "apply"} ${objects.length} ${options.resource}`;
  const dryRun = options.dryRun;
  if (options.mode === "create") return createPlan(cluster.target, objects, { dryRun, purpose });
  return applyPlan(cluster.target, objects, { dryRun, purpose, output: dryRun ? "json" : "name", ...(options.fieldManager ? { fieldManager: options.fieldManager } : {}) });
}

export async function submitObjects(cluster: Cluster, objects: KubeObject[], options: SubmitOptions): Promise<SubmitResult> {
  const policy = policyOf(cluster);
  const batchSize = options.batchSize ?? 100;
  const concurrency = options.concurrency ?? 4;
  const written = new Set<string>();
  const failed = new Map<string, ObjectError>();
  const dryRun: KubeObject[] = [];
  const byName = new Map(objects.map((o) => [nameOf(o), o]));
  const total = byName.size;
  const notSent: string[] = [];
  let pending = [...byName.keys()];

  const stopped = () => options.stopped?.() === true || policy.stopped();
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > 1) await policy.sleep(retryDelayMs(policy, attempt));
    if (stopped()) {
      notSent.push(...pending);
      break;
    }
    const last = attempt >= policy.attempts;
    const batches: string[][] = [];
    for (let i = 0; i < pending.length; i += batchSize) batches.push(pending.slice(i, i + batchSize));
    const again: string[] = [];
    const unanswered: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        if (stopped()) {
          while (next < batches.length) notSent.push(...(batches[next++] ?? []));
          return;
        }
        const batch = batches[next++] ?? [];
        const result = await cluster.kubectl.run(planFor(cluster, batch.map((n) => byName.get(n) as KubeObject), options));
        const names = options.dryRun ? new Set(parseObjects(result.stdout).map((o) => (dryRun.push(o), nameOf(o)))) : parseWrittenNames(result.stdout);
        const errors = parseErrors(result.stderr);
        // An error that names no object (connection refused, say) is about the whole batch.
        const general = errors.find((e) => e.name === undefined);
        for (const name of batch) {
          if (names.has(name)) {
            written.add(name);
            failed.delete(name);
            continue;
          }
          const error = errors.find((e) => e.name === name) ?? general;
          if (error && !isTransient(error)) failed.set(name, error);
          else if (error && !last) again.push(name);
          else if (!error) {
            unanswered.push(name);
            failed.set(name, { message: `kubectl ended (exit ${result.exitCode}) without a word about this object${result.stderr.trim() ? `: ${result.stderr.trim()}` : ""}`, fromServer: false });
          } else failed.set(name, error);
        }
        options.onProgress?.(written.size, total);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));

    let resend = unanswered;
    if (unanswered.length > 0 && options.verify && !options.dryRun) {
      // Ask before sending again: what stands as it was sent counts as written.
      const standing = await options.verify(unanswered);
      for (const name of unanswered) {
        if (!standing.has(name)) continue;
        written.add(name);
        failed.delete(name);
      }
      resend = unanswered.filter((n) => !standing.has(n));
    }
    pending = last ? [] : [...again, ...resend];
    for (const name of pending) failed.delete(name);
    options.onProgress?.(written.size, total);
  }
  return { written, failed, notSent, dryRun };
}
