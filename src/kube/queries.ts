/**
 * Cluster reads for a group, on top of the plans, the retry rule and the kubectl seam.
 * Every read retries transient failures; one that still fails is a ClusterError (exit 5),
 * never an empty answer.
 */
import { ConflictError } from "../errors";
import { isRecordObject, parseRecord, RECORD_LABEL, RECORD_PART_LABEL, recordPartCount, type GroupRecord } from "../group/record";
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
  if (!isRecordObject(cm, group)) return { kind: "foreign", object: cm };
  const parts = recordPartCount(cm as { data?: Record<string, string> }) > 0 ? await recordParts(cluster, group) : [];
  const record = parseRecord(cm as Parameters<typeof parseRecord>[0], group, parts as Parameters<typeof parseRecord>[2]);
  // Labelled as the record but not readable as one (made by hand, or its parts deleted):
  // it cannot be shown to be this group's, so nothing acts on it. This is what the cluster
  // holds, not a failure to reach it.
  if (!record) {
    throw new ConflictError(`the ConfigMap ${group} carries the record labels of group ${group} but is not a readable record: its data or a part of its members is missing (kubectl get configmaps -l ${RECORD_PART_LABEL},${LABEL.group}=${group})`, [
      "fix: if it is not a jobx record, remove its jobx.dev labels or choose another --group; if it is a damaged record, delete it (kubectl delete configmap " + group + ") and apply the group again",
    ]);
  }
  return { kind: "record", record, object: cm };
}

/** The parts of a large record (its members, gzipped, in ConfigMaps of their own). */
export async function recordParts(cluster: Cluster, group: string, allNamespaces = false): Promise<KubeObject[]> {
  const labels = `${LABEL.managedBy}=${MANAGED_BY},${RECORD_PART_LABEL}${group ? `,${LABEL.group}=${group}` : ""}`;
  return parseObjects(await runOrThrow(cluster, getPlan(cluster.target, "configmaps", { labels, allNamespaces }, group ? `read the parts of the record of group ${group}` : "read the parts of large group records")));
}

export async function listGroupJobs(cluster: Cluster, group: string): Promise<(JobLike & KubeObject)[]> {
  const out = await runOrThrow(cluster, getPlan(cluster.target, "jobs", { labels: groupSelector(group) }, `list the Jobs of group ${group}`));
  return parseObjects(out) as (JobLike & KubeObject)[];
}

/** The group's pods; `unfinished`: only those that did not succeed (a packed group's failures and the ones still going, never the thousands that succeeded). */
export async function listGroupPods(cluster: Cluster, group: string, options: { notSucceeded?: boolean } = {}): Promise<KubeObject[]> {
  const plan = getPlan(cluster.target, "pods", { labels: groupSelector(group) }, `list the pods of group ${group}`);
  if (options.notSucceeded) plan.args.push("--field-selector=status.phase!=Succeeded");
  return parseObjects(await runOrThrow(cluster, plan));
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
