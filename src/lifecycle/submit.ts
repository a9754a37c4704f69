/**
 * Submitting a group (`jobx apply` without the waiting): the record, then the Jobs, each
 * owned by the record. Before anything is written, everything that stands in the way is
 * looked at: a ConfigMap under the group's name that is not its record, or a Job under
 * one of its names that is not its own (another group's, one made by `kubectl create
 * job`, or one applied from `jobx expand` output), stops the apply with the owner named
 * and the fix — unless `--adopt` says to take such Jobs over, and they are listed.
 *
 * Then: Jobs that do not exist are created (an object that appears meanwhile is refused,
 * never merged into); the group's own Jobs that are unchanged (same spec hash) are left
 * alone; changed ones are applied server-side with their uid; a template change that
 * meets an immutable Job is reported, and `--replace` deletes and re-creates just those.
 * At the end the group is listed again, so what is reported is what stands.
 */
import { ConflictError, InterruptedError, RunError, UsageError } from "../errors";
import { jobStanding, recordStanding, type Standing } from "../group/ownership";
import { ownerReferenceTo, recordConfigMap, recordDataSize, RECORD_DATA_LIMIT, type GroupRecord, type Member } from "../group/record";
import type { Cluster } from "../kube/kubectl";
import { applyPlan, createPlan, deleteByNamePlan } from "../kube/plans";
import { currentContext, listGroupJobs, listJobs, lookupRecord } from "../kube/queries";
import { isImmutable, isQuota, parseObjects, type KubeObject, type ObjectError } from "../kube/results";
import { runOrThrow } from "../kube/retry";
import { submitObjects, type SubmitResult } from "../kube/submit";
import { expandJobs } from "../manifest/expand";
import type { JobObject } from "../manifest/job";
import { ANNOTATION, LABEL } from "../manifest/labels";
import { shortHash } from "../text/hash";
import { counted } from "../text/plural";
import { VERSION } from "../version";
import type { Expansion } from "./expansion";
import { note, warn, type Session } from "./session";

export interface SubmitOptions {
  /** Jobs per kubectl process. */
  batchSize: number;
  /** Have the cluster validate everything and store nothing. */
  dryRun?: "server";
  /** Delete and re-create the group's Jobs whose (immutable) template changed. */
  replace: boolean;
  /** Take over Jobs in the way that are not the group's (they are listed first). */
  adopt: boolean;
  /** Delete the group's Jobs that this expansion no longer has. */
  prune: boolean;
  /** Do not ask before --replace or --prune. */
  yes: boolean;
  quiet: boolean;
}

export interface SubmitReport {
  group: string;
  record: GroupRecord;
  /** Jobs this expansion has. */
  total: number;
  created: number;
  /** The group's own Jobs applied again because they changed. */
  updated: number;
  unchanged: number;
  replaced: number;
  adopted: number;
  /** Members of the earlier apply that this expansion does not have (kept, or deleted with --prune). */
  dropped: string[];
  pruned: boolean;
  failed: Map<string, ObjectError>;
  /** The group's Jobs standing when the apply ended (by name). */
  standing: Set<string>;
  /** This expansion's Jobs that stand as it wants them: written now, or unchanged. */
  submitted: number;
  /** The objects as jobx sent them (the record first), for `-o json|yaml|name`. */
  objects: KubeObject[];
  /** Whether a Job was refused because its template changed (the --replace hint). */
  immutable: string[];
}

/**
 * The Jobs an expansion has, each with its spec hash (so an unchanged re-apply sends
 * nothing), and the members the record lists: each Job with its row.
 */
function expandAll(expansion: Expansion, namespace: string | undefined): { jobs: JobObject[]; members: Member[] } {
  const jobs: JobObject[] = [];
  const members: Member[] = [];
  for (const { index, row, jobs: rowJobs } of expandJobs(expansion.input)) {
    for (const job of rowJobs) {
      if (namespace) job.metadata.namespace ??= namespace;
      job.metadata.annotations = { ...job.metadata.annotations, [ANNOTATION.specHash]: shortHash(JSON.stringify(job), 16) };
      jobs.push(job);
      members.push({ name: job.metadata.name as string, index, params: row });
    }
  }
  return { jobs, members };
}

function describeJob(job: JobObject | undefined, name: string): string {
  if (!job) return name;
  return `${name} (item ${job.metadata.labels?.[LABEL.item] ?? "?"}: ${job.metadata.annotations?.[ANNOTATION.params] ?? ""})`;
}

/** Why an object in the way is refused, and what to do. */
function conflictLines(conflicts: { name: string; standing: Standing }[], group: string): string[] {
  const lines = conflicts.slice(0, 20).map(({ name, standing }) =>
    standing.kind === "unowned"
      ? `Job ${name} has the labels of group ${group} but no owner (applied from 'jobx expand' output?)`
      : `Job ${name} belongs to ${standing.kind === "foreign" ? standing.owner : "?"}`,
  );
  if (conflicts.length > 20) lines.push(`…and ${conflicts.length - 20} more`);
  lines.push("fix: choose another --group or other Job names (metadata.name in the template), or pass --adopt to take these Jobs over into the group");
  return lines;
}

/** Says once per refused Job what kubectl said, briefly for an immutable field. */
function reportFailures(session: Session, failed: Map<string, ObjectError>, jobs: Map<string, JobObject>): void {
  const shown = [...failed].slice(0, 20);
  for (const [name, error] of shown) {
    // kubectl's message is kept, but an immutable-field refusal repeats the whole pod
    // template; the field path and the rule are what a person needs.
    const message = isImmutable(error) ? `${/ is invalid: ([\w.[\]]+):/.exec(error.message)?.[1] ?? "spec.template"}: field is immutable (the template changed since this Job was created)` : error.message;
    const kind = isQuota(error) ? "quota" : isImmutable(error) ? "immutable" : (error.reason ?? "error");
    warn(session, `${describeJob(jobs.get(name), name)}: ${kind}: ${message}`);
  }
  if (failed.size > shown.length) warn(session, `…and ${failed.size - shown.length} more`);
}

/** Writes the record: created when absent, applied (with its uid) when it is the group's. Returns it as stored. */
async function writeRecord(cluster: Cluster, record: GroupRecord, existing: KubeObject | undefined, dryRun: "server" | undefined): Promise<KubeObject | undefined> {
  const cm = recordConfigMap(record);
  if (cluster.target.namespace) (cm.metadata as { namespace?: string }).namespace = cluster.target.namespace;
  const purpose = `write the group record ${record.group}`;
  const plan = existing
    ? applyPlan(cluster.target, [{ ...cm, metadata: { ...cm.metadata, uid: existing.metadata.uid } }], { dryRun, purpose, output: "json" })
    : createPlan(cluster.target, [cm], { dryRun, purpose, output: "json" });
  return parseObjects(await runOrThrow(cluster, plan))[0];
}

export async function submitGroup(session: Session, expansion: Expansion, options: SubmitOptions): Promise<SubmitReport> {
  const { cluster } = session;
  const { group } = expansion;
  const say = (m: string) => !options.quiet && note(session, m);
  const interrupted = (done: string) => {
    const signal = session.interrupts.signal();
    if (!signal) return undefined;
    return new InterruptedError(signal, `stopped submitting group ${group}: ${done}`, [
      "resume:   re-run the same jobx apply (what was submitted is left as it is)",
      `clean up: jobx delete ${group}`,
    ]);
  };

  const { jobs, members } = expandAll(expansion, cluster.target.namespace);
  const byName = new Map(jobs.map((j) => [j.metadata.name as string, j]));
  const [where, found, nsJobs] = await Promise.all([
    currentContext(cluster),
    lookupRecord(cluster, group),
    listJobs(cluster, { managedFields: true, purpose: `list the Jobs of the namespace, to check the names of group ${group}` }),
  ]).catch((err: unknown) => {
    throw interrupted("nothing was sent") ?? err;
  });

  // 1. What stands in the way — before anything is written.
  if (found.kind === "foreign") {
    const standing = recordStanding(found.object, group);
    throw new ConflictError(`the ConfigMap ${group} in namespace ${where.namespace} is not a jobx group record (it belongs to ${standing.kind === "foreign" ? standing.owner : "?"}): nothing was changed`, [
      "jobx keeps each group's record in a ConfigMap named after the group, and never writes into someone else's.",
      "fix: choose another group name with --group",
    ]);
  }
  const recordUid = found.kind === "record" ? found.object.metadata.uid : undefined;
  const existing = new Map(nsJobs.map((j) => [j.metadata.name, j]));
  const toCreate: string[] = [];
  const toApply: string[] = [];
  const unchanged: string[] = [];
  const conflicts: { name: string; standing: Standing }[] = [];
  for (const [name, job] of byName) {
    const there = existing.get(name);
    if (!there) {
      toCreate.push(name);
      continue;
    }
    const standing = jobStanding(there, group, recordUid);
    if (standing.kind !== "ours") conflicts.push({ name, standing });
    else if (there.metadata.annotations?.[ANNOTATION.specHash] === job.metadata.annotations?.[ANNOTATION.specHash]) unchanged.push(name);
    else toApply.push(name);
  }
  if (conflicts.length > 0 && !options.adopt) {
    throw new ConflictError(`${conflicts.length} of the ${jobs.length} Jobs of group ${group} would replace or change Jobs that are not the group's: nothing was changed`, conflictLines(conflicts, group));
  }
  const adopted = conflicts.map((c) => c.name);
  if (adopted.length > 0) {
    say(`taking over ${adopted.length} Job${adopted.length === 1 ? "" : "s"} into group ${group} (--adopt): ${adopted.slice(0, 10).join(", ")}${adopted.length > 10 ? `, …` : ""}`);
  }

  // Members of the earlier apply that this one drops: kept and still tracked, or deleted with --prune.
  const earlier = found.kind === "record" ? found.record.members : [];
  const droppedMembers = earlier.filter((m) => !byName.has(m.name));
  const dropped = droppedMembers.map((m) => m.name);
  if (dropped.length > 0 && !options.prune) {
    warn(session, `${dropped.length} member${dropped.length === 1 ? "" : "s"} of the earlier apply of group ${group} ${dropped.length === 1 ? "is" : "are"} not in this expansion: ${dropped.slice(0, 10).join(", ")}${dropped.length > 10 ? ", …" : ""}; they stay in the group (status and wait still count them). To delete them, re-run with --prune`);
  }
  if (dropped.length > 0 && options.prune && !options.dryRun && !options.yes) {
    if (!(await session.confirm(`delete ${dropped.length} Jobs of group ${group} that this expansion no longer has (${dropped.slice(0, 5).join(", ")}${dropped.length > 5 ? ", …" : ""})?`))) {
      throw new UsageError("--prune deletes Jobs and needs a confirmation: answer y, or add --yes");
    }
  }

  const record: GroupRecord = {
    group,
    template: expansion.source.name,
    templateHash: shortHash(expansion.source.text, 16),
    appliedAt: new Date(session.now()).toISOString(),
    appliedBy: session.user,
    jobxVersion: VERSION,
    members: [...members, ...(options.prune ? [] : droppedMembers)],
  };
  const size = recordDataSize(recordConfigMap(record));
  if (size > RECORD_DATA_LIMIT) {
    throw new UsageError(
      `the group record for ${record.members.length} Jobs would be ${Math.round(size / 1024)} KiB, over the ${RECORD_DATA_LIMIT / 1024} KiB a ConfigMap can hold: ` +
        "split the parameters into several groups (--group), or pass large parameters by reference",
    );
  }

  // 2. The record, so every Job can be owned by it.
  const verb = options.dryRun ? "validating" : "submitting";
  let written: KubeObject | undefined;
  try {
    written = await writeRecord(cluster, record, found.kind === "record" ? found.object : undefined, options.dryRun);
  } catch (err) {
    throw interrupted("the group record was not written; nothing else was sent") ?? err;
  }
  const owner = written?.metadata.uid ? ownerReferenceTo(written) : undefined;
  if (!owner && !options.dryRun) throw new RunError(`kubectl wrote the group record ${group} but returned no uid`);
  const owned = (name: string, uid?: string): KubeObject => {
    const job = byName.get(name) as JobObject;
    const metadata = { ...job.metadata, ...(owner ? { ownerReferences: [owner] } : {}), ...(uid ? { uid } : {}) };
    return { ...job, metadata } as unknown as KubeObject;
  };

  // 3. The Jobs.
  say(`${verb} ${counted(jobs.length, "Job")} of group ${group} (${toCreate.length} new, ${toApply.length + adopted.length} to update, ${unchanged.length} unchanged)`);
  const standsAsSent = async (names: string[]): Promise<Set<string>> => {
    const uid = written?.metadata.uid;
    const ok = new Set<string>();
    for (const job of await listGroupJobs(cluster, group)) {
      const name = job.metadata.name;
      if (!names.includes(name) || jobStanding(job, group, uid).kind !== "ours") continue;
      if (job.metadata.annotations?.[ANNOTATION.specHash] === byName.get(name)?.metadata.annotations?.[ANNOTATION.specHash]) ok.add(name);
    }
    return ok;
  };
  const common = { batchSize: options.batchSize, resource: "jobs", dryRun: options.dryRun, stopped: () => session.interrupts.signal() !== undefined, verify: standsAsSent };
  let created: SubmitResult;
  let updated: SubmitResult;
  try {
    created = await submitObjects(cluster, toCreate.map((n) => owned(n)), { ...common, mode: "create" });
    updated = await submitObjects(cluster, [...toApply, ...adopted].map((n) => owned(n, existing.get(n)?.metadata.uid)), { ...common, mode: "apply" });
  } catch (err) {
    throw interrupted("the record was written; some Jobs may have been submitted") ?? err;
  }
  const failed = new Map([...created.failed, ...updated.failed]);
  // A Job created by someone else between the check and the create is theirs: say so.
  for (const [name, error] of failed) if (error.reason === "AlreadyExists") failed.set(name, { ...error, message: `${error.message} (it appeared after jobx checked the names; it is not the group's and was left alone)` });

  // 4. Jobs of the group whose template changed: immutable, so --replace deletes and re-creates them.
  const immutable = [...failed].filter(([, e]) => isImmutable(e)).map(([n]) => n);
  let replaced = 0;
  if (immutable.length > 0 && options.replace && !options.dryRun && !session.interrupts.signal()) {
    if (!options.yes && !(await session.confirm(`delete and re-create ${immutable.length} Jobs of group ${group} whose template changed?`))) {
      throw new UsageError("--replace needs a confirmation: answer y, or add --yes");
    }
    say(`replacing ${immutable.length} Jobs whose template changed`);
    const ours = immutable.filter((n) => !adopted.includes(n));
    for (let i = 0; i < ours.length; i += 200) await runOrThrow(cluster, deleteByNamePlan(cluster.target, "jobs", ours.slice(i, i + 200), "foreground", `delete ${ours.slice(i, i + 200).length} changed Jobs`));
    await waitGone(session, group, ours);
    const again = await submitObjects(cluster, ours.map((n) => owned(n)), { ...common, mode: "create" });
    for (const name of again.written) failed.delete(name);
    for (const [name, error] of again.failed) failed.set(name, error);
    replaced = again.written.size;
  }
  reportFailures(session, failed, byName);

  // 5. Dropped members with --prune.
  const droppedOurs = dropped.filter((n) => existing.has(n) && jobStanding(existing.get(n) as KubeObject, group, recordUid).kind === "ours");
  if (options.prune && droppedOurs.length > 0 && !options.dryRun && !session.interrupts.signal()) {
    for (let i = 0; i < droppedOurs.length; i += 200) await runOrThrow(cluster, deleteByNamePlan(cluster.target, "jobs", droppedOurs.slice(i, i + 200), "foreground", `delete ${droppedOurs.slice(i, i + 200).length} Jobs this expansion dropped`));
    say(`deleted ${droppedOurs.length} Job${droppedOurs.length === 1 ? "" : "s"} this expansion no longer has (--prune)`);
  }

  const sent = created.written.size + updated.written.size + replaced;
  const stop = interrupted(`${sent + unchanged.length} of ${jobs.length} Jobs stand submitted`);
  if (stop) throw stop;

  // 6. What stands at the end: the group may have been deleted while it was applied.
  const standing = new Set<string>();
  if (!options.dryRun) {
    const now = await lookupRecord(cluster, group);
    if (now.kind !== "record" || now.object.metadata.uid !== written?.metadata.uid) {
      throw new RunError(`group ${group} was deleted while it was being applied: its record is gone, and with it the Jobs it owned`, [`run the same jobx apply again to submit it anew`]);
    }
    for (const job of await listGroupJobs(cluster, group)) if (jobStanding(job, group, written?.metadata.uid).kind === "ours") standing.add(job.metadata.name);
  }
  const report: SubmitReport = {
    group,
    record,
    total: jobs.length,
    created: created.written.size,
    updated: updated.written.size - adopted.filter((n) => updated.written.has(n)).length,
    unchanged: unchanged.length,
    replaced,
    adopted: adopted.filter((n) => updated.written.has(n)).length,
    dropped,
    pruned: options.prune,
    failed,
    standing,
    submitted: [...byName.keys()].filter((n) => !failed.has(n) && (options.dryRun || standing.has(n))).length,
    immutable: immutable.filter((n) => failed.has(n)),
    objects: [...(written ? [written] : []), ...[...byName.keys()].filter((n) => !failed.has(n)).map((n) => owned(n))],
  };
  say(`${options.dryRun ? "the cluster accepted" : "submitted"} ${report.submitted} of ${counted(report.total, "Job")} (group ${group})${describeChanges(report)}`);
  return report;
}

/** ": 1 created, 4 unchanged" — said when more happened than creating every Job. */
function describeChanges(s: Pick<SubmitReport, "created" | "updated" | "unchanged" | "replaced" | "adopted">): string {
  const parts = [
    s.created && `${s.created} created`,
    s.updated && `${s.updated} updated`,
    s.replaced && `${s.replaced} replaced`,
    s.adopted && `${s.adopted} adopted`,
    s.unchanged && `${s.unchanged} unchanged`,
  ].filter(Boolean);
  return parts.length > 1 || s.unchanged || s.adopted || s.replaced ? `: ${parts.join(", ")}` : "";
}

/** Waits (bounded) until the named Jobs of the group are gone, before they are created again. */
async function waitGone(session: Session, group: string, names: string[]): Promise<void> {
  const deadline = session.now() + 120_000;
  for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
    const present = new Set((await listGroupJobs(session.cluster, group)).map((j) => j.metadata.name));
    if (!names.some((n) => present.has(n))) return;
    if (session.now() > deadline) throw new RunError(`Jobs to replace in group ${group} were still being deleted after 2 minutes`, [`check what holds them: kubectl get jobs -l jobx.dev/group=${group} -o yaml`]);
    await Promise.race([new Promise((r) => setTimeout(r, delay)), session.interrupts.promise]);
    if (session.interrupts.signal()) return;
  }
}
