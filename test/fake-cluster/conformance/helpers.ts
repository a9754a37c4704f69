/**
 * Shared pieces of the conformance suite: a Job manifest builder, bounded polling, JSON
 * helpers and a recorder for `kubectl get -w -o json --output-watch-events` streams.
 *
 * The suite is an oracle: every expectation comes from upstream Kubernetes (the
 * kubernetes/kubernetes and kubernetes/website repositories), never from what the test
 * cluster happens to do. Each test file names the upstream files it checks against.
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { FakeCluster, KubectlResult } from "../types";
import { POD_BEHAVIOUR } from "../types";
import { clusterKind } from "../../cluster/index";

/**
 * kubectl client minors the suite runs against (the dispatcher picks the client from
 * /version). The fake answers any version it is told; the real control plane is 1.33.
 */
export const VERSIONS: readonly number[] = clusterKind() === "fake" ? [28, 32, 33] : [33];

/** Servers from 1.31 on add SuccessCriteriaMet / FailureTarget before Complete / Failed. */
export function hasInterimConditions(minor: number): boolean {
  return minor >= 31;
}

// ---------------------------------------------------------------------------
// Kubernetes object shapes (only the fields the suite reads)

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  generation?: number;
  resourceVersion?: string;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}

export interface Container {
  name: string;
  image?: string;
  command?: string[];
  env?: EnvVar[];
}

export interface PodSpec {
  containers: Container[];
  restartPolicy?: string;
  hostname?: string;
  subdomain?: string;
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
}

export interface JobCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastProbeTime?: string;
  lastTransitionTime?: string;
}

export interface JobSpec {
  completions?: number | null;
  parallelism?: number;
  backoffLimit?: number;
  completionMode?: string;
  suspend?: boolean;
  activeDeadlineSeconds?: number;
  ttlSecondsAfterFinished?: number;
  manualSelector?: boolean;
  selector?: { matchLabels?: Record<string, string> };
  template: PodTemplate;
}

export interface JobStatus {
  active?: number;
  ready?: number;
  succeeded?: number;
  failed?: number;
  terminating?: number;
  startTime?: string;
  completionTime?: string;
  completedIndexes?: string;
  conditions?: JobCondition[];
  uncountedTerminatedPods?: { succeeded?: string[]; failed?: string[] };
}

export interface Job {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: JobSpec;
  status?: JobStatus;
}

export interface ContainerStatus {
  name: string;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string };
    running?: { startedAt?: string };
    terminated?: { exitCode: number; reason?: string };
  };
}

export interface Pod {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: PodSpec;
  status?: { phase?: string; containerStatuses?: ContainerStatus[] };
}

export interface KubeEvent {
  type?: string;
  reason?: string;
  message?: string;
  involvedObject?: { kind?: string; name?: string; uid?: string };
  source?: { component?: string };
  reportingComponent?: string;
  count?: number;
}

export interface List<T> {
  kind: string;
  items: T[];
}

export interface WatchEvent<T> {
  type: string;
  object: T;
}

// ---------------------------------------------------------------------------
// Manifests

export interface JobOptions {
  completions?: number;
  parallelism?: number;
  completionMode?: "Indexed" | "NonIndexed";
  backoffLimit?: number;
  activeDeadlineSeconds?: number;
  ttlSecondsAfterFinished?: number;
  suspend?: boolean;
  restartPolicy?: string;
  /** Labels on the Job itself. */
  labels?: Record<string, string>;
  /** Extra pod template labels. */
  podLabels?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  /** Simulated pod behaviour (see POD_BEHAVIOUR in the contract). */
  coldStart?: string;
  runTime?: string;
  exitCodes?: string;
  exitCodesByIndex?: string;
  log?: string;
  image?: string;
  command?: string[];
  /** Further spec fields (e.g. podFailurePolicy), merged into spec as given. */
  extraSpec?: Record<string, unknown>;
}

/** A batch/v1 Job with one container "main", as a user would write it. */
export function jobManifest(name: string, o: JobOptions = {}): Job {
  const annotations: Record<string, string> = {};
  if (o.coldStart !== undefined) annotations[POD_BEHAVIOUR.coldStart] = o.coldStart;
  if (o.runTime !== undefined) annotations[POD_BEHAVIOUR.runTime] = o.runTime;
  if (o.exitCodes !== undefined) annotations[POD_BEHAVIOUR.exitCodes] = o.exitCodes;
  if (o.exitCodesByIndex !== undefined) annotations[POD_BEHAVIOUR.exitCodesByIndex] = o.exitCodesByIndex;
  if (o.log !== undefined) annotations[POD_BEHAVIOUR.log] = o.log;
  const spec: JobSpec = {
    template: {
      metadata: {
        ...(o.podLabels ? { labels: o.podLabels } : {}),
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      },
      spec: {
        restartPolicy: o.restartPolicy ?? "Never",
        containers: [
          {
            name: "main",
            image: o.image ?? "busybox:1.36",
            command: o.command ?? ["sh", "-c", "echo hello"],
          },
        ],
      },
    },
  };
  if (o.completions !== undefined) spec.completions = o.completions;
  if (o.parallelism !== undefined) spec.parallelism = o.parallelism;
  if (o.completionMode !== undefined) spec.completionMode = o.completionMode;
  if (o.backoffLimit !== undefined) spec.backoffLimit = o.backoffLimit;
  if (o.activeDeadlineSeconds !== undefined) spec.activeDeadlineSeconds = o.activeDeadlineSeconds;
  if (o.ttlSecondsAfterFinished !== undefined) spec.ttlSecondsAfterFinished = o.ttlSecondsAfterFinished;
  if (o.suspend !== undefined) spec.suspend = o.suspend;
  if (o.extraSpec) Object.assign(spec, o.extraSpec);
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name,
      ...(o.labels ? { labels: o.labels } : {}),
      ...(o.ownerReferences ? { ownerReferences: o.ownerReferences } : {}),
    } as ObjectMeta,
    spec,
  };
}

export function manifestInput(...objects: object[]): string {
  return objects.map((o) => JSON.stringify(o)).join("\n");
}

let counter = 0;
/** A DNS-label name unique within this process. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}-${Math.random().toString(36).slice(2, 6)}`;
}

// ---------------------------------------------------------------------------
// Waiting

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `fn` until it returns something other than undefined/false, at most `timeoutMs`.
 * Fails with `what` and the last value or error seen, so a stuck wait says why.
 * The interval grows by half each round up to 800 ms: most checks spawn kubectl, and two
 * cores are shared with the cluster and the other test file.
 */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = undefined;
  let delay = intervalMs;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${detail})`);
    }
    await sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
    delay = Math.min(delay * 1.5, Math.max(800, intervalMs));
  }
}

// ---------------------------------------------------------------------------
// kubectl helpers

export function describeResult(args: string[], r: KubectlResult): string {
  return `kubectl ${args.join(" ")} exited ${r.exitCode}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
}

/** Runs kubectl and fails the test with its output when it exits non-zero. */
export async function kubectlOk(cluster: FakeCluster, args: string[], input?: string, timeoutMs = 30_000): Promise<string> {
  const r = await cluster.kubectl(args, { ...(input !== undefined ? { input } : {}), timeoutMs });
  if (r.exitCode !== 0) throw new Error(describeResult(args, r));
  return r.stdout;
}

export async function getJson<T>(cluster: FakeCluster, args: string[]): Promise<T> {
  const out = await kubectlOk(cluster, [...args, "-o", "json"]);
  return JSON.parse(out) as T;
}

/** The Job, or undefined when the server answers NotFound. */
export async function getJob(cluster: FakeCluster, name: string): Promise<Job | undefined> {
  const args = ["get", "job", name, "-o", "json"];
  const r = await cluster.kubectl(args);
  if (r.exitCode !== 0) {
    if (/NotFound|not found/.test(r.stderr)) return undefined;
    throw new Error(describeResult(args, r));
  }
  return JSON.parse(r.stdout) as Job;
}

export async function mustGetJob(cluster: FakeCluster, name: string): Promise<Job> {
  const job = await getJob(cluster, name);
  if (!job) throw new Error(`job ${name} not found`);
  return job;
}

export async function listPods(cluster: FakeCluster, selector: string): Promise<Pod[]> {
  const list = await getJson<List<Pod>>(cluster, ["get", "pods", "-l", selector]);
  return list.items;
}

export async function listJobs(cluster: FakeCluster, selector?: string): Promise<Job[]> {
  const list = await getJson<List<Job>>(cluster, ["get", "jobs", ...(selector ? ["-l", selector] : [])]);
  return list.items;
}

/** core/v1 Events about one object (kubectl get events --field-selector involvedObject.name=N). */
export async function eventsFor(cluster: FakeCluster, name: string): Promise<KubeEvent[]> {
  const list = await getJson<List<KubeEvent>>(cluster, ["get", "events", "--field-selector", `involvedObject.name=${name}`]);
  return list.items;
}

export function eventComponent(e: KubeEvent): string | undefined {
  return e.source?.component ?? e.reportingComponent;
}

export function condition(job: Job, type: string): JobCondition | undefined {
  return job.status?.conditions?.find((c) => c.type === type && c.status === "True");
}

export function conditionTypes(job: Job): string[] {
  return (job.status?.conditions ?? []).filter((c) => c.status === "True").map((c) => c.type);
}

export function isFinished(job: Job): boolean {
  return condition(job, "Complete") !== undefined || condition(job, "Failed") !== undefined;
}

/** Polls the Job until it carries Complete=True or Failed=True. */
export async function waitForJobFinished(cluster: FakeCluster, name: string, timeoutMs: number): Promise<Job> {
  return waitFor(
    `job ${name} to finish (Complete or Failed condition)`,
    async () => {
      const job = await getJob(cluster, name);
      return job && isFinished(job) ? job : false;
    },
    timeoutMs,
    150,
  );
}

export async function waitForJobGone(cluster: FakeCluster, name: string, timeoutMs: number): Promise<void> {
  await waitFor(`job ${name} to be deleted`, async () => (await getJob(cluster, name)) === undefined, timeoutMs, 150);
}

export function podIsActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== "Succeeded" && phase !== "Failed" && pod.metadata.deletionTimestamp === undefined;
}

/** Sum of request counts for a verb and resource. */
export function requestCount(cluster: FakeCluster, verb: string, resource: string): number {
  return cluster
    .requestCounts()
    .filter((c) => c.verb === verb && c.resource === resource)
    .reduce((n, c) => n + c.count, 0);
}

// ---------------------------------------------------------------------------
// Streams of JSON values (kubectl prints watch events as indented JSON objects)

/** Splits concatenated JSON objects, tolerating an unfinished one at the end. */
export class JsonObjectStream {
  private buffer = "";
  private depth = 0;
  private inString = false;
  private escaped = false;
  private start = -1;
  private scanned = 0;

  push(chunk: string): unknown[] {
    this.buffer += chunk;
    const out: unknown[] = [];
    for (let i = this.scanned; i < this.buffer.length; i++) {
      const ch = this.buffer[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (ch === "\\") this.escaped = true;
        else if (ch === '"') this.inString = false;
        continue;
      }
      if (ch === '"') this.inString = true;
      else if (ch === "{") {
        if (this.depth === 0) this.start = i;
        this.depth += 1;
      } else if (ch === "}") {
        this.depth -= 1;
        if (this.depth === 0 && this.start >= 0) {
          out.push(JSON.parse(this.buffer.slice(this.start, i + 1)));
          this.start = -1;
        }
      }
    }
    if (this.depth === 0) {
      this.buffer = "";
      this.scanned = 0;
    } else {
      this.buffer = this.buffer.slice(this.start);
      this.scanned = this.buffer.length;
      this.start = 0;
    }
    return out;
  }
}

export interface RecordedEvent<T> {
  type: string;
  object: T;
  /** Date.now() when kubectl printed it. */
  at: number;
}

/**
 * Runs `kubectl <args> -w -o json --output-watch-events` as a child process and keeps
 * every event with the time it arrived.
 */
export class WatchRecorder<T> {
  readonly events: RecordedEvent<T>[] = [];
  stderr = "";
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private readonly parser = new JsonObjectStream();
  private readonly listeners: Array<(e: RecordedEvent<T>) => void> = [];

  constructor(cluster: FakeCluster, args: string[]) {
    this.child = spawn("kubectl", [...args, "-w", "-o", "json", "--output-watch-events"], {
      env: cluster.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child.stdout?.setEncoding("utf8");
    this.child.stderr?.setEncoding("utf8");
    this.child.stdout?.on("data", (chunk: string) => {
      const at = Date.now();
      for (const value of this.parser.push(chunk)) {
        const e = value as WatchEvent<T>;
        const recorded = { type: e.type, object: e.object, at };
        this.events.push(recorded);
        for (const l of this.listeners) l(recorded);
      }
    });
    this.child.stderr?.on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => {
      this.child.on("exit", (code) => resolve(code));
      this.child.on("error", () => resolve(null));
    });
  }

  onEvent(listener: (e: RecordedEvent<T>) => void): void {
    this.listeners.push(listener);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
    await Promise.race([this.exited, sleep(3000)]);
  }
}

/** Waits until the server has answered at least `n` watch requests on `resource` in total. */
export async function waitForWatches(cluster: FakeCluster, resource: string, n: number, timeoutMs = 10_000): Promise<void> {
  await waitFor(`${n} watch request(s) on ${resource}`, () => requestCount(cluster, "watch", resource) >= n, timeoutMs, 50);
}
