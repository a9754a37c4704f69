/**
 * Controlling a running group: suspend and resume every member Job (`spec.suspend`),
 * and change a packed group's pods at once (`spec.parallelism` of its Indexed Jobs).
 * Each acts only on the group's own Jobs, leaves those that already are as asked (so a
 * re-run changes nothing), and returns what it changed. The fields are written by
 * server-side apply under a field manager of their own, with each Job's uid, so nothing
 * else of the Job is touched and a Job replaced meanwhile is refused.
 */
import { UsageError } from "../errors";
import { memberState, type JobLike } from "../group/member";
import { jobStanding } from "../group/ownership";
import { currentJob } from "../group/record";
import { CONTROL_FIELD_MANAGER } from "../kube/plans";
import { listGroupJobs } from "../kube/queries";
import type { KubeObject, ObjectError } from "../kube/results";
import { submitObjects } from "../kube/submit";
import { findGroup } from "./snapshot";
import type { Session } from "./session";

export interface ControlResult {
  /** Jobs changed now. */
  changed: string[];
  /** Jobs already as asked. */
  already: string[];
  /** Jobs that have finished: nothing to change. */
  finished: string[];
  failed: Map<string, ObjectError>;
  /** For scale: the parallelism each changed Job got. */
  parallelism?: Map<string, number>;
}

/** The group's own Jobs that its members use now. */
async function ownJobs(session: Session, group: string): Promise<{ jobs: (JobLike & KubeObject)[]; packed: boolean }> {
  const { record, object } = await findGroup(session.cluster, group);
  const wanted = new Set(record.members.map(currentJob));
  const jobs = (await listGroupJobs(session.cluster, group)).filter((j) => wanted.has(j.metadata.name) && jobStanding(j, group, object?.metadata.uid).kind !== "foreign");
  return { jobs, packed: record.pack !== undefined };
}

function patchOf(job: KubeObject, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: "batch/v1", kind: "Job", metadata: { name: job.metadata.name, ...(job.metadata.namespace ? { namespace: job.metadata.namespace } : {}), uid: job.metadata.uid }, spec } as KubeObject;
}

async function write(session: Session, patches: KubeObject[]): Promise<{ written: Set<string>; failed: Map<string, ObjectError> }> {
  if (patches.length === 0) return { written: new Set(), failed: new Map() };
  const result = await submitObjects(session.cluster, patches, { mode: "apply", resource: "jobs", fieldManager: CONTROL_FIELD_MANAGER, stopped: () => session.interrupts.signal() !== undefined });
  return { written: result.written, failed: result.failed };
}

/** suspend (true) or resume (false) every unfinished Job of the group. */
export async function setSuspended(session: Session, group: string, suspend: boolean): Promise<ControlResult> {
  const { jobs } = await ownJobs(session, group);
  const finished: string[] = [];
  const already: string[] = [];
  const todo: KubeObject[] = [];
  for (const job of jobs) {
    const outcome = memberState(job).outcome;
    if (outcome === "succeeded" || outcome === "failed") finished.push(job.metadata.name);
    else if ((job.spec?.suspend === true) === suspend) already.push(job.metadata.name);
    else todo.push(patchOf(job, { suspend }));
  }
  const { written, failed } = await write(session, todo);
  return { changed: [...written], already, finished, failed };
}

/** A packed group's pods at once: N over its unfinished Jobs. A group of one Job per row has no such limit to change. */
export async function scaleGroup(session: Session, group: string, parallelism: number): Promise<ControlResult> {
  const { jobs, packed } = await ownJobs(session, group);
  if (!packed) {
    throw new UsageError(`group ${group} runs one Job per row: there is no parallelism of the group to change`, [
      "a limit across separate Jobs would need a process that stays running to enforce it, and jobx is not a controller",
      `apply the group with --pack --parallelism N instead: it then runs as one Indexed Job, whose parallelism 'jobx scale ${group} --parallelism N' changes while it runs`,
    ]);
  }
  const finished = jobs.filter((j) => ["succeeded", "failed"].includes(memberState(j).outcome)).map((j) => j.metadata.name);
  const open = jobs.filter((j) => !finished.includes(j.metadata.name));
  const share = new Map<string, number>();
  open.forEach((job, n) => {
    const completions = job.spec?.completions ?? 1;
    const even = Math.floor(parallelism / open.length) + (n < parallelism % open.length ? 1 : 0);
    share.set(job.metadata.name, Math.max(0, Math.min(completions, even)));
  });
  const already = open.filter((j) => j.spec?.parallelism === share.get(j.metadata.name)).map((j) => j.metadata.name);
  const todo = open.filter((j) => !already.includes(j.metadata.name)).map((j) => patchOf(j, { parallelism: share.get(j.metadata.name) }));
  const { written, failed } = await write(session, todo);
  return { changed: [...written], already, finished, failed, parallelism: share };
}
