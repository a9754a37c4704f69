/**
 * `jobx delete GROUP`: exactly the group's Jobs and their pods (selected by the group
 * label AND the managed-by marker, with an explicit propagation policy), then the record.
 * Safe to re-run after an interruption: whatever is already gone is skipped.
 */
import { RunError, UsageError } from "../errors";
import { groupSelector } from "../manifest/labels";
import { listGroupJobs, listGroupPods, readRecord, runOrFail } from "../kube/queries";
import { deleteByNamePlan, deletePlan, type KubeTarget } from "../kube/plans";
import { confirm } from "../ui/confirm";
import { formatNote, formatWarning } from "../ui/errors";
import { resolveTarget, type TargetOptions } from "./target";

export interface DeleteOptions extends TargetOptions {
  yes: boolean;
  wait: boolean;
  timeout?: string;
  quiet?: boolean;
}

export async function deleteGroup(target: KubeTarget, group: string, options: { wait: boolean; quiet?: boolean; waitMs?: number }): Promise<void> {
  const say = (m: string) => !options.quiet && process.stderr.write(formatNote(m));
  const selector = groupSelector(group);
  // Foreground: each Job goes only after its pods, so no pod outlives its Job unseen.
  await runOrFail(deletePlan(target, "jobs", selector, "foreground", `delete the Jobs of group ${group}`));
  await runOrFail(deleteByNamePlan(target, "configmap", [group], "background", `delete the record of group ${group}`));
  say(`deleting group ${group}`);
  if (!options.wait) return;
  const deadline = Date.now() + (options.waitMs ?? 300_000);
  for (;;) {
    const [jobs, pods] = await Promise.all([listGroupJobs(target, group), listGroupPods(target, group)]);
    if (jobs.length === 0 && pods.length === 0) {
      say(`group ${group} is gone`);
      return;
    }
    if (Date.now() > deadline) {
      const stuck = pods.filter((p) => (p.metadata as { finalizers?: string[] }).finalizers?.length);
      throw new RunError(`group ${group} still has ${jobs.length} Jobs and ${pods.length} pods after the wait`, [
        ...stuck.slice(0, 10).map((p) => `pod ${p.metadata.name} is held by finalizers: ${((p.metadata as { finalizers?: string[] }).finalizers ?? []).join(", ")}`),
      ]);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function runDelete(group: string, options: DeleteOptions): Promise<void> {
  const target = resolveTarget(options);
  const [found, jobs] = await Promise.all([readRecord(target, group), listGroupJobs(target, group)]);
  if (!found && jobs.length === 0) {
    if (!options.quiet) process.stderr.write(formatNote(`nothing to delete: no record and no Jobs of group ${group}`));
    return;
  }
  if (!options.yes) {
    if (!process.stdin.isTTY || !process.stderr.isTTY) {
      throw new UsageError(`deleting group ${group} (${jobs.length} Jobs) needs --yes when not on a terminal`);
    }
    const where = `context ${target.context ?? "(current)"}, namespace ${target.namespace ?? "(the context's default)"}`;
    if (!(await confirm(`delete group ${group}: ${jobs.length} Jobs and their pods (${where})?`))) {
      process.stderr.write(formatWarning("nothing deleted"));
      return;
    }
  }
  await deleteGroup(target, group, { wait: options.wait, quiet: options.quiet });
}
