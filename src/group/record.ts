/**
 * The group record: a ConfigMap named after the group, written before the Jobs, holding
 * who the members are and how they were made. Every Job has an ownerReference to it, so
 * deleting the record garbage-collects the whole group even if jobx was interrupted, and
 * status can name members that are gone from the cluster.
 */
import { ANNOTATION, groupLabels, LABEL, MANAGED_BY } from "../manifest/labels";

export const RECORD_LABEL = "jobx.dev/record";

export interface Member {
  name: string;
  index: number;
  params: Record<string, unknown>;
}

export interface GroupRecord {
  group: string;
  /** True for a group found only by its Jobs' labels (manifests from `jobx expand` applied by hand): nothing recorded its members. */
  unrecorded?: true;
  template: string;
  templateHash: string;
  appliedAt: string;
  appliedBy: string;
  jobxVersion: string;
  members: Member[];
}

/** ConfigMaps hold at most 1 MiB (etcd's object limit); keep room for metadata. */
export const RECORD_DATA_LIMIT = 900 * 1024;

export interface ConfigMapObject {
  apiVersion: "v1";
  kind: "ConfigMap";
  metadata: { name: string; namespace?: string; uid?: string; labels: Record<string, string>; annotations?: Record<string, string> };
  data: Record<string, string>;
}

export function recordConfigMap(record: GroupRecord): ConfigMapObject {
  const { members, ...about } = record;
  const data = {
    "group.json": JSON.stringify(about),
    "members.json": JSON.stringify(members.map((m) => [m.name, m.index, m.params])),
  };
  const labels = groupLabels(record.group, 0);
  delete labels[LABEL.item];
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: record.group, labels: { ...labels, [RECORD_LABEL]: "true" } },
    data,
  };
}

export function recordDataSize(cm: ConfigMapObject): number {
  return Object.entries(cm.data).reduce((n, [k, v]) => n + k.length + Buffer.byteLength(v), 0);
}

/** Whether a ConfigMap carries a group record's labels (of `group`, when given). */
export function isRecordObject(cm: { metadata?: { labels?: Record<string, string> } }, group?: string): boolean {
  const labels = cm.metadata?.labels ?? {};
  return labels[LABEL.managedBy] === MANAGED_BY && labels[RECORD_LABEL] === "true" && (group === undefined || labels[LABEL.group] === group);
}

/** Reads a record back; undefined when the ConfigMap is not a jobx group record (of `group`, when given). */
export function parseRecord(cm: { metadata?: { labels?: Record<string, string> }; data?: Record<string, string> }, group?: string): GroupRecord | undefined {
  if (!isRecordObject(cm, group)) return undefined;
  try {
    const about = JSON.parse(cm.data?.["group.json"] ?? "") as Omit<GroupRecord, "members">;
    const rows = JSON.parse(cm.data?.["members.json"] ?? "[]") as [string, number, Record<string, unknown>][];
    return { ...about, members: rows.map(([name, index, params]) => ({ name, index, params })) };
  } catch {
    return undefined;
  }
}

/** The ownerReference every member Job carries to its record. */
export function ownerReferenceTo(cm: { metadata: { name: string; uid?: string } }): Record<string, unknown> {
  if (!cm.metadata.uid) throw new Error("the group record has no uid yet: it must be created before its Jobs");
  // Not a controller reference: the Job controller owns the Job's pods, nothing owns the Job's spec.
  return { apiVersion: "v1", kind: "ConfigMap", name: cm.metadata.name, uid: cm.metadata.uid, blockOwnerDeletion: false };
}

/**
 * A record for a group that has none, read back from its Jobs (as `jobx expand` labels
 * them): each Job is a member, with its row's index and parameters. Members that were
 * never created or are gone cannot be known.
 */
export function recordFromJobs(group: string, jobs: readonly { metadata: { name: string; creationTimestamp?: string; labels?: Record<string, string>; annotations?: Record<string, string> } }[]): GroupRecord {
  const members = jobs.map((job) => {
    let params: Record<string, unknown> = {};
    try {
      params = JSON.parse(job.metadata.annotations?.[ANNOTATION.params] ?? "{}") as Record<string, unknown>;
    } catch {
      // an annotation someone edited: the member still counts, without its parameters
    }
    return { name: job.metadata.name, index: Number(job.metadata.labels?.[LABEL.item] ?? 0), params };
  });
  const created = jobs.map((j) => j.metadata.creationTimestamp ?? "").filter(Boolean).sort()[0] ?? "";
  return { group, unrecorded: true, template: "(not recorded)", templateHash: "", appliedAt: created, appliedBy: "(not recorded)", jobxVersion: "", members };
}
