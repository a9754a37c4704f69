/**
 * Cluster reads for a group, on top of the plans, the retry rule and the kubectl seam.
 * Every read retries transient failures; one that still fails is a ClusterError (exit 5),
 * never an empty answer.
 */
import { parseRecord, RECORD_LABEL, type GroupRecord } from "../group/record";
import type { JobLike } from "../group/member";
import { groupSelector, LABEL, MANAGED_BY } from "../manifest/labels";
import type { Cluster } from "./kubectl";
import { contextPlan, getPlan } from "./plans";
import { parseObjects, type KubeObject } from "./results";
import { runOrThrow } from "./retry";

/** What stands under a group's record name: nothing, the group's record, or someone else's ConfigMap. */
export type RecordLookup =
  | { kind: "absent" }
  | { kind: "record"; record: GroupRecord; object: KubeObject }
  | { kind: "foreign"; object: KubeObject };

export async function lookupRecord(cluster: Cluster, group: string): Promise<RecordLookup> {
  const out = await runOrThrow(cluster, getPlan(cluster.target, "configmap", { names: [group], managedFields: true }, `read the record of group ${group}`));
  const [cm] = parseObjects(out);
  if (!cm) return { kind: "absent" };
  const record = parseRecord(cm as Parameters<typeof parseRecord>[0], group);
  return record ? { kind: "record", record, object: cm } : { kind: "foreign", object: cm };
}

export async function listGroupJobs(cluster: Cluster, group: string): Promise<(JobLike & KubeObject)[]> {
  const out = await runOrThrow(cluster, getPlan(cluster.target, "jobs", { labels: groupSelector(group) }, `list the Jobs of group ${group}`));
  return parseObjects(out) as (JobLike & KubeObject)[];
}

export async function listGroupPods(cluster: Cluster, group: string): Promise<KubeObject[]> {
  const out = await runOrThrow(cluster, getPlan(cluster.target, "pods", { labels: groupSelector(group) }, `list the pods of group ${group}`));
  return parseObjects(out);
}

/** Every Job of the namespace (or of all namespaces), whoever made it: what apply checks names against. */
export async function listJobs(cluster: Cluster, options: { labels?: string; allNamespaces?: boolean; managedFields?: boolean; purpose: string }): Promise<(JobLike & KubeObject)[]> {
  const out = await runOrThrow(cluster, getPlan(cluster.target, "jobs", options, options.purpose));
  return parseObjects(out) as (JobLike & KubeObject)[];
}

export async function listRecords(cluster: Cluster, allNamespaces: boolean): Promise<KubeObject[]> {
  const plan = getPlan(cluster.target, "configmaps", { labels: `${LABEL.managedBy}=${MANAGED_BY},${RECORD_LABEL}=true`, allNamespaces }, "list jobx groups");
  return parseObjects(await runOrThrow(cluster, plan));
}

/** The namespace's events (the Job controller's outcomes outlive Jobs deleted by TTL). */
export async function listEvents(cluster: Cluster, namespace?: string): Promise<KubeObject[]> {
  const target = namespace === undefined ? cluster.target : { ...cluster.target, namespace };
  return parseObjects(await runOrThrow(cluster, getPlan(target, "events", {}, "list events")));
}

/** The context and namespace kubectl uses, named as the user would (for messages and raw API paths). */
export async function currentContext(cluster: Cluster): Promise<{ context: string; namespace: string }> {
  const out = await runOrThrow(cluster, contextPlan(cluster.target));
  const [context = "", namespace = ""] = out.trim().split("\t");
  return { context: cluster.target.context ?? (context || "(none)"), namespace: cluster.target.namespace ?? (namespace || "default") };
}
