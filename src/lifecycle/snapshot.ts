/**
 * The group as the cluster holds it now: its record, its Jobs, and — for members gone
 * from the cluster — the outcome the Job controller's events kept. One function, used by
 * status, list, reports and every relist while following, so they all see the same.
 */
import { NotFoundError, ConflictError } from "../errors";
import { describeOwner, jobStanding } from "../group/ownership";
import { recordFromJobs, type GroupRecord } from "../group/record";
import { GroupTracker } from "../group/tracker";
import type { EventLike, JobLike } from "../group/member";
import type { Cluster } from "../kube/kubectl";
import { listEvents, listGroupJobs, listGroupPods, lookupRecord } from "../kube/queries";
import type { IndexPod } from "../group/packed";
import type { KubeObject } from "../kube/results";

/** Feeds a tracker a full list of the group's Jobs, then the events for members missing from it. */
export async function refreshTracker(cluster: Cluster, tracker: GroupTracker, jobs: readonly JobLike[], events: () => Promise<readonly EventLike[]> = () => namespaceEvents(cluster)): Promise<void> {
  tracker.applyList(jobs);
  if (tracker.needsEvents()) tracker.applyEventsForMissing(await events());
}

export async function namespaceEvents(cluster: Cluster, namespace?: string): Promise<EventLike[]> {
  return (await listEvents(cluster, namespace)) as unknown as EventLike[];
}

/**
 * The group: its record, or — for a group applied from `jobx expand` output, which has
 * none — a record read back from the Jobs that carry its labels and no owner. Throws
 * NotFoundError (exit 6) when there is neither, ConflictError (exit 7) when the record's
 * name is taken by someone else's ConfigMap.
 */
export async function findGroup(cluster: Cluster, group: string): Promise<{ record: GroupRecord; object?: KubeObject }> {
  const found = await lookupRecord(cluster, group);
  if (found.kind === "record") return found;
  if (found.kind === "foreign") {
    throw new ConflictError(`the ConfigMap ${group} is not a jobx group record (it belongs to ${describeOwner(found.object)}): jobx will not read it as one`);
  }
  const members = (await listGroupJobs(cluster, group)).filter((j) => jobStanding(j, group, undefined).kind === "unowned");
  if (members.length > 0) return { record: recordFromJobs(group, members) };
  throw new NotFoundError(
    `no group ${group} in ${cluster.target.namespace ? `namespace ${cluster.target.namespace}` : "this namespace"}: run 'jobx list' (or 'jobx list -A') to see the groups`,
  );
}

export interface GroupSnapshot {
  record: GroupRecord;
  jobs: JobLike[];
  tracker: GroupTracker;
}

export async function snapshotGroup(cluster: Cluster, group: string): Promise<GroupSnapshot> {
  const [{ record }, jobs] = await Promise.all([findGroup(cluster, group), listGroupJobs(cluster, group)]);
  const tracker = new GroupTracker(record);
  // A packed group's items come from its Jobs' index status; its pods that did not succeed add how often each index was tried.
  if (record.pack) tracker.applyPods((await listGroupPods(cluster, group, { notSucceeded: true })) as unknown as IndexPod[]);
  await refreshTracker(cluster, tracker, jobs);
  return { record, jobs, tracker };
}
