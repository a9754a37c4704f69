/**
 * The Job controller (K: pkg/controller/job/job_controller.go, indexed_job_utils.go,
 * backoff_utils.go, pod_failure_policy.go) and the TTL-after-finished controller
 * (K: pkg/controller/ttlafterfinished/ttlafterfinished_controller.go).
 *
 * One sync per Job, triggered by changes to the Job or its pods and by timers (back-off,
 * deadline, TTL). Finished pods are counted once: a pod still carrying the job-tracking
 * finalizer is uncounted; counting it and removing the finalizer happen in the same sync.
 */
import type { Clock } from "./clock";
import { ApiError } from "./errors";
import type { EventRecorder } from "./events";
import { formatIndexes, parseIndexes, podFailureBackoffMs } from "./indexes";
import { JOB_LABELS } from "./jobs-api";
import type { Kubelet } from "./kubelet";
import { isTerminalPod, R, type Registry } from "./registry";
import type { StoreEvent } from "./store";
import { clone, randomSuffix, timestamp, type Obj } from "./util";

export const TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking";
export const COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";
export const INDEX_FAILURE_COUNT = "batch.kubernetes.io/job-index-failure-count";
const MANAGER = "kube-controller-manager";

interface JobState {
  uid: string;
  /** pods created so far (NonIndexed) or per index, for the attempt number */
  created: number;
  createdPerIndex: Map<number, number>;
  failuresAfterLastSuccess: number;
  lastFailureAt: number;
  indexFailures: Map<number, { count: number; at: number }>;
  suspendDeleted: Set<string>;
  /** pods counted as failed when the Job finished (before 1.31), released later */
  countedAtFinish: Set<string>;
  failJob?: { reason: string; message: string };
  cancelBackoff?: () => void;
  cancelDeadline?: () => void;
  cancelTtl?: () => void;
  ttlFor?: string;
  deadlineFor?: string;
  /** startTime / finish time to the millisecond (the status fields have second precision) */
  startedAt?: { text: string; ms: number };
  finishedAt?: { text: string; ms: number };
}

function precise(rec: { text: string; ms: number } | undefined, text: string): number {
  return rec && rec.text === text ? rec.ms : Date.parse(text);
}

function cond(job: Obj, type: string): Obj | undefined {
  return ((job.status?.conditions ?? []) as Obj[]).find((c) => c.type === type && c.status === "True");
}

function indexOf(pod: Obj): number | undefined {
  const v = pod.metadata.annotations?.[COMPLETION_INDEX];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : undefined;
}

function isReady(pod: Obj): boolean {
  return ((pod.status?.conditions ?? []) as Obj[]).some((c) => c.type === "Ready" && c.status === "True");
}

function podFinishedAt(pod: Obj): number {
  let latest = 0;
  for (const cs of (pod.status?.containerStatuses ?? []) as Obj[]) {
    const t = Date.parse(cs.state?.terminated?.finishedAt ?? "");
    if (!Number.isNaN(t)) latest = Math.max(latest, t);
  }
  return latest || Date.now();
}

/** The first podFailurePolicy rule matching a failed pod (K: pkg/controller/job/pod_failure_policy.go). */
export function matchPodFailurePolicy(policy: Obj, pod: Obj): { action: string; index: number; container?: string; exitCode?: number } | undefined {
  const rules = (policy?.rules ?? []) as Obj[];
  for (const [i, rule] of rules.entries()) {
    if (rule.onExitCodes) {
      const oc = rule.onExitCodes;
      for (const cs of [...((pod.status?.initContainerStatuses ?? []) as Obj[]), ...((pod.status?.containerStatuses ?? []) as Obj[])]) {
        if (oc.containerName && cs.name !== oc.containerName) continue;
        const code = cs.state?.terminated?.exitCode;
        if (code === undefined || code === 0) continue;
        const listed = ((oc.values ?? []) as number[]).includes(code);
        if ((oc.operator === "In" && listed) || (oc.operator === "NotIn" && !listed)) return { action: rule.action, index: i, container: cs.name, exitCode: code };
      }
    } else if (rule.onPodConditions) {
      const conds = (pod.status?.conditions ?? []) as Obj[];
      for (const pc of rule.onPodConditions as Obj[]) {
        if (conds.some((c) => c.type === pc.type && c.status === (pc.status ?? "True"))) return { action: rule.action, index: i };
      }
    }
  }
  return undefined;
}

const ORPHAN = "\u0000orphan/";

function controllerRef(obj: Obj | undefined): { uid: string; name: string } | undefined {
  const ref = ((obj?.metadata?.ownerReferences ?? []) as Obj[]).find((r) => r.controller && r.kind === "Job" && r.apiVersion === "batch/v1");
  return ref ? { uid: ref.uid, name: ref.name } : undefined;
}

/** One sync of one Job: what it read, and what each phase leaves for the next. */
interface SyncPass {
  namespace: string;
  name: string;
  uid: string;
  job: Obj;
  st: JobState;
  spec: Obj;
  /** the status being built, from a copy of the Job's */
  status: Obj;
  /** the conditions being built, from a copy of the Job's */
  conditions: Obj[];
  minor: number;
  indexed: boolean;
  perIndex: boolean;
  completed: Set<number>;
  failedIdx: Set<number>;
  now: number;
  nowTs: string;
  /** the pods the Job controls, and of those the ones running and the ones terminating */
  pods: Obj[];
  live: Obj[];
  terminatingPods: Obj[];
  /** the Complete or Failed condition of a Job that had finished before this sync */
  finished: Obj | undefined;
  /** pods whose tracking finalizer is removed: counted (phase 1) or counted at the finish (phase 2) */
  toRelease: Obj[];
  podsToDelete: Obj[];
  toCreate: { index?: number }[];
  /** set by phase 2 when the Job finishes in this sync */
  justFinished?: "Complete" | "Failed";
}

function addCondition(pass: SyncPass, type: string, reason: string, message: string): void {
  pass.conditions.push({ type, status: "True", lastProbeTime: pass.nowTs, lastTransitionTime: pass.nowTs, reason, message });
}

/** Whether the completions a Job asks for are reached (K: job_controller.go syncJob). */
function hasSucceeded(pass: SyncPass): boolean {
  const { spec, status, live, indexed, completed } = pass;
  if (spec.completions === undefined || spec.completions === null) return (status.succeeded ?? 0) > 0 && live.length === 0;
  if (indexed) return completed.size >= spec.completions;
  return (status.succeeded ?? 0) >= spec.completions;
}

/** Neither finished nor waiting in an interim condition: its pods are still managed. */
function isStillRunning(pass: SyncPass): boolean {
  return !pass.finished && !pass.justFinished && !pass.conditions.some((c) => c.type === "FailureTarget" || c.type === "SuccessCriteriaMet");
}

/** The status a Job not finished before this sync is written with. */
function statusToWrite(pass: SyncPass): Obj {
  const { status, conditions, live, terminatingPods, podsToDelete, toCreate, justFinished, indexed, perIndex, completed, failedIdx, minor } = pass;
  const activeCount = live.length - podsToDelete.filter((p) => live.includes(p)).length + toCreate.length;
  const newStatus: Obj = {};
  if (conditions.length > 0) newStatus.conditions = conditions;
  if (status.startTime) newStatus.startTime = status.startTime;
  if (status.completionTime) newStatus.completionTime = status.completionTime;
  if (activeCount > 0 && !justFinished) newStatus.active = activeCount;
  if (status.succeeded) newStatus.succeeded = status.succeeded;
  if (status.failed) newStatus.failed = status.failed;
  if (indexed && completed.size > 0) newStatus.completedIndexes = formatIndexes(completed);
  if (perIndex) newStatus.failedIndexes = formatIndexes(failedIdx);
  if (minor >= 29) newStatus.terminating = terminatingPods.length + (justFinished ? 0 : podsToDelete.length);
  newStatus.uncountedTerminatedPods = {};
  newStatus.ready = justFinished ? 0 : live.filter((p) => isReady(p) && !podsToDelete.includes(p)).length;
  return newStatus;
}

export class JobController {
  private readonly states = new Map<string, JobState>();
  /** Job uid → names of the pods it controls (same namespace), kept from pod events */
  private readonly podsByJob = new Map<string, Set<string>>();
  private readonly liveJobs = new Set<string>();
  private readonly queue = new Set<string>();
  private scheduled = false;

  constructor(
    private readonly registry: Registry,
    private readonly clock: Clock,
    private readonly kubelet: Kubelet,
    private readonly events: EventRecorder,
    private readonly minor: () => number,
  ) {}

  onEvent(e: StoreEvent): void {
    if (e.resource === R.jobs) {
      const uid = e.object.metadata.uid as string;
      if (e.type === "DELETED") {
        const st = this.states.get(uid);
        if (st) this.cancelTimers(st);
        this.states.delete(uid);
        this.liveJobs.delete(uid);
        // Its pods are orphans now: release their tracking finalizers.
        for (const pod of this.podsByJob.get(uid) ?? []) this.enqueue(e.object.metadata.namespace, `${ORPHAN}${pod}`);
        this.podsByJob.delete(uid);
      } else this.liveJobs.add(uid);
      this.enqueue(e.object.metadata.namespace, e.object.metadata.name);
    } else if (e.resource === R.pods) {
      const ns = e.object.metadata.namespace as string;
      const podName = e.object.metadata.name as string;
      const before = controllerRef(e.previous);
      const after = e.type === "DELETED" ? undefined : controllerRef(e.object);
      if (before && before.uid !== after?.uid) this.podsByJob.get(before.uid)?.delete(podName);
      if (after) {
        let set = this.podsByJob.get(after.uid);
        if (!set) this.podsByJob.set(after.uid, (set = new Set()));
        set.add(podName);
      }
      if (e.type === "DELETED" && after === undefined && before === undefined) {
        const ref = controllerRef(e.object);
        if (ref) this.podsByJob.get(ref.uid)?.delete(podName);
      }
      const owner = after ?? before ?? controllerRef(e.object);
      if (owner && this.liveJobs.has(owner.uid)) this.enqueue(ns, owner.name);
      const orphan = !after || !this.liveJobs.has(after.uid);
      if (e.type !== "DELETED" && orphan && (e.object.metadata.finalizers ?? []).includes(TRACKING_FINALIZER)) this.enqueue(ns, `${ORPHAN}${podName}`);
    }
  }

  stop(): void {
    for (const st of this.states.values()) this.cancelTimers(st);
    this.states.clear();
    this.queue.clear();
  }

  private cancelTimers(st: JobState): void {
    st.cancelBackoff?.();
    st.cancelDeadline?.();
    st.cancelTtl?.();
  }

  enqueue(namespace: string, name: string): void {
    this.queue.add(`${namespace}/${name}`);
    if (this.scheduled) return;
    this.scheduled = true;
    this.clock.afterReal(0, () => {
      this.scheduled = false;
      const keys = [...this.queue];
      this.queue.clear();
      for (const k of keys) {
        const slash = k.indexOf("/");
        const ns = k.slice(0, slash);
        const name = k.slice(slash + 1);
        try {
          if (name.startsWith(ORPHAN)) this.releaseOrphan(ns, name.slice(ORPHAN.length));
          else this.sync(ns, name);
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          // A conflicting write or a vanished object: try again shortly.
          this.clock.afterReal(10, () => this.enqueue(ns, name));
        }
      }
    });
  }

  private removeFinalizer(pod: Obj): void {
    if (!(pod.metadata.finalizers ?? []).includes(TRACKING_FINALIZER)) return;
    this.registry.mutate(R.pods, pod.metadata.namespace, pod.metadata.name, (p) => {
      p.metadata.finalizers = ((p.metadata.finalizers ?? []) as string[]).filter((f) => f !== TRACKING_FINALIZER);
    }, { fieldManager: MANAGER });
  }

  /** A pod with the tracking finalizer whose Job is gone (or that was orphaned) is released. */
  private releaseOrphan(namespace: string, name: string): void {
    const pod = this.registry.tryGet(R.pods, namespace, name);
    if (!pod) return;
    const owner = ((pod.metadata.ownerReferences ?? []) as Obj[]).find((r) => r.controller && r.kind === "Job");
    if (owner) {
      const job = this.registry.tryGet(R.jobs, namespace, owner.name);
      if (job && job.metadata.uid === owner.uid) return;
    }
    this.removeFinalizer(pod);
  }

  private state(job: Obj): JobState {
    let st = this.states.get(job.metadata.uid);
    if (!st) {
      st = { uid: job.metadata.uid, created: 0, createdPerIndex: new Map(), failuresAfterLastSuccess: 0, lastFailureAt: 0, indexFailures: new Map(), suspendDeleted: new Set(), countedAtFinish: new Set() };
      this.states.set(job.metadata.uid, st);
    }
    return st;
  }

  /**
   * One sync of one Job, in four phases: count the pods that finished, decide the Job's
   * outcome, manage the pods of a Job still running, then write the status and act on pods.
   */
  private sync(namespace: string, name: string): void {
    const job = this.registry.tryGet(R.jobs, namespace, name);
    if (!job) return;
    const pods = this.controlledPods(namespace, job.metadata.uid as string);
    if (job.metadata.deletionTimestamp) {
      // A Job being deleted (foreground) is not synced; its pods are let go.
      for (const p of pods) this.removeFinalizer(p);
      return;
    }
    const pass = this.startPass(namespace, name, job, pods);
    this.countFinishedPods(pass);
    this.decideOutcome(pass);
    if (isStillRunning(pass)) this.managePods(pass);
    this.writeStatusThenAct(pass);
  }

  /** The pods whose controller reference is this Job's uid. */
  private controlledPods(namespace: string, uid: string): Obj[] {
    const pods: Obj[] = [];
    for (const podName of this.podsByJob.get(uid) ?? []) {
      const p = this.registry.tryGet(R.pods, namespace, podName);
      if (p && controllerRef(p)?.uid === uid) pods.push(p);
    }
    return pods;
  }

  private startPass(namespace: string, name: string, job: Obj, pods: Obj[]): SyncPass {
    const st = this.state(job);
    const spec = job.spec ?? {};
    const status: Obj = clone(job.status ?? {});
    const indexed = spec.completionMode === "Indexed";
    const now = Date.now();
    return {
      namespace,
      name,
      uid: job.metadata.uid as string,
      job,
      st,
      spec,
      status,
      conditions: clone((status.conditions ?? []) as Obj[]),
      minor: this.minor(),
      indexed,
      perIndex: indexed && spec.backoffLimitPerIndex !== undefined,
      completed: parseIndexes(status.completedIndexes),
      failedIdx: parseIndexes(status.failedIndexes),
      now,
      nowTs: timestamp(now),
      pods,
      live: pods.filter((p) => !isTerminalPod(p) && p.metadata.deletionTimestamp === undefined),
      terminatingPods: pods.filter((p) => p.metadata.deletionTimestamp !== undefined && !isTerminalPod(p)),
      finished: cond(job, "Complete") ?? cond(job, "Failed"),
      toRelease: [],
      podsToDelete: [],
      toCreate: [],
    };
  }

  /** 1. Count pods that finished (or went away unfinished) and release them. */
  private countFinishedPods(pass: SyncPass): void {
    const { namespace, st, spec, status, indexed, perIndex, completed, failedIdx, now, toRelease } = pass;
    const alreadyFinished = pass.finished !== undefined;
    for (const p of pass.pods) {
      if (!(p.metadata.finalizers ?? []).includes(TRACKING_FINALIZER)) continue;
      const terminal = isTerminalPod(p);
      const deleting = p.metadata.deletionTimestamp !== undefined;
      if (!terminal && !deleting) continue;
      if (!terminal && deleting && !alreadyFinished) {
        // Wait for the node to report the pod's end, so `terminating` is visible.
        if (p.status?.phase !== "Failed" && p.status?.phase !== "Succeeded") continue;
      }
      toRelease.push(p);
      if (alreadyFinished || st.countedAtFinish.has(p.metadata.uid)) continue;
      const idx = indexOf(p);
      if (p.status?.phase === "Succeeded") {
        if (indexed) {
          if (idx !== undefined && idx < (spec.completions ?? 0) && !completed.has(idx) && !failedIdx.has(idx)) {
            completed.add(idx);
            status.succeeded = (status.succeeded ?? 0) + 1;
          }
        } else status.succeeded = (status.succeeded ?? 0) + 1;
        st.failuresAfterLastSuccess = 0;
        continue;
      }
      if (st.suspendDeleted.has(p.metadata.uid)) continue;
      let action = "Count";
      if (spec.podFailurePolicy && p.status?.phase === "Failed") {
        const m = matchPodFailurePolicy(spec.podFailurePolicy, p);
        if (m) {
          action = m.action;
          if (action === "FailJob" && !st.failJob) {
            st.failJob = {
              reason: "PodFailurePolicy",
              message: m.container !== undefined
                ? `Container ${m.container} for pod ${namespace}/${p.metadata.name} failed with exit code ${m.exitCode} matching FailJob rule at index ${m.index}`
                : `Pod ${namespace}/${p.metadata.name} has condition matching FailJob rule at index ${m.index}`,
            };
          }
        }
      }
      if (action === "Ignore") continue;
      status.failed = (status.failed ?? 0) + 1;
      const finishedAt = Math.max(podFinishedAt(p), now);
      st.failuresAfterLastSuccess += 1;
      st.lastFailureAt = Math.max(st.lastFailureAt, finishedAt);
      if (perIndex && idx !== undefined) {
        const prevCount = Number(p.metadata.annotations?.[INDEX_FAILURE_COUNT] ?? "0");
        const count = prevCount + 1;
        const rec = st.indexFailures.get(idx);
        st.indexFailures.set(idx, { count: Math.max(count, rec?.count ?? 0), at: finishedAt });
        if (action === "FailIndex" || count > spec.backoffLimitPerIndex) {
          if (!completed.has(idx)) failedIdx.add(idx);
        }
      }
    }
  }

  /** 2. Decide: finished already, finishing, failing or succeeding. */
  private decideOutcome(pass: SyncPass): void {
    if (pass.finished) return;
    const { job, minor } = pass;
    const interimFail = cond(job, "FailureTarget");
    const interimSuccess = cond(job, "SuccessCriteriaMet");
    let failure: { reason: string; message: string } | undefined = interimFail ? { reason: interimFail.reason, message: interimFail.message } : undefined;
    let success = interimSuccess !== undefined;
    if (!failure && !success) {
      failure = this.failureOf(pass);
      if (!failure) success = hasSucceeded(pass);
      if (failure) {
        // Before 1.31 only a podFailurePolicy FailJob went through FailureTarget.
        if (minor >= 31 || failure.reason === "PodFailurePolicy") addCondition(pass, "FailureTarget", failure.reason, failure.message);
        this.events.record(job, "Warning", failure.reason, failure.message, "job-controller");
      } else if (success && minor >= 31) {
        addCondition(pass, "SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods");
      }
    }
    if (failure || success) this.finishJob(pass, failure);
  }

  /** Why a Job not yet failing fails now, if it does (K: job_controller.go syncJob). */
  private failureOf(pass: SyncPass): { reason: string; message: string } | undefined {
    const { st, spec, status, live, perIndex, completed, failedIdx, now } = pass;
    const restarts = spec.template?.spec?.restartPolicy === "OnFailure"
      ? live.reduce((n, p) => n + ((p.status?.containerStatuses ?? []) as Obj[]).reduce((m, c) => m + (c.restartCount ?? 0), 0) + ((p.status?.initContainerStatuses ?? []) as Obj[]).reduce((m, c) => m + (c.restartCount ?? 0), 0), 0)
      : 0;
    const ads = spec.activeDeadlineSeconds;
    const started = status.startTime ? precise(st.startedAt, status.startTime) : undefined;
    if (st.failJob) return st.failJob;
    if ((status.failed ?? 0) > spec.backoffLimit && !perIndex) return { reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" };
    if (spec.template?.spec?.restartPolicy === "OnFailure" && (spec.backoffLimit === 0 ? restarts > 0 : restarts >= spec.backoffLimit)) return { reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" };
    if (ads !== undefined && started !== undefined && !spec.suspend && now - started >= this.clock.real(ads * 1000)) return { reason: "DeadlineExceeded", message: "Job was active longer than specified deadline" };
    if (perIndex && spec.maxFailedIndexes !== undefined && failedIdx.size > spec.maxFailedIndexes) return { reason: "MaxFailedIndexesExceeded", message: "Job has exceeded the specified maximal number of failed indexes" };
    if (perIndex && failedIdx.size > 0 && completed.size + failedIdx.size >= (spec.completions ?? 0) && live.every((p) => failedIdx.has(indexOf(p) ?? -1))) return { reason: "FailedIndexes", message: "Job has failed indexes" };
    return undefined;
  }

  /**
   * A failing or succeeding Job: its live pods go, and it finishes now unless (from 1.31,
   * or after a FailureTarget) it waits in its interim condition for its pods to be gone.
   */
  private finishJob(pass: SyncPass, failure: { reason: string; message: string } | undefined): void {
    const { job, st, status, conditions, live, terminatingPods, pods, toRelease, minor, now, nowTs } = pass;
    pass.podsToDelete = live;
    const unreleased = (p: Obj): boolean => (p.metadata.finalizers ?? []).includes(TRACKING_FINALIZER) && !toRelease.includes(p);
    const remaining = [...live, ...terminatingPods].length > 0 || pods.some(unreleased);
    const interimFirst = minor >= 31 || conditions.some((c) => c.type === "FailureTarget");
    if (interimFirst && remaining) return;
    if (!interimFirst && failure) {
      // Before 1.31 the pods deleted at the failure were counted as failed at once.
      const uncounted = [...live, ...terminatingPods].filter((p) => (p.metadata.finalizers ?? []).includes(TRACKING_FINALIZER) && !toRelease.includes(p));
      status.failed = (status.failed ?? 0) + uncounted.length;
      toRelease.push(...uncounted.filter((p) => p.metadata.deletionTimestamp !== undefined));
      for (const p of uncounted) st.countedAtFinish.add(p.metadata.uid);
    }
    st.finishedAt = { text: nowTs, ms: now };
    if (failure) {
      addCondition(pass, "Failed", failure.reason, failure.message);
      pass.justFinished = "Failed";
    } else {
      addCondition(pass, "Complete", "CompletionsReached", "Reached expected number of succeeded pods");
      status.completionTime = nowTs;
      pass.justFinished = "Complete";
      this.events.record(job, "Normal", "Completed", "Job completed", "job-controller");
    }
  }

  /** 3. Suspension and pod management for a Job still running. */
  private managePods(pass: SyncPass): void {
    const { job, st, spec, status, conditions, live, now, nowTs } = pass;
    const suspended = conditions.find((c) => c.type === "Suspended");
    if (spec.suspend) {
      for (const p of live) st.suspendDeleted.add(p.metadata.uid);
      pass.podsToDelete = live;
      if (!suspended || suspended.status !== "True") {
        const rest = conditions.filter((c) => c.type !== "Suspended");
        conditions.length = 0;
        conditions.push(...rest, { type: "Suspended", status: "True", lastProbeTime: nowTs, lastTransitionTime: nowTs, reason: "JobSuspended", message: "Job suspended" });
        this.events.record(job, "Normal", "Suspended", "Job suspended", "job-controller");
      }
      delete status.startTime;
      return;
    }
    if (suspended && suspended.status === "True") {
      suspended.status = "False";
      suspended.reason = "JobResumed";
      suspended.message = "Job resumed";
      suspended.lastProbeTime = nowTs;
      suspended.lastTransitionTime = nowTs;
      this.events.record(job, "Normal", "Resumed", "Job resumed", "job-controller");
    }
    if (!status.startTime) {
      status.startTime = nowTs;
      st.startedAt = { text: nowTs, ms: now };
    }
    if (pass.indexed) this.planIndexedPods(pass);
    else this.planPods(pass);
  }

  /** An Indexed Job: one live pod per index still open, up to parallelism, after each index's back-off. */
  private planIndexedPods(pass: SyncPass): void {
    const { namespace, name, st, spec, live, terminatingPods, perIndex, completed, failedIdx, now, podsToDelete, toCreate } = pass;
    const parallelism = spec.parallelism ?? 1;
    const activeByIndex = new Map<number, Obj[]>();
    for (const p of live) {
      const i = indexOf(p);
      if (i === undefined || i >= spec.completions || completed.has(i) || failedIdx.has(i)) {
        podsToDelete.push(p);
        continue;
      }
      activeByIndex.set(i, [...(activeByIndex.get(i) ?? []), p]);
    }
    for (const list of activeByIndex.values()) podsToDelete.push(...list.slice(1));
    let active = activeByIndex.size;
    if (active > parallelism) {
      const extra = [...activeByIndex.keys()].sort((a, b) => b - a).slice(0, active - parallelism);
      for (const i of extra) podsToDelete.push(...(activeByIndex.get(i) ?? []));
      active = parallelism;
    }
    let nextBackoffAt = Infinity;
    for (let i = 0; i < spec.completions && active + toCreate.length < parallelism; i++) {
      if (completed.has(i) || failedIdx.has(i) || activeByIndex.has(i)) continue;
      if (terminatingPods.some((p) => indexOf(p) === i) && spec.podReplacementPolicy === "Failed") continue;
      const failures = perIndex ? (st.indexFailures.get(i)?.count ?? 0) : st.failuresAfterLastSuccess;
      const lastAt = perIndex ? (st.indexFailures.get(i)?.at ?? 0) : st.lastFailureAt;
      const readyAt = lastAt + this.clock.real(podFailureBackoffMs(failures));
      if (failures > 0 && readyAt > now) {
        nextBackoffAt = Math.min(nextBackoffAt, readyAt);
        continue;
      }
      toCreate.push({ index: i });
    }
    this.scheduleBackoff(st, namespace, name, nextBackoffAt);
  }

  /** A NonIndexed Job: as many live pods as completions still wanted, up to parallelism, after the back-off. */
  private planPods(pass: SyncPass): void {
    const { namespace, name, st, spec, status, live, terminatingPods, now, podsToDelete, toCreate } = pass;
    const parallelism = spec.parallelism ?? 1;
    let want: number;
    if (spec.completions === undefined || spec.completions === null) want = (status.succeeded ?? 0) > 0 ? Math.min(live.length, parallelism) : parallelism;
    else want = Math.max(0, Math.min(spec.completions - (status.succeeded ?? 0), parallelism));
    if (live.length > want) {
      const surplus = [...live].sort((a, b) => String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp))).slice(0, live.length - want);
      podsToDelete.push(...surplus);
    } else if (live.length < want) {
      const readyAt = st.lastFailureAt + this.clock.real(podFailureBackoffMs(st.failuresAfterLastSuccess));
      const waitForTerminating = spec.podReplacementPolicy === "Failed" && terminatingPods.length > 0;
      if (st.failuresAfterLastSuccess > 0 && readyAt > now) this.scheduleBackoff(st, namespace, name, readyAt);
      else if (!waitForTerminating) for (let n = live.length; n < want; n++) toCreate.push({});
    }
  }

  /** 4. Write the status, then act on pods. */
  private writeStatusThenAct(pass: SyncPass): void {
    const { namespace, name, uid, job, st, spec, minor, pods, terminatingPods, toRelease, podsToDelete, toCreate, justFinished } = pass;
    if (pass.finished) {
      // A finished Job only keeps releasing its pods.
      for (const p of toRelease) this.removeFinalizer(p);
      this.scheduleTtl(st, job);
      const st2: Obj = { ...clone(job.status) };
      st2.terminating = minor >= 29 ? terminatingPods.length : undefined;
      if (st2.terminating === undefined) delete st2.terminating;
      if (JSON.stringify(st2) !== JSON.stringify(job.status)) this.writeStatus(namespace, name, uid, st2);
      return;
    }
    const newStatus = statusToWrite(pass);
    this.writeStatus(namespace, name, uid, newStatus);
    for (const p of toRelease) this.removeFinalizer(p);
    for (const p of podsToDelete) {
      if (p.metadata.deletionTimestamp) continue;
      try {
        this.registry.delete(R.pods, namespace, p.metadata.name, {});
        this.events.record(job, "Normal", "SuccessfulDelete", `Deleted pod: ${p.metadata.name}`, "job-controller");
      } catch (e) {
        if (!(e instanceof ApiError) || e.code !== 404) throw e;
      }
    }
    for (const c of toCreate) this.createPod(job, st, c.index);
    if (justFinished) {
      for (const p of pods) if (toRelease.includes(p) || isTerminalPod(p)) this.removeFinalizer(p);
      const fresh = this.registry.tryGet(R.jobs, namespace, name);
      if (fresh) this.scheduleTtl(st, fresh);
      st.cancelDeadline?.();
    } else this.scheduleDeadline(st, namespace, name, newStatus, spec);
  }

  private writeStatus(namespace: string, name: string, uid: string, status: Obj): void {
    this.registry.mutate(R.jobs, namespace, name, (j) => {
      if (j.metadata.uid !== uid) return;
      j.status = status;
    }, { subresource: "status", fieldManager: MANAGER });
  }

  private scheduleBackoff(st: JobState, namespace: string, name: string, at: number): void {
    st.cancelBackoff?.();
    st.cancelBackoff = undefined;
    if (!Number.isFinite(at)) return;
    st.cancelBackoff = this.clock.afterReal(Math.max(0, at - Date.now()) + 1, () => this.enqueue(namespace, name));
  }

  private scheduleDeadline(st: JobState, namespace: string, name: string, status: Obj, spec: Obj): void {
    const key = `${status.startTime}/${spec.activeDeadlineSeconds}/${spec.suspend}`;
    if (st.deadlineFor === key) return;
    st.deadlineFor = key;
    st.cancelDeadline?.();
    st.cancelDeadline = undefined;
    if (spec.activeDeadlineSeconds === undefined || !status.startTime || spec.suspend) return;
    const at = precise(st.startedAt, status.startTime) + this.clock.real(spec.activeDeadlineSeconds * 1000);
    st.cancelDeadline = this.clock.afterReal(Math.max(0, at - Date.now()) + 1, () => this.enqueue(namespace, name));
  }

  /** ttlSecondsAfterFinished: delete (Foreground) once the finish time + TTL has passed. */
  private scheduleTtl(st: JobState, job: Obj): void {
    const ttl = job.spec?.ttlSecondsAfterFinished;
    const fin = cond(job, "Complete") ?? cond(job, "Failed");
    if (ttl === undefined || ttl === null || !fin || job.metadata.deletionTimestamp) return;
    const key = `${fin.lastTransitionTime}/${ttl}`;
    if (st.ttlFor === key) return;
    st.ttlFor = key;
    st.cancelTtl?.();
    const at = precise(st.finishedAt, fin.lastTransitionTime) + this.clock.real(ttl * 1000);
    const { namespace, name, uid } = job.metadata;
    st.cancelTtl = this.clock.afterReal(Math.max(0, at - Date.now()), () => {
      const cur = this.registry.tryGet(R.jobs, namespace, name);
      if (!cur || cur.metadata.uid !== uid || cur.metadata.deletionTimestamp) return;
      try {
        this.registry.delete(R.jobs, namespace, name, { propagationPolicy: "Foreground", preconditions: { uid } });
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
      }
    });
  }

  private createPod(job: Obj, st: JobState, index: number | undefined): void {
    const { namespace, name, uid } = job.metadata;
    const template = clone(job.spec.template ?? {});
    const meta = template.metadata ?? {};
    const generateName = index === undefined ? `${name}-` : `${name}-${index}-`;
    const prefix = generateName.length > 58 ? generateName.slice(0, 58) : generateName;
    const podName = `${prefix}${randomSuffix()}`;
    const labels: Record<string, string> = { ...(meta.labels ?? {}) };
    const annotations: Record<string, string> = { ...(meta.annotations ?? {}) };
    const spec = template.spec ?? {};
    let attempt: number;
    if (index !== undefined) {
      labels[COMPLETION_INDEX] = String(index);
      annotations[COMPLETION_INDEX] = String(index);
      if (job.spec.backoffLimitPerIndex !== undefined) annotations[INDEX_FAILURE_COUNT] = String(st.indexFailures.get(index)?.count ?? 0);
      spec.hostname ??= `${name}-${index}`;
      for (const c of [...((spec.containers ?? []) as Obj[]), ...((spec.initContainers ?? []) as Obj[])]) {
        const env = ((c.env ?? []) as Obj[]).filter((e) => e.name !== "JOB_COMPLETION_INDEX");
        c.env = [...env, { name: "JOB_COMPLETION_INDEX", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: `metadata.annotations['${COMPLETION_INDEX}']` } } }];
      }
      attempt = st.createdPerIndex.get(index) ?? 0;
      st.createdPerIndex.set(index, attempt + 1);
    } else {
      attempt = st.created;
    }
    st.created += 1;
    if (!labels[JOB_LABELS.controllerUid] && job.spec.manualSelector !== true) labels[JOB_LABELS.controllerUid] = uid;
    const pod: Obj = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: podName,
        generateName,
        namespace,
        labels,
        annotations,
        ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name, uid, controller: true, blockOwnerDeletion: true }],
        finalizers: [TRACKING_FINALIZER],
      },
      spec,
    };
    if (Object.keys(annotations).length === 0) delete pod.metadata.annotations;
    this.kubelet.expectAttempt(namespace, podName, attempt);
    try {
      this.registry.create(R.pods, namespace, pod, { fieldManager: MANAGER });
      this.events.record(job, "Normal", "SuccessfulCreate", `Created pod: ${podName}`, "job-controller");
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      this.events.record(job, "Warning", "FailedCreate", `Error creating: ${e.message}`, "job-controller");
    }
  }
}
