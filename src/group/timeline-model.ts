/**
 * A group's timeline, rebuilt from what the cluster keeps: every pod's own timestamps
 * (created, container started, container finished, deletion), so it is right even when
 * jobx was not watching while the group ran. Pure: it reads Job and Pod objects as the API
 * server returns them and a clock reading passed in.
 *
 * Precision: the API server writes these timestamps as RFC 3339 with whole seconds
 * (metav1.Time drops the fraction), so every duration here is exact only to about ±1 s.
 * Figures of groups whose pods live a few seconds are therefore coarse; the drawing and
 * the hints still hold.
 */
import { formatDuration } from "./duration";
import { isFinished, memberState, type JobLike, type MemberState, type Outcome } from "./member";
import { indexPods, itemStates, type IndexPod } from "./packed";
import { currentJob, type GroupRecord, type Member } from "./record";
import type { MemberSummary, PodBar, Stats, Timeline, TimelineFigures } from "./timeline-types";

/** A pod as much of it as the timeline reads (core/v1 Pod). */
export interface PodLike {
  metadata: {
    name: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { kind?: string; name?: string }[];
  };
  status?: {
    phase?: string;
    containerStatuses?: ContainerStatusLike[];
  };
}

interface ContainerTimes {
  startedAt?: string | null;
  finishedAt?: string | null;
  exitCode?: number;
}

interface ContainerStatusLike {
  name?: string;
  restartCount?: number;
  state?: { running?: { startedAt?: string | null }; terminated?: ContainerTimes; waiting?: unknown };
  lastState?: { terminated?: ContainerTimes };
}

export interface TimelineInput {
  group: string;
  record: Pick<GroupRecord, "members">;
  jobs: JobLike[];
  /** Pods as the API returns them; anything without metadata.name is ignored. */
  pods: unknown[];
  /** Epoch ms: the end of bars still open and of the axis while the group runs. */
  now: number;
}

// The Job controller's labels on its pods: the newer prefixed one (Kubernetes 1.27+) and
// the old one kept for compatibility (pkg/controller/job/job_controller.go).
const JOB_NAME_LABELS = ["batch.kubernetes.io/job-name", "job-name"];
const COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";

/** Share of pod time in cold start from which the coarsen hint is given. */
export const COLD_START_HINT_SHARE = 0.5;
/** Makespan against the unlimited-parallelism estimate from which the parallelism hint is given. */
export const PARALLELISM_HINT_RATIO = 1.5;

function time(text: string | null | undefined): number | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function minOf(values: (number | undefined)[]): number | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length ? Math.min(...known) : undefined;
}

function maxOf(values: (number | undefined)[]): number | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length ? Math.max(...known) : undefined;
}

/**
 * Nearest-rank percentile: the smallest value with at least p% of the values at or below
 * it, i.e. sorted[ceil(p/100 · n) − 1]. Always one of the values, never interpolated, so
 * "p50 1s" means a pod really took 1 s.
 */
export function percentile(sorted: number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

export function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return { count: 0 };
  return { count: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) };
}

function jobNameOf(pod: PodLike): string | undefined {
  for (const label of JOB_NAME_LABELS) {
    const name = pod.metadata.labels?.[label];
    if (name) return name;
  }
  return pod.metadata.ownerReferences?.find((o) => o.kind === "Job")?.name;
}

function completionIndexOf(pod: PodLike): number | undefined {
  const text = pod.metadata.annotations?.[COMPLETION_INDEX] ?? pod.metadata.labels?.[COMPLETION_INDEX];
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}

interface PodTimes {
  created: number;
  started?: number;
  finished?: number;
  deleted?: number;
  outcome: PodBar["outcome"];
  exitCode?: number;
  restarts: number;
}

/** What one pod's status says about its life. */
export function podTimes(pod: PodLike, fallbackCreated: number): PodTimes {
  const statuses = pod.status?.containerStatuses ?? [];
  const created = time(pod.metadata.creationTimestamp) ?? fallbackCreated;
  const deleted = time(pod.metadata.deletionTimestamp);
  // The first container start: the current run, or the run before a restart in place
  // (lastState keeps only the latest earlier run, so after several restarts this is the
  // start of the previous one; the pod's true first start is then lost).
  const started = minOf(
    statuses.flatMap((s) => [time(s.state?.running?.startedAt), time(s.state?.terminated?.startedAt), time(s.lastState?.terminated?.startedAt)]),
  );
  const phase = pod.status?.phase;
  const terminal = phase === "Succeeded" || phase === "Failed";
  const allTerminated = statuses.length > 0 && statuses.every((s) => s.state?.terminated !== undefined);
  const finished = terminal || allTerminated ? maxOf(statuses.map((s) => time(s.state?.terminated?.finishedAt))) : undefined;
  const failedCode = statuses.map((s) => s.state?.terminated?.exitCode).find((c) => c !== undefined && c !== 0);
  const restarts = Math.max(0, ...statuses.map((s) => s.restartCount ?? 0));
  const base = { created, started: started !== undefined ? Math.max(started, created) : undefined, restarts };

  if (phase === "Succeeded" || (allTerminated && failedCode === undefined && phase !== "Failed")) {
    return { ...base, finished, deleted, outcome: "succeeded", exitCode: 0 };
  }
  if (phase === "Failed" || (allTerminated && failedCode !== undefined)) {
    // A pod killed by its deletion fails too (SIGKILL, 137, or no status at all): that is
    // a deletion, not the work failing. A pod that failed on its own and was deleted later
    // finished before the deletion.
    const killed = deleted !== undefined && (failedCode === undefined || failedCode === 137 || finished === undefined || finished >= deleted);
    if (killed) return { ...base, finished: finished ?? deleted, deleted, outcome: "deleted", exitCode: failedCode };
    return { ...base, finished, deleted, outcome: "failed", exitCode: failedCode };
  }
  if (deleted !== undefined) return { ...base, deleted, outcome: "deleted" };
  return { ...base, deleted, outcome: started !== undefined ? "running" : "pending" };
}

/** When a pod stopped occupying the cluster (finished, else deleted); undefined while it still does. */
export function barEnd(bar: Pick<PodBar, "finished" | "deleted">): number | undefined {
  return bar.finished ?? bar.deleted;
}

function isPodLike(value: unknown): value is PodLike {
  const meta = (value as { metadata?: { name?: unknown } } | null)?.metadata;
  return typeof meta?.name === "string";
}

/** Most pods a member may run at once: spec.parallelism (default 1), never more than its completions. */
function memberParallelism(job: JobLike | undefined): number {
  if (!job) return 1;
  const parallelism = job.spec?.parallelism ?? 1;
  const completions = job.spec?.completions;
  return completions === undefined ? parallelism : Math.min(parallelism, completions);
}

/**
 * Running and pending pods over time, as a step function: each entry holds the counts from
 * `at` until the next entry. A pod ending at the moment another starts is not counted
 * twice (ends are applied before starts).
 */
export function concurrencySeries(bars: PodBar[], from: number, to: number): Timeline["concurrency"] {
  const events: { at: number; running: number; pending: number }[] = [];
  for (const bar of bars) {
    const end = Math.max(bar.created, (barEnd(bar) ?? to));
    const start = bar.started === undefined ? end : Math.min(Math.max(bar.started, bar.created), end);
    if (start > bar.created) events.push({ at: bar.created, running: 0, pending: 1 }, { at: start, running: 0, pending: -1 });
    if (end > start) events.push({ at: start, running: 1, pending: 0 }, { at: end, running: -1, pending: 0 });
  }
  events.sort((a, b) => a.at - b.at || a.running + a.pending - (b.running + b.pending));
  const series: Timeline["concurrency"] = [{ at: from, running: 0, pending: 0 }];
  let running = 0;
  let pending = 0;
  for (const e of events) {
    running += e.running;
    pending += e.pending;
    const last = series.at(-1);
    if (last && last.at === e.at) {
      last.running = running;
      last.pending = pending;
    } else {
      series.push({ at: e.at, running, pending });
    }
  }
  if ((series.at(-1)?.at ?? from) < to) series.push({ at: to, running, pending });
  return series;
}

/** Most pods of one member active (created, not yet ended) at once. */
function memberPeakActive(bars: PodBar[], to: number): number {
  let peak = 0;
  for (const step of concurrencySeries(bars, minOf(bars.map((b) => b.created)) ?? to, to)) peak = Math.max(peak, step.running + step.pending);
  return peak;
}

export function buildTimeline(input: TimelineInput): Timeline {
  const { now } = input;
  const members = new Map(input.record.members.map((m) => [m.name, m]));
  const jobs = new Map(input.jobs.map((j) => [j.metadata.name, j]));
  // A packed group's pods belong to the item (the first, with --per-pod) at their completion index.
  // …and a member run again by `jobx retry` keeps the pods of the Jobs that ran it before.
  const packedAt = new Map<string, Map<number, Member[]>>();
  const byOwnJob = new Map<string, string>();
  const at = (job: string, index: number, m: Member) => {
    const byIndex = packedAt.get(job) ?? new Map<number, Member[]>();
    byIndex.set(index, [...(byIndex.get(index) ?? []), m]);
    packedAt.set(job, byIndex);
  };
  for (const m of input.record.members) {
    if (m.packed) at(m.packed.job, m.packed.at, m);
    else byOwnJob.set(currentJob(m), m.name);
    for (const h of m.history ?? []) {
      if (h.at !== undefined) at(h.job, h.at, m);
      else byOwnJob.set(h.job, m.name);
    }
  }
  const current = new Map(input.record.members.filter((m) => m.packed).map((m) => [m.name, m]));
  const packedStates = new Map<string, MemberState>();
  for (const [name, byIndex] of packedAt) {
    const job = jobs.get(name);
    if (!job) continue;
    // Only the items this Job runs now: an earlier Job of a retried item no longer decides it.
    const items = [...byIndex.values()].flat().filter((m) => current.get(m.name)?.packed?.job === name);
    for (const [item, state] of itemStates(job, items, indexPods(input.pods.filter(isPodLike) as unknown as IndexPod[], name))) packedStates.set(item, state);
  }

  // Pods per member, in creation order (name breaks ties: the API's times are whole seconds).
  const podsByJob = new Map<string, { pod: PodLike; times: PodTimes }[]>();
  for (const raw of input.pods) {
    if (!isPodLike(raw)) continue;
    const ownJob = jobNameOf(raw);
    const index = completionIndexOf(raw);
    const job = ownJob === undefined ? undefined : ((index !== undefined ? packedAt.get(ownJob)?.get(index)?.[0]?.name : undefined) ?? byOwnJob.get(ownJob) ?? ownJob);
    if (job === undefined) continue;
    const list = podsByJob.get(job) ?? [];
    list.push({ pod: raw, times: podTimes(raw, now) });
    podsByJob.set(job, list);
  }
  for (const list of podsByJob.values()) list.sort((a, b) => a.times.created - b.times.created || a.pod.metadata.name.localeCompare(b.pod.metadata.name));

  // Members in the record's order; pods of Jobs the record does not name (a record written
  // by another version, say) come after them, so nothing the cluster shows is dropped.
  const order = [...input.record.members].sort((a, b) => a.index - b.index || a.name.localeCompare(b.name)).map((m) => m.name);
  for (const name of [...podsByJob.keys()].sort()) if (!members.has(name)) order.push(name);

  const bars: PodBar[] = [];
  const summaries: MemberSummary[] = [];
  order.forEach((name, position) => {
    const member = members.get(name);
    const index = member?.index ?? position;
    const params = member?.params ?? {};
    const job = jobs.get(member ? currentJob(member) : name);
    const pods = podsByJob.get(name) ?? [];
    // An item of a packed group, or a member run again, is one piece of work: all its pods try the same.
    const oneWork = member !== undefined && (member.packed !== undefined || (member.history?.length ?? 0) > 0);
    pods.forEach(({ pod, times }, n) => {
      const completionIndex = completionIndexOf(pod);
      // An attempt is a try at the same work: an Indexed Job's pods of other indexes, or
      // pods running beside this one for further completions, are not earlier attempts.
      const attempt = pods.slice(0, n).filter((p) => (oneWork || completionIndexOf(p.pod) === completionIndex) && (p.times.outcome === "failed" || p.times.outcome === "deleted") && (p.times.finished ?? p.times.deleted ?? Infinity) <= times.created).length;
      const bar: PodBar = { pod: pod.metadata.name, job: name, index, params, attempt, created: times.created, outcome: times.outcome, restarts: times.restarts };
      if (completionIndex !== undefined) bar.completionIndex = completionIndex;
      if (times.started !== undefined) bar.started = times.started;
      if (times.finished !== undefined) bar.finished = Math.max(times.finished, times.started ?? times.created);
      if (times.deleted !== undefined) bar.deleted = Math.max(times.deleted, times.created);
      if (times.exitCode !== undefined) bar.exitCode = times.exitCode;
      bars.push(bar);
    });
    const packed = member?.packed ? packedStates.get(name) : undefined;
    summaries.push(member?.packed ? packedSummary(name, index, params, packed, jobs.get(member.packed.job), bars.filter((b) => b.job === name)) : memberSummary(name, index, params, job, bars.filter((b) => b.job === name)));
  });

  const ends = bars.map((b) => (barEnd(b) ?? now));
  const running = summaries.some((m) => m.outcome === "running" || m.outcome === "pending") || bars.some((b) => b.outcome === "running" || b.outcome === "pending");
  const from = minOf(bars.map((b) => b.created)) ?? minOf(summaries.map((m) => m.startTime)) ?? now;
  const to = running ? Math.max(now, from) : Math.max(from, maxOf(ends) ?? from);
  const concurrency = concurrencySeries(bars, from, to);
  return {
    group: input.group,
    from,
    to,
    running,
    members: summaries,
    bars,
    figures: figuresOf(bars, summaries, jobs, concurrency, from, to, packedAt.size > 0 ? [...packedAt.keys()].reduce((n, j) => n + memberParallelism(jobs.get(j)), 0) : undefined),
    concurrency,
  };
}

/** An item of a packed group: its state from its Job's index status, its pods those of its index. */
function packedSummary(name: string, index: number, params: Record<string, unknown>, state: MemberState | undefined, job: JobLike | undefined, bars: readonly PodBar[]): MemberSummary {
  const pods = bars.length;
  const attempts = pods === 0 ? 0 : 1 + Math.max(...bars.map((b) => b.attempt));
  if (!state || !job) return { job: name, index, params, outcome: pods > 0 ? "vanished" : "missing", pods, attempts };
  const summary: MemberSummary = { job: name, index, params, outcome: state.outcome, pods, attempts, completions: 1 };
  if (state.reason !== undefined) summary.reason = state.reason;
  if (state.message !== undefined) summary.message = state.message;
  const start = minOf(bars.map((b) => b.created));
  const end = maxOf(bars.map((b) => barEnd(b)));
  if (start !== undefined) summary.startTime = start;
  if (isFinished(state.outcome) && end !== undefined) summary.finishTime = end;
  return summary;
}

function memberSummary(name: string, index: number, params: Record<string, unknown>, job: JobLike | undefined, bars: readonly PodBar[]): MemberSummary {
  const pods = bars.length;
  const attempts = pods === 0 ? 0 : 1 + Math.max(...bars.map((b) => b.attempt));
  if (!job) {
    // No Job: never created, or deleted since (then its pods may still be terminating).
    const outcome: Outcome = pods > 0 ? "vanished" : "missing";
    return { job: name, index, params, outcome, pods, attempts };
  }
  const state = memberState(job);
  const summary: MemberSummary = { job: name, index, params, outcome: state.outcome, pods, attempts };
  if (state.reason !== undefined) summary.reason = state.reason;
  if (state.message !== undefined) summary.message = state.message;
  const start = time(state.startTime);
  const finish = isFinished(state.outcome) ? time(state.finishTime) : undefined;
  if (start !== undefined) summary.startTime = start;
  if (finish !== undefined) summary.finishTime = finish;
  if (job.spec?.parallelism !== undefined) summary.parallelism = job.spec.parallelism;
  if (job.spec?.completions !== undefined) summary.completions = job.spec.completions;
  return summary;
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** "1m10s", "4s", "1.5s", "250ms": the figures' own short durations. */
export function shortDuration(ms: number): string {
  const abs = Math.max(0, ms);
  // Tenths of a second below ten seconds; otherwise kubectl's form.
  return abs >= 1000 && abs < 10_000 ? `${Number((abs / 1000).toFixed(1))}s` : formatDuration(abs);
}

function figuresOf(bars: PodBar[], members: MemberSummary[], jobs: Map<string, JobLike>, concurrency: Timeline["concurrency"], from: number, to: number, packedLimit?: number): TimelineFigures {
  const makespanMs = Math.max(0, to - from);
  const coldStarts: number[] = [];
  const runTimes: number[] = [];
  let coldTotal = 0;
  let runTotal = 0;
  let longestPod = 0;
  for (const bar of bars) {
    const end = Math.max(bar.created, (barEnd(bar) ?? to));
    const start = bar.started === undefined ? end : Math.min(Math.max(bar.started, bar.created), end);
    coldTotal += start - bar.created;
    runTotal += end - start;
    longestPod = Math.max(longestPod, end - bar.created);
    if (bar.started !== undefined) coldStarts.push(start - bar.created);
    if (bar.started !== undefined && bar.finished !== undefined) runTimes.push(end - start);
  }

  let peakConcurrency = 0;
  let peakActive = 0;
  for (const step of concurrency) {
    peakConcurrency = Math.max(peakConcurrency, step.running);
    peakActive = Math.max(peakActive, step.running + step.pending);
  }
  // A packed group's limit is its Jobs' parallelism, not one per item.
  const parallelismLimit = packedLimit ?? members.reduce((n, m) => n + memberParallelism(jobs.get(m.job)), 0);

  // Retries: pods that tried again work an earlier pod failed at (see attempt).
  const retries = bars.filter((b) => b.attempt > 0).length;
  const restarts = bars.reduce((n, b) => n + b.restarts, 0);

  const coldStartShare = coldTotal + runTotal > 0 ? coldTotal / (coldTotal + runTotal) : 0;
  const meanConcurrency = makespanMs > 0 ? runTotal / makespanMs : 0;
  const hints: string[] = [];
  if (coldStartShare >= COLD_START_HINT_SHARE) {
    hints.push(`cold start is ${percent(coldStartShare)} of pod time: coarsen the work — more items per pod — as the Kubernetes docs advise`);
  }
  // The limit only makes pods queue inside a member whose completions exceed its
  // parallelism (each Job has its own limit; the Job controller creates a pod only when
  // one of that Job's slots frees). With every pod allowed at once the group would take
  // about as long as its longest pod; it was the limit when a queued member filled its
  // slots and the group took much longer than that. Retries delayed by the Job's back-off
  // are not this: those members need one pod at a time anyway.
  const queued = members.filter((m) => {
    const job = jobs.get(m.job);
    const limit = memberParallelism(job);
    const wanted = job?.spec?.completions;
    return wanted !== undefined && wanted > limit && memberPeakActive(bars.filter((b) => b.job === m.job), to) >= limit;
  });
  if (queued.length > 0 && longestPod > 0 && makespanMs >= PARALLELISM_HINT_RATIO * longestPod) {
    const which = members.length === 1 ? `${parallelismLimit}` : `spec.parallelism of ${queued.length === 1 ? (queued[0]?.job ?? "") : `${queued.length} members`}`;
    hints.push(
      `the parallelism limit (${which}) set the makespan: ${shortDuration(makespanMs)} against about ${shortDuration(longestPod)} with every pod at once; raise spec.parallelism if the cluster has room`,
    );
  }
  return {
    makespanMs,
    pods: bars.length,
    failedPods: bars.filter((b) => b.outcome === "failed").length,
    retries,
    restarts,
    deletedPods: bars.filter((b) => b.outcome === "deleted").length,
    coldStart: stats(coldStarts),
    runTime: stats(runTimes),
    peakConcurrency,
    peakActive,
    meanConcurrency,
    parallelismLimit,
    coldStartShare,
    hints,
  };
}

/** Tick steps for a time axis, in ms: 1, 2, 5 × powers of ten, then seconds, minutes and hours people read at a glance. */
const TICK_STEPS_MS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000,
  21_600_000, 43_200_000, 86_400_000,
];

/** The smallest tick step that puts at most `most` ticks on an axis `spanMs` long (whole days past the table). */
export function tickStep(spanMs: number, most: number): number {
  return TICK_STEPS_MS.find((s) => spanMs / s <= most) ?? Math.ceil(spanMs / most / 86_400_000) * 86_400_000;
}
