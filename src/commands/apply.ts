/**
 * `jobx apply`: expand, then submit the group — its record first, then its Jobs, each
 * owned by the record — and optionally wait for it and clean it up.
 */
import { userInfo } from "node:os";
import { InterruptedError, RunError, UsageError } from "../errors";
import { expandJobs } from "../manifest/expand";
import type { JobObject } from "../manifest/job";
import { groupSelector } from "../manifest/labels";
import { ownerReferenceTo, recordConfigMap, recordDataSize, RECORD_DATA_LIMIT, type GroupRecord } from "../group/record";
import { listGroupJobs, runOrFail } from "../kube/queries";
import { applyPlan, deleteByNamePlan, deletePlan, showPlan, type KubeTarget } from "../kube/plans";
import { isImmutable, isQuota, parseObjects, type KubeObject, type ObjectError } from "../kube/results";
import { submitObjects } from "../kube/submit";
import { shortHash } from "../text/hash";
import { VERSION } from "../version";
import { confirm } from "../ui/confirm";
import { formatNote, formatWarning } from "../ui/errors";
import { prepareExpansion, type ParamOptions } from "./expand";
import { watchInterrupts } from "./signals";
import { verifyReportSpecs, writeGroupReports } from "./reports";
import { resolveTarget, type TargetOptions } from "./target";
import { waitForGroup, timeoutMs, type WaitOptions } from "./wait";
import { deleteGroup } from "./delete";

export interface ApplyOptions extends ParamOptions, TargetOptions {
  dryRun?: string;
  wait: boolean;
  timeout?: string;
  failFast: boolean;
  cleanup: "never" | "on-success" | "always";
  replace: boolean;
  yes: boolean;
  output?: "text" | "json";
  quiet: boolean;
  batchSize: string;
  report?: string[];
}

function describeRow(job: JobObject): string {
  return `${job.metadata.name} (item ${job.metadata.labels?.["jobx.dev/item"] ?? "?"}: ${job.metadata.annotations?.["jobx.dev/params"] ?? ""})`;
}

export async function runApply(templateArg: string, options: ApplyOptions): Promise<void> {
  if (options.dryRun !== undefined && options.dryRun !== "client" && options.dryRun !== "server") {
    throw new UsageError(`--dry-run must be client or server, not ${JSON.stringify(options.dryRun)}`);
  }
  if (options.dryRun && options.wait) throw new UsageError("--dry-run creates nothing to wait for; drop --wait");
  if (!options.wait && options.cleanup !== "never") throw new UsageError("--cleanup acts when the wait ends: add --wait");
  const batchSize = Number(options.batchSize);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new UsageError(`--batch-size must be a positive integer, not ${options.batchSize}`);
  // Bad --timeout or --report values are refused before anything is created.
  timeoutMs(options.timeout);
  verifyReportSpecs(options.report);
  if (options.report?.length && !options.wait) throw new UsageError("--report describes how the group ended: add --wait (or run jobx status GROUP --report … later)");

  const target = resolveTarget(options);
  const { source, group, input } = prepareExpansion(templateArg, options);
  const jobs: JobObject[] = [];
  for (const row of expandJobs(input)) jobs.push(...row.jobs);
  const record: GroupRecord = {
    group,
    template: source.name,
    templateHash: shortHash(source.text, 16),
    appliedAt: new Date().toISOString(),
    appliedBy: process.env.USER || safeUser(),
    jobxVersion: VERSION,
    members: jobs.map((j) => ({
      name: j.metadata.name as string,
      index: Number(j.metadata.labels?.["jobx.dev/item"] ?? 0),
      params: JSON.parse(j.metadata.annotations?.["jobx.dev/params"] ?? "{}") as Record<string, unknown>,
    })),
  };
  const cm = recordConfigMap(record);
  if (recordDataSize(cm) > RECORD_DATA_LIMIT) {
    throw new UsageError(
      `the group record for ${jobs.length} Jobs would be ${Math.round(recordDataSize(cm) / 1024)} KiB, over the ${RECORD_DATA_LIMIT / 1024} KiB a ConfigMap can hold: ` +
        "split the parameters into several groups (--group), or pass large parameters by reference",
    );
  }
  if (target.namespace) {
    for (const j of jobs) j.metadata.namespace ??= target.namespace;
  }

  if (options.dryRun === "client") {
    printPlan(target, group, cm, jobs, batchSize);
    return;
  }
  const say = (m: string) => !options.quiet && process.stderr.write(formatNote(m));
  const interrupt = watchInterrupts();
  let applied = new Map<string, KubeObject>();
  try {
    // 1. The record, so every Job can be owned by it.
    const recordOut = await runOrFail(applyPlan(target, [cm], { dryRun: options.dryRun === "server" ? "server" : undefined, purpose: `write the group record ${group}` }));
    const [written] = parseObjects(recordOut);
    const owner = written?.metadata.uid ? ownerReferenceTo(written) : undefined;
    if (!owner && options.dryRun !== "server") throw new RunError(`kubectl wrote the group record ${group} but returned no uid`);
    const objects = jobs.map((j) => (owner ? { ...j, metadata: { ...j.metadata, ownerReferences: [owner] } } : j)) as unknown as KubeObject[];

    // 2. The Jobs, in batches.
    say(`${options.dryRun === "server" ? "validating" : "submitting"} ${jobs.length} Jobs of group ${group}`);
    let result = await submitObjects(target, objects, {
      batchSize,
      selector: groupSelector(group),
      resource: "jobs",
      dryRun: options.dryRun === "server" ? "server" : undefined,
      stopped: () => interrupt.signal() !== undefined,
    });
    applied = result.applied;

    // 3. Jobs that exist with another spec: the template changed under immutable Jobs.
    const immutable = [...result.failed].filter(([, e]) => isImmutable(e)).map(([n]) => n);
    if (immutable.length > 0 && options.replace && !interrupt.signal()) {
      const ok = options.yes || (process.stdin.isTTY && (await confirm(`delete and recreate ${immutable.length} Jobs of group ${group} whose template changed?`)));
      if (!ok) throw new UsageError("--replace needs a confirmation: answer y, or add --yes");
      say(`replacing ${immutable.length} Jobs whose template changed`);
      await runOrFail(deleteByNamePlan(target, "jobs", immutable, "foreground", `delete ${immutable.length} changed Jobs`));
      await waitGone(target, group, immutable);
      const again = await submitObjects(target, objects.filter((o) => immutable.includes(o.metadata.name)), {
        batchSize,
        selector: groupSelector(group),
        resource: "jobs",
      });
      for (const [n, o] of again.applied) {
        applied.set(n, o);
        result.failed.delete(n);
      }
      for (const [n, e] of again.failed) result.failed.set(n, e);
      result = { ...result, applied };
    }

    reportFailures(result.failed, jobs, group);
    if (interrupt.signal()) {
      throw new InterruptedError(interrupt.signal() ?? "SIGINT", `stopped submitting group ${group}: ${applied.size} of ${jobs.length} Jobs were submitted`, [
        `resume:   re-run the same jobx apply (submitted Jobs are left as they are)`,
        `clean up: jobx delete ${group}`,
      ]);
    }
    say(`${options.dryRun === "server" ? "the cluster accepted" : "submitted"} ${applied.size} of ${jobs.length} Jobs (group ${group})`);
    if (result.failed.size > 0) {
      throw new RunError(`${result.failed.size} of ${jobs.length} Jobs of group ${group} were not ${options.dryRun ? "accepted" : "submitted"}`, immutableHint(immutable, options.replace));
    }
  } finally {
    interrupt.dispose();
  }

  if (!options.wait) return;
  const waitOptions: WaitOptions = { ...options, failFast: options.failFast };
  let code = 0;
  let summary = "";
  try {
    const verdict = await waitForGroup(target, group, record, waitOptions);
    code = verdict.code;
    summary = verdict.summary;
  } catch (err) {
    if (options.cleanup === "always") await deleteGroup(target, group, { wait: false, quiet: options.quiet });
    throw err;
  }
  // Reports read the pods, so they come before any cleanup.
  await writeGroupReports(target, group, record, options.report, options.quiet);
  if (options.cleanup === "always" || (options.cleanup === "on-success" && code === 0)) {
    await deleteGroup(target, group, { wait: false, quiet: options.quiet });
  }
  if (code !== 0) throw new RunError(`group ${group}: ${summary}`, [], code);
  say(`group ${group}: ${summary}`);
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}

function immutableHint(immutable: string[], replace: boolean): string[] {
  if (immutable.length === 0 || replace) return [];
  return [
    `${immutable.length} Jobs already exist with a different template; a Job's template cannot change once created.`,
    "Re-run with --replace to delete and recreate just those Jobs (asks first; --yes to skip), or use a new --group.",
  ];
}

function reportFailures(failed: Map<string, ObjectError>, jobs: JobObject[], _group: string): void {
  const byName = new Map(jobs.map((j) => [j.metadata.name, j]));
  const shown = [...failed].slice(0, 20);
  for (const [name, error] of shown) {
    const job = byName.get(name);
    // kubectl's message is kept, but an immutable-field refusal repeats the whole pod
    // template; the field path and the rule are what a person needs.
    const message = isImmutable(error) ? `${/^.*? is invalid: ([\w.[\]]+):/.exec(error.message)?.[1] ?? "spec.template"}: field is immutable (the template changed since this Job was created)` : error.message;
    const kind = isQuota(error) ? "quota" : isImmutable(error) ? "immutable" : (error.reason ?? "error");
    process.stderr.write(formatWarning(`${job ? describeRow(job) : name}: ${kind}: ${message}`));
  }
  if (failed.size > shown.length) process.stderr.write(formatWarning(`…and ${failed.size - shown.length} more`));
}

async function waitGone(target: KubeTarget, group: string, names: string[]): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const present = new Set((await listGroupJobs(target, group)).map((j) => j.metadata.name));
    if (!names.some((n) => present.has(n))) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new RunError(`Jobs to replace in group ${group} were still being deleted after 2 minutes`);
}

function printPlan(target: KubeTarget, group: string, cm: object, jobs: JobObject[], batchSize: number): void {
  const batches = Math.ceil(jobs.length / batchSize);
  const lines = [
    `# jobx apply --dry-run=client: nothing was sent. The plan for group ${group}:`,
    `# 1. write the group record (ConfigMap ${group}):`,
    showPlan(applyPlan(target, [cm], { purpose: "" })),
    `# 2. submit ${jobs.length} Jobs, each owned by the record, in ${batches} batch${batches === 1 ? "" : "es"} of up to ${batchSize}:`,
    showPlan(applyPlan(target, jobs, { purpose: "" })),
    "# Jobs:",
    ...jobs.map((j) => `job.batch/${j.metadata.name}`),
    "# afterwards: jobx status " + group + "   jobx wait " + group + "   jobx delete " + group,
    `# (delete runs: ${showPlan(deletePlan(target, "jobs", groupSelector(group), "foreground", ""))})`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}
