/**
 * The group record: a ConfigMap named after the group, written before the Jobs, holding
 * who the members are and how they were made. Every Job has an ownerReference to it, so
 * deleting the record garbage-collects the whole group even if jobx was interrupted, and
 * status can name members that are gone from the cluster.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { ANNOTATION, groupLabels, LABEL, MANAGED_BY } from "../manifest/labels";

export const RECORD_LABEL = "jobx.dev/record";
/** On a part of a large record: which part it is. */
export const RECORD_PART_LABEL = "jobx.dev/record-part";

export interface Member {
  /** The member's Job; for an item of a packed group, the name its Job would have had. */
  name: string;
  /** Its row. */
  index: number;
  params: Record<string, unknown>;
  /** An item of a packed group: the Job that runs it and its completion index there. */
  packed?: { job: string; at: number };
  /** A member run again by `jobx retry`: the Job that runs it now (its own name until then). */
  job?: string;
  /** The Jobs (and, packed, indexes) that ran it before, oldest first: `jobx retry` keeps them. */
  history?: { job: string; at?: number }[];
}

/** The Job a member's state comes from now. */
export function currentJob(member: Member): string {
  return member.packed?.job ?? member.job ?? member.name;
}

/** How a packed group runs: K rows per pod, its Jobs and its rows ConfigMaps. */
export interface PackInfo {
  perPod: number;
  jobs: string[];
  rows: string[];
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
  /** Set for a packed group. */
  pack?: PackInfo;
  members: Member[];
}

/**
 * Members kept as text in the record itself up to this size; past it they are gzipped,
 * and past what one ConfigMap holds (1 MiB) the gzipped bytes go into parts — ConfigMaps
 * of their own, owned by the record — so a group of a million rows is still recordable.
 */
export const MEMBERS_INLINE_BYTES = 700 * 1024;
const PART_BYTES = 800 * 1024;

export interface ConfigMapObject {
  apiVersion: "v1";
  kind: "ConfigMap";
  metadata: { name: string; namespace?: string; uid?: string; labels: Record<string, string>; annotations?: Record<string, string> };
  data: Record<string, string>;
  binaryData?: Record<string, string>;
}

/**
 * A member as stored: [name, row, params], then — only when there is something to say —
 * the Job that runs it now and its index there (packed; null otherwise), then the
 * earlier [job, index] it ran as. Arrays, not objects: a million of them stay small.
 */
type MemberRow = [string, number, Record<string, unknown>, (string | null)?, (number | null)?, [string, number | null][]?];

function memberRows(members: readonly Member[]): MemberRow[] {
  return members.map((m) => {
    const row: MemberRow = [m.name, m.index, m.params];
    const job = m.packed?.job ?? m.job;
    if (job === undefined && !m.history?.length) return row;
    row.push(job ?? null, m.packed?.at ?? null);
    if (m.history?.length) row.push(m.history.map((h): [string, number | null] => [h.job, h.at ?? null]));
    return row;
  });
}

function membersOf(rows: MemberRow[]): Member[] {
  return rows.map(([name, index, params, job, at, history]) => {
    const member: Member = { name, index, params };
    if (typeof job === "string" && typeof at === "number") member.packed = { job, at };
    else if (typeof job === "string" && job !== name) member.job = job;
    if (history?.length) member.history = history.map(([j, a]) => (a === null ? { job: j } : { job: j, at: a }));
    return member;
  });
}

function recordLabels(group: string): Record<string, string> {
  const labels = groupLabels(group, 0);
  delete labels[LABEL.item];
  return labels;
}

/** The record's name of part n. */
export function recordPartName(group: string, n: number): string {
  return `${group}-members-${n}`;
}

/** The record, and the parts its members need when they do not fit in it (written after it, owned by it). */
export function recordConfigMaps(record: GroupRecord): { main: ConfigMapObject; parts: ConfigMapObject[] } {
  const { members, ...about } = record;
  const json = JSON.stringify(memberRows(members));
  const main: ConfigMapObject = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: record.group, labels: { ...recordLabels(record.group), [RECORD_LABEL]: "true" } },
    data: { "group.json": JSON.stringify(about) },
  };
  if (Buffer.byteLength(json) <= MEMBERS_INLINE_BYTES) {
    main.data["members.json"] = json;
    return { main, parts: [] };
  }
  const gz = gzipSync(json, { level: 9 });
  if (gz.length <= MEMBERS_INLINE_BYTES) {
    main.binaryData = { "members.json.gz": gz.toString("base64") };
    return { main, parts: [] };
  }
  const parts: ConfigMapObject[] = [];
  for (let at = 0, n = 0; at < gz.length; at += PART_BYTES, n++) {
    parts.push({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: recordPartName(record.group, n), labels: { ...recordLabels(record.group), [RECORD_PART_LABEL]: String(n) } },
      data: {},
      binaryData: { "members.json.gz": gz.subarray(at, at + PART_BYTES).toString("base64") },
    });
  }
  main.data["members.parts"] = String(parts.length);
  return { main, parts };
}

/** The record's main ConfigMap alone (its parts, if any, aside). */
export function recordConfigMap(record: GroupRecord): ConfigMapObject {
  return recordConfigMaps(record).main;
}

/** How many parts a record's members are in (0: in the record itself). */
export function recordPartCount(cm: { data?: Record<string, string> }): number {
  const n = Number(cm.data?.["members.parts"] ?? 0);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/** Whether a ConfigMap carries a group record's labels (of `group`, when given). */
export function isRecordObject(cm: { metadata?: { labels?: Record<string, string> } }, group?: string): boolean {
  const labels = cm.metadata?.labels ?? {};
  return labels[LABEL.managedBy] === MANAGED_BY && labels[RECORD_LABEL] === "true" && (group === undefined || labels[LABEL.group] === group);
}

type StoredConfigMap = { metadata?: { labels?: Record<string, string> }; data?: Record<string, string>; binaryData?: Record<string, string> };

/**
 * Reads a record back, with its parts (in any order) when its members are in parts;
 * undefined when the ConfigMap is not a jobx group record (of `group`, when given) or a
 * part is missing.
 */
export function parseRecord(cm: StoredConfigMap, group?: string, parts: readonly StoredConfigMap[] = []): GroupRecord | undefined {
  if (!isRecordObject(cm, group)) return undefined;
  try {
    const about = JSON.parse(cm.data?.["group.json"] ?? "") as Omit<GroupRecord, "members">;
    const count = recordPartCount(cm);
    let json: string;
    if (count > 0) {
      const byNumber = new Map(parts.map((p) => [Number(p.metadata?.labels?.[RECORD_PART_LABEL]), p.binaryData?.["members.json.gz"] ?? ""]));
      const chunks: Buffer[] = [];
      for (let n = 0; n < count; n++) {
        const b64 = byNumber.get(n);
        if (b64 === undefined) return undefined;
        chunks.push(Buffer.from(b64, "base64"));
      }
      json = gunzipSync(Buffer.concat(chunks)).toString("utf8");
    } else if (cm.binaryData?.["members.json.gz"] !== undefined) {
      json = gunzipSync(Buffer.from(cm.binaryData["members.json.gz"], "base64")).toString("utf8");
    } else {
      json = cm.data?.["members.json"] ?? "[]";
    }
    return { ...about, members: membersOf(JSON.parse(json) as MemberRow[]) };
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
