/** Cluster reads and writes for a whole group, on top of the plans and the runner. */
import { RunError } from "../errors";
import { groupSelector } from "../manifest/labels";
import { parseRecord, RECORD_LABEL, type GroupRecord } from "../group/record";
import type { JobLike } from "../group/member";
import { getPlan, type KubeTarget, type KubectlPlan, showPlan } from "./plans";
import { parseObjects, type KubeObject } from "./results";
import { runKubectl } from "./run";

/** Runs a plan that must succeed; a failure keeps kubectl's message and names the command. */
export async function runOrFail(plan: KubectlPlan): Promise<string> {
  const result = await runKubectl(plan);
  if (result.exitCode !== 0) {
    throw new RunError(`kubectl failed to ${plan.purpose}: ${result.stderr.trim() || `exit ${result.exitCode}`}`, [`command: ${showPlan(plan)}`]);
  }
  return result.stdout;
}

export async function readRecord(target: KubeTarget, group: string): Promise<{ record: GroupRecord; configMap: KubeObject } | undefined> {
  const out = await runOrFail(getPlan(target, "configmap", { name: group }, `read the record of group ${group}`));
  const [cm] = parseObjects(out);
  if (!cm) return undefined;
  const record = parseRecord(cm as Parameters<typeof parseRecord>[0]);
  if (!record) {
    throw new RunError(`the ConfigMap ${group} exists but is not a jobx group record (no ${RECORD_LABEL} label): refusing to treat it as one`);
  }
  return { record, configMap: cm };
}

export async function listGroupJobs(target: KubeTarget, group: string): Promise<JobLike[]> {
  const out = await runOrFail(getPlan(target, "jobs", { labels: groupSelector(group) }, `list the Jobs of group ${group}`));
  return parseObjects(out) as unknown as JobLike[];
}

export async function listGroupPods(target: KubeTarget, group: string): Promise<KubeObject[]> {
  const out = await runOrFail(getPlan(target, "pods", { labels: groupSelector(group) }, `list the pods of group ${group}`));
  return parseObjects(out);
}

export async function listRecords(target: KubeTarget, allNamespaces: boolean): Promise<KubeObject[]> {
  const plan = getPlan(target, "configmaps", { labels: `app.kubernetes.io/managed-by=jobx,${RECORD_LABEL}=true` }, "list jobx groups");
  if (allNamespaces) plan.args.push("--all-namespaces");
  return parseObjects(await runOrFail(plan));
}

/** Missing group: says how to find the existing ones. */
export function noSuchGroup(group: string, target: KubeTarget): RunError {
  return new RunError(
    `no group ${group} in namespace ${target.namespace ?? "(the context's default)"}: run 'jobx list' (or 'jobx list -A') to see the groups`,
    [],
    2,
  );
}

/** The namespace's events (the Job controller's outcomes outlive Jobs deleted by TTL). */
export async function listEvents(target: KubeTarget): Promise<KubeObject[]> {
  return parseObjects(await runOrFail(getPlan(target, "events", {}, "list events")));
}
