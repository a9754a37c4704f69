/**
 * `jobx retry`: run again only the members that failed (or those named), keeping what
 * succeeded and keeping the history. A member of a group of one Job per row gets a new
 * Job, a copy of its last one named `<name>-r<N>`; items of a packed group get a new
 * Indexed Job, `<group>-retry-<N>`, whose pods run just their rows (the rows stay in the
 * group's rows ConfigMaps). The Jobs that ran them before stay, so status, the timeline
 * and the reports show every attempt; the record says which Job runs each member now.
 */
import { InputError, RunError } from "../errors";
import { jobStanding } from "../group/ownership";
import { currentJob, ownerReferenceTo, recordConfigMaps, recordPartName, type GroupRecord, type Member } from "../group/record";
import { applyPlan, createPlan, deleteByNamePlan, getPlan } from "../kube/plans";
import { listGroupJobs } from "../kube/queries";
import { parseObjects, type KubeObject, type ObjectError } from "../kube/results";
import { runOrThrow } from "../kube/retry";
import { submitObjects } from "../kube/submit";
import type { JobObject } from "../manifest/job";
import { ANNOTATION } from "../manifest/labels";
import { maxJobNameLength } from "../manifest/names";
import { shortHash } from "../text/hash";
import { pickMembers } from "./logs";
import { findGroup, snapshotGroup } from "./snapshot";
import type { Session } from "./session";

export interface RetryResult {
  record: GroupRecord;
  /** The members run again, and the Job that runs each now. */
  retried: { member: string; job: string }[];
  /** Members asked for that cannot be run again, and why. */
  skipped: { member: string; why: string }[];
  failed: Map<string, ObjectError>;
}

/** Labels the API server and the Job controller put on a Job's pod template and selector: a copy must not carry them. */
const CONTROLLER_LABELS = ["controller-uid", "batch.kubernetes.io/controller-uid", "job-name", "batch.kubernetes.io/job-name"];

/** A new Job with `name`, from a Job as the cluster holds it: its spec as written, not as the controller filled it in. */
function copyOf(job: KubeObject & { spec?: Record<string, unknown> }, name: string, owner: Record<string, unknown>): JobObject {
  const spec = JSON.parse(JSON.stringify(job.spec ?? {})) as JobObject["spec"] & { selector?: unknown; manualSelector?: unknown };
  delete spec.selector;
  delete spec.manualSelector;
  const labels = spec.template.metadata?.labels;
  if (labels) for (const l of CONTROLLER_LABELS) delete labels[l];
  const annotations: Record<string, string> = { ...job.metadata.annotations, [ANNOTATION.retryOf]: job.metadata.name };
  delete annotations[ANNOTATION.specHash];
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, ...(job.metadata.namespace ? { namespace: job.metadata.namespace } : {}), labels: { ...job.metadata.labels }, annotations, ownerReferences: [owner] },
    spec,
  };
}

/** `<name>-r<N>`, cut (with a hash) to fit the Job name limit. */
export function retryName(name: string, attempt: number, indexedCompletions?: number): string {
  const suffix = `-r${attempt}`;
  const max = maxJobNameLength(indexedCompletions);
  if (name.length + suffix.length <= max) return `${name}${suffix}`;
  const hash = shortHash(name, 6);
  return `${name.slice(0, max - suffix.length - hash.length - 1).replace(/-+$/, "")}-${hash}${suffix}`;
}

export async function retryGroup(session: Session, group: string, options: { item?: string }): Promise<RetryResult> {
  const { cluster } = session;
  const snapshot = await snapshotGroup(cluster, group);
  const { object } = await findGroup(cluster, group);
  const record = snapshot.record;
  if (!object?.metadata.uid || record.unrecorded) {
    throw new InputError(`group ${group} has no record (it was applied from jobx expand output), so jobx cannot keep track of a retry: apply it with jobx apply`);
  }
  const states = new Map(snapshot.tracker.all().map((m) => [m.member.name, m]));
  const chosen = options.item !== undefined ? pickMembers(record.members, options.item) : record.members.filter((m) => states.get(m.name)?.outcome === "failed");
  const skipped: RetryResult["skipped"] = [];
  const running = chosen.filter((m) => ["running", "pending"].includes(states.get(m.name)?.outcome ?? ""));
  for (const m of running) skipped.push({ member: m.name, why: "it is still running" });
  const todo = chosen.filter((m) => !running.includes(m));
  if (todo.length === 0) return { record, retried: [], skipped, failed: new Map() };

  const jobs = new Map((await listGroupJobs(cluster, group)).map((j) => [j.metadata.name, j]));
  const owner = ownerReferenceTo(object);
  const ours = (name: string) => {
    const j = jobs.get(name);
    return j && jobStanding(j, group, object.metadata.uid).kind === "ours" ? j : undefined;
  };
  const created: JobObject[] = [];
  const next = new Map<string, Member>();

  if (record.pack) {
    // Packed: one new Indexed Job for the chosen items, its pods given their rows by JOBX_ROWS.
    const source = todo.map((m) => ours(currentJob(m))).find(Boolean) ?? record.pack.jobs.map(ours).find(Boolean);
    if (!source) throw new RunError(`the packed Jobs of group ${group} are gone from the cluster (removed by their TTL?), so there is no spec to run its items again from: apply the group again`);
    const K = record.pack.perPod;
    const n = 1 + Math.max(0, ...[...jobs.keys()].map((name) => Number(/-retry-(\d+)$/.exec(name)?.[1] ?? 0)));
    const name = `${group}-retry-${n}`;
    const job = copyOf(source, name, owner);
    const completions = Math.ceil(todo.length / K);
    const spec = job.spec as JobObject["spec"] & { maxFailedIndexes?: number };
    spec.completions = completions;
    spec.parallelism = Math.min(completions, source.spec?.parallelism ?? completions);
    spec.maxFailedIndexes = completions;
    const podSpec = spec.template.spec as { containers: { env?: { name: string; value?: string }[] }[]; volumes?: { name: string; projected?: { sources: unknown[] } }[] };
    const rows = todo.map((m) => m.index).join(" ");
    for (const c of podSpec.containers) {
      if (!c.env?.some((e) => e.name === "JOBX_FIRST_ROW")) continue;
      c.env = [...c.env.filter((e) => !["JOBX_FIRST_ROW", "JOBX_END_ROW", "JOBX_ROWS"].includes(e.name)), { name: "JOBX_ROWS", value: rows }];
    }
    // Every rows ConfigMap of the group, since the chosen rows may be anywhere in them.
    for (const v of podSpec.volumes ?? []) if (v.name === "jobx-rows" && v.projected) v.projected.sources = record.pack.rows.map((cm) => ({ configMap: { name: cm } }));
    created.push(job);
    todo.forEach((m, position) => {
      const before = m.packed ? [{ job: m.packed.job, at: m.packed.at }] : [];
      next.set(m.name, { ...m, packed: { job: name, at: Math.floor(position / K) }, history: [...(m.history ?? []), ...before] });
    });
  } else {
    for (const m of todo) {
      const last = ours(currentJob(m));
      if (!last) {
        skipped.push({ member: m.name, why: "its Job is gone from the cluster (removed by its TTL?): there is no spec to run it again from; apply the group again" });
        continue;
      }
      const attempt = (m.history?.length ?? 0) + 1;
      const name = retryName(m.name, attempt, last.spec?.completionMode === "Indexed" ? last.spec.completions : undefined);
      created.push(copyOf(last, name, owner));
      next.set(m.name, { ...m, job: name, history: [...(m.history ?? []), { job: currentJob(m) }] });
    }
  }

  // The Jobs first (owned by the record, so nothing is left behind if the rest fails), then the record that names them.
  const result = await submitObjects(cluster, created as unknown as KubeObject[], { mode: "create", resource: "jobs", stopped: () => session.interrupts.signal() !== undefined });
  const updated: GroupRecord = { ...record, members: record.members.map((m) => (next.has(m.name) && result.written.has(currentJob(next.get(m.name) as Member)) ? (next.get(m.name) as Member) : m)) };
  await rewriteRecord(session, updated, object);
  const retried = record.members.filter((m) => next.has(m.name) && result.written.has(currentJob(next.get(m.name) as Member))).map((m) => ({ member: m.name, job: currentJob(next.get(m.name) as Member) }));
  return { record: updated, retried, skipped, failed: result.failed };
}

/** Writes a record again (with its uid), its parts too, and drops parts it no longer needs. */
async function rewriteRecord(session: Session, record: GroupRecord, existing: KubeObject): Promise<void> {
  const { cluster } = session;
  const { main, parts } = recordConfigMaps(record);
  const ns = existing.metadata.namespace;
  const withNs = <T extends { metadata: object }>(o: T): T => ({ ...o, metadata: { ...o.metadata, ...(ns ? { namespace: ns } : {}) } });
  const out = await runOrThrow(cluster, applyPlan(cluster.target, [withNs({ ...main, metadata: { ...main.metadata, uid: existing.metadata.uid } })], { purpose: `write the group record ${record.group}`, output: "json" }));
  const written = parseObjects(out)[0];
  if (!written?.metadata.uid) throw new RunError(`kubectl wrote the group record ${record.group} but returned no uid`);
  const owner = ownerReferenceTo(written);
  if (parts.length > 0) {
    const there = new Map(parseObjects(await runOrThrow(cluster, getPlan(cluster.target, "configmaps", { names: parts.map((p) => p.metadata.name) }, "read the record's parts"))).map((o) => [o.metadata.name, o]));
    const owned = parts.map((p) => withNs({ ...p, metadata: { ...p.metadata, ownerReferences: [owner], ...(there.get(p.metadata.name)?.metadata.uid ? { uid: there.get(p.metadata.name)?.metadata.uid } : {}) } }));
    const create = owned.filter((p) => !("uid" in p.metadata));
    const update = owned.filter((p) => "uid" in p.metadata);
    if (create.length) await runOrThrow(cluster, createPlan(cluster.target, create, { purpose: "write the record's parts" }));
    if (update.length) await runOrThrow(cluster, applyPlan(cluster.target, update, { purpose: "write the record's parts" }));
  }
  const stale = parseObjects(await runOrThrow(cluster, getPlan(cluster.target, "configmaps", { names: Array.from({ length: 4 }, (_, n) => recordPartName(record.group, parts.length + n)) }, "look for parts the record no longer needs")));
  const ownStale = stale.filter((o) => jobStanding(o, record.group, written.metadata.uid).kind === "ours").map((o) => o.metadata.name);
  if (ownStale.length > 0) await runOrThrow(cluster, deleteByNamePlan(cluster.target, "configmaps", ownStale, "background", "delete the record's parts it no longer needs"));
}
