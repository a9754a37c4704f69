/**
 * Submitting a group (`jobx apply` without the waiting): the record, then what it owns —
 * one Job per row, or, packed, a few Indexed Jobs and the ConfigMaps their pods read
 * their rows from. Before anything is written, everything that stands in the way is
 * looked at: a ConfigMap under one of the group's names that is not its own, or a Job
 * under one of its names that is not its own (another group's, one made by `kubectl
 * create job`, or one applied from `jobx expand` output), stops the apply with the owner
 * named and the fix — unless `--adopt` says to take such Jobs over, and they are listed.
 *
 * Then: objects that do not exist are created (one that appears meanwhile is refused,
 * never merged into); the group's own objects that are unchanged (same spec hash) are
 * left alone; changed ones are applied server-side with their uid; a template change
 * that meets an immutable Job is reported, and `--replace` deletes and re-creates just
 * those. At the end the group is listed again, so what is reported is what stands.
 */
import { ConflictError, InputError, InterruptedError, RunError, UsageError } from "../errors";
import { jobStanding, recordStanding, type Standing } from "../group/ownership";
import { ownerReferenceTo, recordConfigMaps, recordPartCount, recordPartName, type GroupRecord, type Member, type PackInfo } from "../group/record";
import type { Cluster } from "../kube/kubectl";
import { applyPlan, createPlan, deleteByNamePlan, getPlan } from "../kube/plans";
import { currentContext, listGroupJobs, listJobs, lookupRecord } from "../kube/queries";
import { isImmutable, isQuota, parseObjects, type KubeObject, type ObjectError } from "../kube/results";
import { runOrThrow } from "../kube/retry";
import { submitObjects, type SubmitResult } from "../kube/submit";
import { expandJobs } from "../manifest/expand";
import type { JobObject } from "../manifest/job";
import { ANNOTATION, LABEL } from "../manifest/labels";
import { planPack } from "../pack/plan";
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
  /** Run the group packed: K rows per pod of a few Indexed Jobs, at most `parallelism` pods at once. */
  pack?: { perPod: number; parallelism?: number };
}

export interface SubmitReport {
  group: string;
  record: GroupRecord;
  /** Jobs this expansion has (for a packed group, its packed Jobs). */
  total: number;
  /** Items (rows): for a group of one Job per row, the same as total. */
  items: number;
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
  /** Jobs refused because their template changed (the --replace hint). */
  immutable: string[];
  /** The objects as jobx sent them (the record first), for `-o json|yaml|name`. */
  objects: KubeObject[];
}

/** What this apply wants to stand: its Jobs, the ConfigMaps they read (packed), and the members the record lists. */
export interface Desired {
  jobs: JobObject[];
  configMaps: KubeObject[];
  members: Member[];
  pack?: PackInfo;
  items: number;
}

const withHash = <T extends { metadata: { annotations?: Record<string, string> } }>(o: T, extra = ""): T => {
  o.metadata.annotations = { ...o.metadata.annotations, [ANNOTATION.specHash]: shortHash(JSON.stringify(o) + extra, 16) };
  return o;
};

export function desiredObjects(expansion: Expansion, namespace: string | undefined, pack: SubmitOptions["pack"]): Desired {
  const ns = <T extends { metadata: { namespace?: string } }>(o: T): T => {
    if (namespace) o.metadata.namespace ??= namespace;
    return o;
  };
  if (!pack) {
    const jobs: JobObject[] = [];
    const members: Member[] = [];
    for (const { index, row, jobs: rowJobs } of expandJobs(expansion.input)) {
      for (const job of rowJobs) {
        jobs.push(withHash(ns(job)));
        members.push({ name: job.metadata.name as string, index, params: row });
      }
    }
    return { jobs, configMaps: [], members, items: jobs.length };
  }
  const rows = [];
  for (const { index, row, jobs } of expandJobs(expansion.input)) {
    if (jobs.length !== 1) throw new InputError(`row ${index} rendered ${jobs.length} Jobs: --pack runs one pod per row, so each row must render one Job (or drop --pack)`);
    rows.push({ job: jobs[0] as JobObject, row: index, params: row });
  }
  const plan = planPack(rows, { group: expansion.group, perPod: pack.perPod, parallelism: pack.parallelism });
  const configMaps = plan.configMaps.map((cm) => withHash(ns(cm as unknown as KubeObject & { metadata: { annotations?: Record<string, string> } })));
  // A packed Job's hash covers the rows its pods read, so changed rows are a changed Job.
  const rowsHash = configMaps.map((c) => c.metadata.annotations?.[ANNOTATION.specHash]).join(",");
  const jobs = plan.jobs.map((job) => withHash(ns(job), rowsHash));
  const members = plan.items.map((i) => ({ name: i.name, index: i.row, params: i.params, packed: { job: i.job, at: i.index } }));
  return { jobs, configMaps, members, items: plan.items.length, pack: { perPod: plan.perPod, jobs: jobs.map((j) => j.metadata.name as string), rows: configMaps.map((c) => c.metadata.name) } };
}

function describeJob(job: JobObject | undefined, name: string): string {
  if (!job) return name;
  const item = job.metadata.labels?.[LABEL.item];
  return item === undefined ? name : `${name} (item ${item}: ${job.metadata.annotations?.[ANNOTATION.params] ?? ""})`;
}

/** Why an object in the way is refused, and what to do. */
function conflictLines(conflicts: { kind: string; name: string; standing: Standing }[], group: string): string[] {
  const lines = conflicts.slice(0, 20).map(({ kind, name, standing }) =>
    standing.kind === "unowned" ? `${kind} ${name} has the labels of group ${group} but no owner (applied from 'jobx expand' output?)` : `${kind} ${name} belongs to ${standing.kind === "foreign" ? standing.owner : "?"}`,
  );
  if (conflicts.length > 20) lines.push(`…and ${conflicts.length - 20} more`);
  const jobsOnly = conflicts.every((c) => c.kind === "Job");
  lines.push(`fix: choose another --group or other Job names (metadata.name in the template)${jobsOnly ? ", or pass --adopt to take these Jobs over into the group" : ""}`);
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

/** ConfigMaps by name (kubectl fetches each; absent ones are simply not returned). */
async function configMapsNamed(cluster: Cluster, names: string[]): Promise<Map<string, KubeObject>> {
  if (names.length === 0) return new Map();
  const out = await runOrThrow(cluster, getPlan(cluster.target, "configmaps", { names, managedFields: true }, "read the ConfigMaps the group would write"));
  return new Map(parseObjects(out).map((o) => [o.metadata.name, o]));
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

  const want = desiredObjects(expansion, cluster.target.namespace, options.pack);
  const byName = new Map(want.jobs.map((j) => [j.metadata.name as string, j]));
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
  const earlier = found.kind === "record" ? found.record.members : [];
  // Members of the earlier apply that this one drops: kept and still tracked, or deleted with --prune (a packed group is replaced whole).
  const droppedMembers = options.pack ? [] : earlier.filter((m) => !m.packed && !byName.has(m.name));
  const dropped = droppedMembers.map((m) => m.name);
  const record: GroupRecord = {
    group,
    template: expansion.source.name,
    templateHash: shortHash(expansion.source.text, 16),
    appliedAt: new Date(session.now()).toISOString(),
    appliedBy: session.user,
    jobxVersion: VERSION,
    ...(want.pack ? { pack: want.pack } : {}),
    members: [...want.members, ...(options.prune ? [] : droppedMembers)],
  };
  const { main, parts } = recordConfigMaps(record);
  const oldParts = found.kind === "record" ? recordPartCount(found.object as { data?: Record<string, string> }) : 0;
  const stalePartNames = Array.from({ length: Math.max(0, oldParts - parts.length) }, (_, n) => recordPartName(group, parts.length + n));
  const owned = [...parts.map((p) => withHash(p as unknown as KubeObject & { metadata: { annotations?: Record<string, string> } })), ...want.configMaps] as KubeObject[];
  const existingCms = await configMapsNamed(cluster, [...owned.map((o) => o.metadata.name), ...stalePartNames]);
  const existing = new Map(nsJobs.map((j) => [j.metadata.name, j]));

  const toCreate: string[] = [];
  const toApply: string[] = [];
  const unchanged: string[] = [];
  const conflicts: { kind: string; name: string; standing: Standing }[] = [];
  for (const [name, job] of byName) {
    const there = existing.get(name);
    if (!there) {
      toCreate.push(name);
      continue;
    }
    const standing = jobStanding(there, group, recordUid);
    if (standing.kind !== "ours") conflicts.push({ kind: "Job", name, standing });
    else if (there.metadata.annotations?.[ANNOTATION.specHash] === job.metadata.annotations?.[ANNOTATION.specHash]) unchanged.push(name);
    else toApply.push(name);
  }
  const cmsToWrite: KubeObject[] = [];
  for (const cm of owned) {
    const there = existingCms.get(cm.metadata.name);
    if (!there) cmsToWrite.push(cm);
    else if (jobStanding(there, group, recordUid).kind !== "ours") conflicts.push({ kind: "ConfigMap", name: cm.metadata.name, standing: jobStanding(there, group, recordUid) });
    else if (there.metadata.annotations?.[ANNOTATION.specHash] !== cm.metadata.annotations?.[ANNOTATION.specHash]) cmsToWrite.push({ ...cm, metadata: { ...cm.metadata, uid: there.metadata.uid } });
  }
  const cmConflicts = conflicts.filter((c) => c.kind === "ConfigMap");
  if (conflicts.length > 0 && (!options.adopt || cmConflicts.length > 0)) {
    const what = cmConflicts.length > 0 && cmConflicts.length === conflicts.length ? "ConfigMaps" : "Jobs";
    throw new ConflictError(`${conflicts.length} of the objects of group ${group} would replace or change ${what} that are not the group's: nothing was changed`, conflictLines(conflicts, group));
  }
  const adopted = conflicts.map((c) => c.name);
  if (adopted.length > 0) say(`taking over ${counted(adopted.length, "Job")} into group ${group} (--adopt): ${adopted.slice(0, 10).join(", ")}${adopted.length > 10 ? ", …" : ""}`);
  // A packed Job's spec cannot change under it (its template, completions and rows are one): changed means replaced.
  const packedChanged = options.pack ? toApply.splice(0) : [];

  if (dropped.length > 0 && !options.prune) {
    warn(session, `${counted(dropped.length, "member")} of the earlier apply of group ${group} ${dropped.length === 1 ? "is" : "are"} not in this expansion: ${dropped.slice(0, 10).join(", ")}${dropped.length > 10 ? ", …" : ""}; they stay in the group (status and wait still count them). To delete them, re-run with --prune`);
  }
  if (dropped.length > 0 && options.prune && !options.dryRun && !options.yes) {
    if (!(await session.confirm(`delete ${dropped.length} Jobs of group ${group} that this expansion no longer has (${dropped.slice(0, 5).join(", ")}${dropped.length > 5 ? ", …" : ""})?`))) {
      throw new UsageError("--prune deletes Jobs and needs a confirmation: answer y, or add --yes");
    }
  }
  if (packedChanged.length > 0 && !options.replace) {
    throw new RunError(`the packed Jobs of group ${group} stand with another spec (${packedChanged.join(", ")}): a packed group is changed by replacing its Jobs`, [
      "re-run with --replace to delete and re-create them (asks first; --yes to skip), or use a new --group; to change only the pods at once, use jobx scale",
    ]);
  }
  if (packedChanged.length > 0 && !options.yes && !options.dryRun && !(await session.confirm(`delete and re-create the ${packedChanged.length} packed Jobs of group ${group}?`))) {
    throw new UsageError("--replace needs a confirmation: answer y, or add --yes");
  }

  // 2. The record, so everything else can be owned by it.
  const verb = options.dryRun ? "validating" : "submitting";
  let written: KubeObject | undefined;
  try {
    written = await writeRecord(cluster, main, found.kind === "record" ? found.object : undefined, options.dryRun);
  } catch (err) {
    throw interrupted("the group record was not written; nothing else was sent") ?? err;
  }
  const owner = written?.metadata.uid ? ownerReferenceTo(written) : undefined;
  if (!owner && !options.dryRun) throw new RunError(`kubectl wrote the group record ${group} but returned no uid`);
  const withOwner = <T extends KubeObject>(o: T, uid?: string): T => ({ ...o, metadata: { ...o.metadata, ...(owner ? { ownerReferences: [owner] } : {}), ...(uid ? { uid } : {}) } });
  const ownedJob = (name: string, uid?: string): KubeObject => withOwner(byName.get(name) as unknown as KubeObject, uid);

  // Packed Jobs that changed go first, so no pod of theirs reads the new rows.
  if (packedChanged.length > 0 && !options.dryRun) {
    say(`replacing the ${counted(packedChanged.length, "packed Job")} of group ${group}`);
    await runOrThrow(cluster, deleteByNamePlan(cluster.target, "jobs", packedChanged, "foreground", `delete ${packedChanged.length} packed Jobs`));
    await waitGone(session, group, packedChanged);
    toCreate.push(...packedChanged);
  }
  const common = { batchSize: options.batchSize, dryRun: options.dryRun, stopped: () => session.interrupts.signal() !== undefined };
  // The record's parts and a packed group's rows: before the Jobs that read them.
  const creates = cmsToWrite.filter((c) => !c.metadata.uid).map((c) => withOwner(c));
  const updates = cmsToWrite.filter((c) => c.metadata.uid).map((c) => withOwner(c, c.metadata.uid));
  const cmResults = [await submitObjects(cluster, creates, { ...common, mode: "create", resource: "configmaps" }), await submitObjects(cluster, updates, { ...common, mode: "apply", resource: "configmaps" })];
  const cmFailed = new Map(cmResults.flatMap((r) => [...r.failed]));
  if (cmFailed.size > 0) {
    reportFailures(session, cmFailed, new Map());
    throw interrupted("the record was written; its ConfigMaps were not all written") ?? new RunError(`${counted(cmFailed.size, "ConfigMap")} of group ${group} could not be written, so its Jobs were not submitted`);
  }
  const stale = stalePartNames.filter((n) => existingCms.has(n) && jobStanding(existingCms.get(n) as KubeObject, group, recordUid).kind === "ours");
  if (stale.length > 0 && !options.dryRun) await runOrThrow(cluster, deleteByNamePlan(cluster.target, "configmaps", stale, "background", "delete the record's parts it no longer needs"));

  // 3. The Jobs.
  say(`${verb} ${counted(want.jobs.length, options.pack ? "packed Job" : "Job")} of group ${group}${options.pack ? ` for ${counted(want.items, "item")}` : ""} (${toCreate.length} new, ${toApply.length + adopted.length} to update, ${unchanged.length} unchanged)`);
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
  const jobCommon = { ...common, resource: "jobs", verify: standsAsSent };
  let created: SubmitResult;
  let updated: SubmitResult;
  try {
    created = await submitObjects(cluster, toCreate.map((n) => ownedJob(n)), { ...jobCommon, mode: "create" });
    updated = await submitObjects(cluster, [...toApply, ...adopted].map((n) => ownedJob(n, existing.get(n)?.metadata.uid)), { ...jobCommon, mode: "apply" });
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
    say(`replacing ${counted(immutable.length, "Job")} whose template changed`);
    const ours = immutable.filter((n) => !adopted.includes(n));
    for (let i = 0; i < ours.length; i += 200) await runOrThrow(cluster, deleteByNamePlan(cluster.target, "jobs", ours.slice(i, i + 200), "foreground", `delete ${ours.slice(i, i + 200).length} changed Jobs`));
    await waitGone(session, group, ours);
    const again = await submitObjects(cluster, ours.map((n) => ownedJob(n)), { ...jobCommon, mode: "create" });
    for (const name of again.written) failed.delete(name);
    for (const [name, error] of again.failed) failed.set(name, error);
    replaced = again.written.size;
  }
  reportFailures(session, failed, byName);

  // 5. Dropped members with --prune.
  const droppedOurs = dropped.filter((n) => existing.has(n) && jobStanding(existing.get(n) as KubeObject, group, recordUid).kind === "ours");
  if (options.prune && droppedOurs.length > 0 && !options.dryRun && !session.interrupts.signal()) {
    for (let i = 0; i < droppedOurs.length; i += 200) await runOrThrow(cluster, deleteByNamePlan(cluster.target, "jobs", droppedOurs.slice(i, i + 200), "foreground", `delete ${droppedOurs.slice(i, i + 200).length} Jobs this expansion dropped`));
    say(`deleted ${counted(droppedOurs.length, "Job")} this expansion no longer has (--prune)`);
  }

  const sent = created.written.size + updated.written.size + replaced;
  const stop = interrupted(`${sent + unchanged.length} of ${counted(want.jobs.length, "Job")} stand submitted`);
  if (stop) throw stop;

  // 6. What stands at the end: the group may have been deleted while it was applied.
  const standing = new Set<string>();
  if (!options.dryRun) {
    const now = await lookupRecord(cluster, group);
    if (now.kind !== "record" || now.object.metadata.uid !== written?.metadata.uid) {
      throw new RunError(`group ${group} was deleted while it was being applied: its record is gone, and with it the Jobs it owned`, [`run the same jobx apply again to submit it anew`]);
    }
    for (const job of await listGroupJobs(cluster, group)) {
      if (jobStanding(job, group, written?.metadata.uid).kind !== "ours") continue;
      standing.add(job.metadata.name);
      // A server without per-index retries (before Kubernetes 1.29, or the feature off) drops the field without a word.
      if (options.pack && byName.has(job.metadata.name) && (job.spec as { backoffLimitPerIndex?: number } | undefined)?.backoffLimitPerIndex === undefined) {
        warn(session, `the API server did not keep backoffLimitPerIndex on ${job.metadata.name} (Kubernetes before 1.29, or the JobBackoffLimitPerIndex feature off): an item's failures then count against the whole Job's backoffLimit, and when that is used up the Job fails with every unfinished item. Use one Job per row (drop --pack) on this cluster if items must fail alone`);
      }
    }
  }
  const report: SubmitReport = {
    group,
    record,
    total: want.jobs.length,
    items: want.items,
    created: created.written.size - packedChanged.filter((n) => created.written.has(n)).length,
    updated: updated.written.size - adopted.filter((n) => updated.written.has(n)).length,
    unchanged: unchanged.length,
    replaced: replaced + packedChanged.filter((n) => created.written.has(n)).length,
    adopted: adopted.filter((n) => updated.written.has(n)).length,
    dropped,
    pruned: options.prune,
    failed,
    standing,
    submitted: [...byName.keys()].filter((n) => !failed.has(n) && (options.dryRun || standing.has(n))).length,
    immutable: immutable.filter((n) => failed.has(n)),
    objects: [...(written ? [written] : []), ...owned.map((o) => withOwner(o)), ...[...byName.keys()].filter((n) => !failed.has(n)).map((n) => ownedJob(n))],
  };
  const itemsNote = options.pack ? ` for ${counted(want.items, "item")}` : "";
  say(`${options.dryRun ? "the cluster accepted" : "submitted"} ${report.submitted} of ${counted(report.total, options.pack ? "packed Job" : "Job")}${itemsNote} (group ${group})${describeChanges(report)}`);
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

/** Writes the record: created when absent, applied (with its uid) when it is the group's. Returns it as stored. */
async function writeRecord(cluster: Cluster, cm: KubeObject | ReturnType<typeof recordConfigMaps>["main"], existing: KubeObject | undefined, dryRun: "server" | undefined): Promise<KubeObject | undefined> {
  const object = { ...cm, metadata: { ...cm.metadata, ...(cluster.target.namespace ? { namespace: cluster.target.namespace } : {}) } };
  const purpose = `write the group record ${cm.metadata.name}`;
  const plan = existing
    ? applyPlan(cluster.target, [{ ...object, metadata: { ...object.metadata, uid: existing.metadata.uid } }], { dryRun, purpose, output: "json" })
    : createPlan(cluster.target, [object], { dryRun, purpose, output: "json" });
  return parseObjects(await runOrThrow(cluster, plan))[0];
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
