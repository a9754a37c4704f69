/**
 * A group's logs: every pod's complete log (not kubectl's ten-line default for a
 * selector), each line prefixed by its member's label and its pod (and its container,
 * when the pod has several); `follow` starts a `kubectl logs -f` for each pod as its
 * container starts; `outDir` writes one file per member and attempt.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../errors";
import type { JobLike } from "../group/member";
import { parseIndexes } from "../group/packed";
import { memberLabel } from "../group/member-label";
import type { Member } from "../group/record";
import { logsPlan, type LogsSelection } from "../kube/plans";
import { listGroupPods } from "../kube/queries";
import type { KubeObject } from "../kube/results";
import { keepWatching } from "../kube/watch";
import { groupSelector } from "../manifest/labels";
import { ROW_BEGINS, ROW_ENDS } from "../pack/resolver";
import { terminalSafe } from "../text/show";
import { followGroup } from "./follow";
import { snapshotGroup } from "./snapshot";
import { note, warn, type Session } from "./session";

export interface LogsOptions {
  failed: boolean;
  item?: string;
  follow: boolean;
  outDir?: string;
  concurrency: number;
  /** What of each log: --tail, --since, --timestamps. */
  selection: Omit<LogsSelection, "container" | "follow">;
  /** One container (-c), or every container (the default). */
  container?: string;
}

interface PodInfo {
  name: string;
  job: string;
  created: string;
  phase: string;
  /** Containers that have started (only those have logs). */
  started: string[];
  /** All of the pod's containers, in spec order. */
  containers: string[];
  completionIndex?: number;
}

const COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";

function podInfo(pod: KubeObject): PodInfo {
  const labels = pod.metadata.labels ?? {};
  const { status = {}, spec = {} } = pod as { status?: { phase?: string; containerStatuses?: { name?: string; state?: Record<string, unknown> }[] }; spec?: { containers?: { name?: string }[] } };
  const started = (status.containerStatuses ?? []).filter((c) => c.state && !("waiting" in c.state)).map((c) => c.name ?? "");
  const index = pod.metadata.annotations?.[COMPLETION_INDEX] ?? labels[COMPLETION_INDEX];
  return {
    name: pod.metadata.name,
    job: labels["batch.kubernetes.io/job-name"] ?? labels["job-name"] ?? "",
    created: String(pod.metadata.creationTimestamp ?? ""),
    phase: status.phase ?? "Unknown",
    started,
    containers: (spec.containers ?? []).map((c) => c.name ?? ""),
    ...(index !== undefined && /^\d+$/.test(index) ? { completionIndex: Number(index) } : {}),
  };
}

/**
 * Which of the selected members a pod serves: a member's own Job's pods, or — packed —
 * the pods at its completion index of the packed Job that runs it (with --per-pod, one
 * pod serves several).
 */
function podMembers(members: readonly Member[]): (pod: PodInfo) => Member[] {
  const byKey = new Map<string, Member[]>();
  const add = (key: string, m: Member) => byKey.set(key, [...(byKey.get(key) ?? []), m]);
  for (const m of members) {
    add(m.packed ? `${m.packed.job}#${m.packed.at}` : `${m.job ?? m.name}#`, m);
    // A member run again keeps the logs of the Jobs that ran it before.
    for (const h of m.history ?? []) add(`${h.job}#${h.at ?? ""}`, m);
  }
  return (pod) => byKey.get(`${pod.job}#${pod.completionIndex ?? ""}`) ?? byKey.get(`${pod.job}#`) ?? [];
}

/**
 * Prefixes a pod's log lines with their member. A --per-pod pod runs several rows, each
 * framed by `[jobx] row N begins` … `ended`: each section goes to its row's member, and
 * only the sections of selected members are kept.
 */
class RowSplitter {
  private row: number | undefined;

  constructor(
    private readonly members: readonly Member[],
    private readonly pod: string,
    private readonly container: string | undefined,
  ) {}

  line(text: string): string {
    const begins = ROW_BEGINS.exec(text);
    if (begins) this.row = Number(begins[1]);
    const member = this.members.length === 1 && this.row === undefined ? this.members[0] : this.members.find((m) => m.index === this.row);
    const out = member || this.row === undefined ? `${logPrefix(member ?? this.members[0], this.pod, this.container)}${text}\n` : "";
    if (ROW_ENDS.test(text)) this.row = undefined;
    return out;
  }
}

/** The prefix of each log line: the member's label (at most 40 characters, control characters shown escaped), the pod, and the container when the pod has several. */
export function logPrefix(member: Member | undefined, pod: string, container?: string): string {
  const label = member ? terminalSafe(memberLabel(member.params, `#${member.index}`)) : "?";
  return `[${label.length > 40 ? `${label.slice(0, 39)}…` : label} ${pod}${container ? `/${container}` : ""}] `;
}

/**
 * The members `--item` names: a Job name, key=value, or a row index. A template rendered
 * once (no parameters: every member is row 0) has its members counted instead, so
 * `--item 2` is its third Job.
 */
export function pickMembers(members: readonly Member[], item: string | undefined): Member[] {
  if (item === undefined) return [...members];
  const byName = members.filter((m) => m.name === item);
  if (byName.length > 0) return byName;
  if (/^\d+$/.test(item)) {
    const onceRendered = members.length > 1 && members.every((m) => m.index === members[0]?.index && Object.keys(m.params).length === 0);
    if (onceRendered) {
      const member = members[Number(item)];
      if (!member) throw new UsageError(`--item ${item}: the group's template was rendered once into ${members.length} Jobs, numbered 0 to ${members.length - 1}; or name one: ${members.slice(0, 3).map((m) => m.name).join(", ")}…`);
      return [member];
    }
    const byIndex = members.filter((m) => String(m.index) === item);
    if (byIndex.length > 0) return byIndex;
  }
  const byParam = members.filter((m) => Object.entries(m.params).some(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}` === item));
  if (byParam.length > 0) return byParam;
  throw new UsageError(`--item ${item} matches no member: give a row index, a Job name, or key=value (jobx status shows them)`);
}

/** For --failed: the pods that failed (for an Indexed Job, those of its failed indexes), or all its pods when none is marked failed. */
function failedPods(pods: PodInfo[], job: JobLike | undefined): PodInfo[] {
  const failedIndexes = parseIndexes(job?.status?.failedIndexes);
  const failed = pods.filter((p) => p.phase === "Failed" || (p.completionIndex !== undefined && failedIndexes.has(p.completionIndex)));
  return failed.length > 0 ? failed : pods;
}

export async function printLogs(session: Session, group: string, options: LogsOptions): Promise<void> {
  const { cluster } = session;
  const snapshot = await snapshotGroup(cluster, group);
  let members = pickMembers(snapshot.record.members, options.item);
  if (options.failed) {
    const failed = new Set(snapshot.tracker.all().filter((m) => m.outcome === "failed").map((m) => m.member.name));
    members = members.filter((m) => failed.has(m.name));
  }
  const served = podMembers(members);
  if (options.follow) return follow(session, group, members, served, options);

  const jobs = new Map(snapshot.jobs.map((j) => [j.metadata.name, j]));
  const all = (await listGroupPods(cluster, group)).map(podInfo).filter((p) => served(p).length > 0);
  let pods = all.filter((p) => p.started.length > 0);
  if (options.failed) {
    const perJob = new Map<string, PodInfo[]>();
    for (const p of pods) perJob.set(p.job, [...(perJob.get(p.job) ?? []), p]);
    pods = [...perJob].flatMap(([job, list]) => failedPods(list, jobs.get(job)));
  }
  pods.sort((a, b) => (served(a)[0]?.index ?? 0) - (served(b)[0]?.index ?? 0) || (a.completionIndex ?? 0) - (b.completionIndex ?? 0) || a.created.localeCompare(b.created));
  if (pods.length === 0) return explainNoLogs(session, group, members, all, jobs, options.failed);

  // One fetch per pod, or per container when the pod has several (so each line can say which).
  const fetches = pods.flatMap((pod) => {
    const containers = options.container ? [options.container] : pod.containers.length > 1 ? pod.started : [undefined];
    return containers.map((container) => ({ pod, container, several: pod.containers.length > 1 }));
  });
  // Logs are fetched a few at a time but printed in member order, each as soon as all before it are.
  const outputs: (string | undefined)[] = new Array<string | undefined>(fetches.length).fill(undefined);
  let printed = 0;
  const flush = () => {
    for (; printed < fetches.length && outputs[printed] !== undefined; printed++) {
      session.streams.stdout.write(outputs[printed] ?? "");
      outputs[printed] = "";
    }
  };
  let next = 0;
  const worker = async () => {
    while (next < fetches.length && !session.interrupts.signal()) {
      const i = next++;
      const { pod, container, several } = fetches[i] as (typeof fetches)[number];
      const result = await cluster.kubectl.run(logsPlan(cluster.target, pod.name, { ...options.selection, container }));
      if (result.exitCode !== 0 && !session.interrupts.signal()) warn(session, `logs of pod ${pod.name}${container ? ` container ${container}` : ""}: ${result.stderr.trim()}`);
      if (options.outDir) {
        const dir = join(options.outDir, pod.job);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, `${pod.name}${container && several ? `.${container}` : ""}.log`), result.stdout);
        outputs[i] = "";
      } else {
        const split = new RowSplitter(served(pod), pod.name, several ? container : undefined);
        const lines = result.stdout.split("\n");
        if (lines[lines.length - 1] === "") lines.pop();
        outputs[i] = lines.map((l) => split.line(l)).join("");
      }
      flush();
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, fetches.length) }, worker));
  if (options.outDir) note(session, `wrote ${fetches.length} log file${fetches.length === 1 ? "" : "s"} to ${options.outDir}`);
}

/** Nothing to print: say why, instead of printing nothing. */
function explainNoLogs(session: Session, group: string, members: Member[], pods: PodInfo[], jobs: Map<string, JobLike>, failedOnly: boolean): void {
  if (members.length === 0) {
    note(session, failedOnly ? `no member of group ${group} failed: no logs to show` : `no member of group ${group} is selected: no logs to show`);
    return;
  }
  const gone = members.filter((m) => !jobs.has(m.name)).length;
  if (pods.length === 0 && gone === members.length) {
    warn(session, `no logs of group ${group}: its Jobs are gone from the cluster (removed by ttlSecondsAfterFinished, or deleted), and their pods and logs with them`);
  } else if (pods.length === 0) {
    warn(session, `no logs of group ${group}: no pod of ${members.length === 1 ? "the member" : "its members"} exists (not created yet, or removed with its Job)`);
  } else {
    note(session, `no logs of group ${group} yet: no container of its ${pods.length} pod${pods.length === 1 ? "" : "s"} has started`);
  }
}

/**
 * -f: one watch of the group's pods starts a `kubectl logs -f` for each selected member's
 * pod once its container has started, while one watch of the Jobs (followGroup) says when
 * every selected member has finished; then a last list of pods catches any that started
 * and ended between two events. No polling: the kubectl processes are those two watches
 * and one per pod, however long the group runs. Ctrl-C stops them all.
 */
async function follow(session: Session, group: string, members: Member[], served: (pod: PodInfo) => Member[], options: LogsOptions): Promise<void> {
  const { cluster } = session;
  const streams = new Map<string, Promise<unknown>>();
  const stops: (() => void)[] = [];
  const startLogs = (pod: PodInfo) => {
    if (served(pod).length === 0) return;
    // A stream per container once it has started, when the pod has several (each line then says which).
    const several = pod.containers.length > 1;
    const containers = options.container ? (pod.started.includes(options.container) ? [options.container] : []) : several ? pod.started : pod.started.length > 0 ? [undefined] : [];
    for (const container of containers) {
      const key = `${pod.name}/${container ?? ""}`;
      if (streams.has(key)) continue;
      const split = new RowSplitter(served(pod), pod.name, several ? container : undefined);
      const s = cluster.kubectl.stream(logsPlan(cluster.target, pod.name, { ...options.selection, container, follow: true }), (line) => session.streams.stdout.write(split.line(line)));
      stops.push(s.stop);
      streams.set(key, s.done);
    }
  };
  let warned = false;
  // Say why once (say, no permission to watch pods); the watch is tried again meanwhile.
  const pods = keepWatching(cluster, "pods", groupSelector(group), (pod) => startLogs(podInfo(pod)), (message) => {
    if (warned) return;
    warned = true;
    warn(session, `watching the group's pods: ${message}; trying again`);
  });
  try {
    await followGroup(cluster, group, { members }, { failFast: false, stopSignal: session.interrupts.promise });
    await pods.stop();
    if (!session.interrupts.signal()) for (const pod of (await listGroupPods(cluster, group)).map(podInfo)) startLogs(pod);
    if (session.interrupts.signal()) for (const stop of stops) stop();
    await Promise.all(streams.values());
  } finally {
    // Also when following failed: a pod watch left running would keep jobx from exiting.
    await pods.stop();
  }
}
