/**
 * Whose an object is. jobx changes or deletes only what is its group's: a Job that
 * carries the group's labels and an ownerReference to the group's record by UID, and
 * the record itself (a ConfigMap with the record labels). A group that has no record
 * (its manifests came from `jobx expand` and were applied by hand) is the Jobs that
 * carry its labels and a member's item label and have no owner at all. Anything else
 * in the way is someone else's, and this says whose, in words a person can act on.
 */
import { LABEL, MANAGED_BY } from "../manifest/labels";
import { isRecordObject, RECORD_LABEL } from "./record";

/** As much of an object as ownership needs (metadata as the API returns it). */
export interface OwnedObject {
  kind?: string;
  metadata: {
    name: string;
    uid?: string;
    labels?: Record<string, string>;
    ownerReferences?: { kind?: string; name?: string; uid?: string }[];
    managedFields?: { manager?: string; operation?: string; time?: string; subresource?: string }[];
  };
}

export type Standing =
  /** The group's: its labels and an ownerReference to its record by UID. */
  | { kind: "ours" }
  /** Made by `jobx expand` and applied by hand: the group's labels, a member's item label, and no owner at all. */
  | { kind: "unowned" }
  /** Someone else's; `owner` says whose. */
  | { kind: "foreign"; owner: string };

/**
 * Who made an object, as its managed fields say: the first manager that wrote the object
 * itself. Writers of a subresource (the Job controller on `status`, within the same second
 * as the create) keep it running; they did not make it.
 */
function creator(object: OwnedObject): string | undefined {
  const fields = (object.metadata.managedFields ?? []).filter((f) => !f.subresource);
  const first = [...fields].sort((a, b) => (a.time ?? "").localeCompare(b.time ?? ""))[0];
  return first?.manager;
}

/** Whose an object is, in words: "jobx group other", "ConfigMap x (its owner)", "field manager kubectl-create". */
export function describeOwner(object: OwnedObject): string {
  const labels = object.metadata.labels ?? {};
  const group = labels[LABEL.managedBy] === MANAGED_BY ? labels[LABEL.group] : undefined;
  if (group !== undefined) return `jobx group ${group}`;
  const owner = object.metadata.ownerReferences?.[0];
  if (owner) return `${owner.kind ?? "an object"} ${owner.name ?? ""}`.trim();
  const manager = creator(object);
  return manager ? `field manager ${manager}` : "an unknown owner";
}

/** Whether a Job is group `group`'s, whose record has uid `recordUid` (undefined: the group has no record yet). */
export function jobStanding(job: OwnedObject, group: string, recordUid: string | undefined): Standing {
  const labels = job.metadata.labels ?? {};
  const refs = job.metadata.ownerReferences ?? [];
  if (labels[LABEL.managedBy] !== MANAGED_BY || labels[LABEL.group] !== group) return { kind: "foreign", owner: describeOwner(job) };
  if (recordUid !== undefined && refs.some((r) => r.kind === "ConfigMap" && r.name === group && r.uid === recordUid)) return { kind: "ours" };
  if (refs.length === 0 && labels[LABEL.item] !== undefined && labels[RECORD_LABEL] === undefined) return { kind: "unowned" };
  if (refs.length === 0) return { kind: "foreign", owner: "no one, and it is not a member jobx made" };
  const other = refs.find((r) => !(r.kind === "ConfigMap" && r.name === group));
  return { kind: "foreign", owner: other ? `${other.kind ?? "an object"} ${other.name ?? ""}`.trim() : `an earlier record of group ${group} (uid ${refs[0]?.uid ?? "?"})` };
}

/** Whether the ConfigMap under the group's name is the group's record. */
export function recordStanding(cm: OwnedObject, group: string): Standing {
  return isRecordObject(cm, group) ? { kind: "ours" } : { kind: "foreign", owner: describeOwner(cm) };
}
