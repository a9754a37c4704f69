/**
 * The group as the cluster holds it now: its record, its Jobs, and — for members gone
 * from the cluster — the outcome the Job controller's events kept. One function, used by
 * status, list, reports and every relist while following, so they all see the same.
 */
import { NotFoundError, ConflictError } from "../errors";
import { describeOwner } from "../group/ownership";
import type { GroupRecord } from "../group/record";
import { GroupTracker } from "../group/tracker";
import type { EventLike, JobLike } from "../group/member";
import type { Cluster } from "../kube/kubectl";
import { listEvents, listGroupJobs, lookupRecord } from "../kube/queries";
import type { KubeObject } from "../kube/results";

/** Feeds a tracker a full list of the group's Jobs, then the events for members missing from it. */
export async function refreshTracker(cluster: Cluster, tracker: GroupTracker, jobs: readonly JobLike[], events: () => Promise<readonly EventLike[]> = () => namespaceEvents(cluster)): Promise<void> {
  tracker.applyList(jobs);
  if (tracker.needsEvents()) tracker.applyEventsForMissing(await events());
}

export async function namespaceEvents(cluster: Cluster, namespace?: string): Promise<EventLike[]> {
  return (await listEvents(cluster, namespace)) as unknown as EventLike[];
}

/** The group's record, or the error that says there is none (exit 6) or that the name is taken by someone else (exit 7). */
export async function requireRecord(cluster: Cluster, group: string): Promise<{ record: GroupRecord; object: KubeObject }> {
  const found = await lookupRecord(cluster, group);
  if (found.kind === "record") return found;
  if (found.kind === "foreign") {
    throw new ConflictError(`the ConfigMap ${group} is not a jobx group record (it belongs to ${describeOwner(found.object)}): jobx will not read it as one`);
  }
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
  const [{ record }, jobs] = await Promise.all([requireRecord(cluster, group), listGroupJobs(cluster, group)]);
  const tracker = new GroupTracker(record);
  await refreshTracker(cluster, tracker, jobs);
  return { record, jobs, tracker };
}
