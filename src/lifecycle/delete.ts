/**
 * Deleting a group: exactly what is the group's. The record is deleted with a uid
 * precondition (so a ConfigMap re-made under its name meanwhile is refused, not
 * deleted), and the garbage collector then deletes every Job that has an
 * ownerReference to that record's UID — and nothing else — and their pods. A group
 * without a record (manifests from `jobx expand` applied by hand) is its Jobs that carry
 * its labels and have no owner at all, deleted by name. Jobs that carry the group's
 * labels but belong to something else are left alone and named.
 *
 * One request does the work, so an interrupted delete leaves nothing half done: re-run it.
 */
import { ClusterError, ConflictError, InterruptedError, NotFoundError, RunError, UsageError } from "../errors";
import { describeOwner, jobStanding } from "../group/ownership";
import type { Cluster } from "../kube/kubectl";
import { deleteByNamePlan, deleteExactPlan, objectPath } from "../kube/plans";
import { currentContext, listGroupJobs, listGroupPods, lookupRecord } from "../kube/queries";
import { runOrThrow } from "../kube/retry";
import { note, warn, type Session } from "./session";

/** How long `delete --wait` waits for the Jobs and pods to go. */
const DELETE_WAIT_MS = 300_000;

export interface DeleteOptions {
  /** Do not ask. */
  yes: boolean;
  /** Wait until no Job or pod of the group remains. */
  wait: boolean;
  quiet?: boolean;
  /** A group that does not exist is not an error. */
  ignoreNotFound?: boolean;
}

export interface DeleteResult {
  /** False when there was nothing to delete. */
  deleted: boolean;
  /** The group's Jobs that were deleted (by the record's garbage collection, or by name). */
  jobs: number;
  /** Jobs with the group's labels left alone because they are not the group's, and why. */
  leftAlone: { name: string; why: string }[];
}

/** The group's Jobs, and those with its labels that are not its. */
async function groupJobs(cluster: Cluster, group: string, recordUid: string | undefined): Promise<{ ours: string[]; unowned: string[]; others: { name: string; owner: string }[] }> {
  const ours: string[] = [];
  const unowned: string[] = [];
  const others: { name: string; owner: string }[] = [];
  for (const job of await listGroupJobs(cluster, group)) {
    const standing = jobStanding(job, group, recordUid);
    if (standing.kind === "ours") ours.push(job.metadata.name);
    else if (standing.kind === "unowned") unowned.push(job.metadata.name);
    else others.push({ name: job.metadata.name, owner: standing.owner });
  }
  return { ours, unowned, others };
}

export async function deleteGroup(session: Session, group: string, options: DeleteOptions): Promise<DeleteResult> {
  const { cluster } = session;
  const say = (m: string) => !options.quiet && note(session, m);
  const found = await lookupRecord(cluster, group);
  if (found.kind === "foreign") {
    throw new ConflictError(`the ConfigMap ${group} is not a jobx group record (it belongs to ${describeOwner(found.object)}): nothing deleted`, [
      "jobx deletes only a group's own record and Jobs; to remove that ConfigMap, use kubectl delete configmap " + group,
    ]);
  }
  const recordUid = found.kind === "record" ? found.object.metadata.uid : undefined;
  const jobs = await groupJobs(cluster, group, recordUid);
  // With a record, its Jobs go with it; without one, the Jobs that only carry the group's labels are the group.
  const byName = found.kind === "record" ? [] : jobs.unowned;
  const count = jobs.ours.length + byName.length;
  const leftAlone = [...jobs.others.map((o) => ({ name: o.name, why: `it belongs to ${o.owner}` })), ...(found.kind === "record" ? jobs.unowned.map((name) => ({ name, why: "the group's record does not own it" })) : [])];
  for (const { name, why } of leftAlone.slice(0, 10)) warn(session, `Job ${name} carries the labels of group ${group} but is not the group's (${why}): left alone`);
  if (leftAlone.length > 10) warn(session, `…and ${leftAlone.length - 10} more left alone`);

  if (found.kind === "absent" && count === 0) {
    if (options.ignoreNotFound) {
      say(`nothing to delete: no group ${group}`);
      return { deleted: false, jobs: 0, leftAlone };
    }
    throw new NotFoundError(`no group ${group} to delete (no record and no Jobs of it): run 'jobx list' to see the groups, or add --ignore-not-found`);
  }

  const where = await currentContext(cluster);
  if (!options.yes) {
    const what = `delete group ${group}: ${found.kind === "record" ? "its record, " : ""}${count} Job${count === 1 ? "" : "s"} and their pods (context ${where.context}, namespace ${where.namespace})?`;
    if (!session.streams.stdinIsTTY || !session.streams.stderrIsTTY) {
      throw new UsageError(`deleting group ${group} (${count} Job${count === 1 ? "" : "s"}, context ${where.context}, namespace ${where.namespace}) needs --yes when not on a terminal`);
    }
    if (!(await session.confirm(what))) throw new UsageError(`nothing deleted: not confirmed (answer y, or pass --yes)`);
  }

  if (found.kind === "record" && recordUid) {
    const plan = deleteExactPlan(cluster.target, objectPath("configmaps", where.namespace, group), recordUid, "Foreground", `delete the record of group ${group}`);
    try {
      await runOrThrow(cluster, plan);
    } catch (err) {
      if (!(err instanceof ClusterError) || !/not found|NotFound/.test(err.message)) throw err; // already gone: a re-run
    }
  }
  if (byName.length > 0) {
    for (let i = 0; i < byName.length; i += 200) {
      const names = byName.slice(i, i + 200);
      await runOrThrow(cluster, deleteByNamePlan(cluster.target, "jobs", names, "foreground", `delete ${names.length} Jobs of group ${group}`));
    }
  }
  say(`deleting group ${group}: ${found.kind === "record" ? "the record and " : ""}${count} Job${count === 1 ? "" : "s"}, with their pods`);
  if (options.wait) await waitGone(session, group, [...jobs.ours, ...byName], options);
  return { deleted: true, jobs: count, leftAlone };
}

/** Waits until none of the deleted Jobs and none of the group's pods remain; names pods held by finalizers. */
async function waitGone(session: Session, group: string, names: string[], options: DeleteOptions): Promise<void> {
  const deadline = session.now() + DELETE_WAIT_MS;
  const wanted = new Set(names);
  for (let delay = 200; ; delay = Math.min(delay * 2, 2000)) {
    const [jobs, pods] = await Promise.all([listGroupJobs(session.cluster, group), listGroupPods(session.cluster, group)]);
    const left = jobs.filter((j) => wanted.has(j.metadata.name));
    if (left.length === 0 && pods.length === 0) {
      if (!options.quiet) note(session, `group ${group} is gone`);
      return;
    }
    if (session.now() > deadline) {
      const stuck = pods.filter((p) => p.metadata.finalizers?.length);
      throw new RunError(`group ${group} still has ${left.length} Jobs and ${pods.length} pods after the wait`, [
        ...stuck.slice(0, 10).map((p) => `pod ${p.metadata.name} is held by finalizers: ${(p.metadata.finalizers ?? []).join(", ")}`),
        `see what holds them: kubectl get pods -l jobx.dev/group=${group} -o yaml`,
      ]);
    }
    await Promise.race([new Promise((r) => setTimeout(r, delay)), session.interrupts.promise]);
    const signal = session.interrupts.signal();
    if (signal) throw new InterruptedError(signal, `stopped waiting for group ${group} to go; its deletion goes on`, [`check: jobx list   (or kubectl get jobs,pods -l jobx.dev/group=${group})`]);
  }
}
