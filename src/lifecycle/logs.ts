/**
 * A group's logs: every pod's complete log (not kubectl's ten-line default for a
 * selector), each line prefixed by its member's label; `follow` starts a `kubectl logs -f`
 * for each pod as its container starts; `outDir` writes one file per member and attempt.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../errors";
import { memberLabel } from "../group/member-label";
import type { Member } from "../group/record";
import { logsPlan } from "../kube/plans";
import { listGroupPods } from "../kube/queries";
import type { KubeObject } from "../kube/results";
import { keepWatching } from "../kube/watch";
import { groupSelector } from "../manifest/labels";
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
}

interface PodInfo {
  name: string;
  job: string;
  created: string;
  started: boolean;
}

function podInfo(pod: KubeObject): PodInfo {
  const labels = pod.metadata.labels ?? {};
  const status = (pod as { status?: { containerStatuses?: { state?: Record<string, unknown> }[] } }).status ?? {};
  const started = (status.containerStatuses ?? []).some((c) => c.state && !("waiting" in c.state));
  return { name: pod.metadata.name, job: labels["batch.kubernetes.io/job-name"] ?? labels["job-name"] ?? "", created: String(pod.metadata.creationTimestamp ?? ""), started };
}

/** The prefix of each log line: the member's label (at most 40 characters, control characters shown escaped) and the pod. */
export function logPrefix(member: Member | undefined, pod: string): string {
  const label = member ? terminalSafe(memberLabel(member.params, `#${member.index}`)) : "?";
  return `[${label.length > 40 ? `${label.slice(0, 39)}…` : label} ${pod}] `;
}

/** The members `--item` names: a row index, a Job name, or key=value. */
export function pickMembers(members: readonly Member[], item: string | undefined): Member[] {
  if (item === undefined) return [...members];
  const picked = members.filter((m) => m.name === item || String(m.index) === item || Object.entries(m.params).some(([k, v]) => `${k}=${String(v)}` === item));
  if (picked.length === 0) throw new UsageError(`--item ${item} matches no member: give a row index, a Job name, or key=value`);
  return picked;
}

export async function printLogs(session: Session, group: string, options: LogsOptions): Promise<void> {
  const { cluster } = session;
  const snapshot = await snapshotGroup(cluster, group);
  let members = pickMembers(snapshot.record.members, options.item);
  if (options.failed) {
    const failed = new Set(snapshot.tracker.all().filter((m) => m.outcome === "failed").map((m) => m.member.name));
    members = members.filter((m) => failed.has(m.name));
  }
  const byJob = new Map(members.map((m) => [m.name, m]));
  if (options.follow) return follow(session, group, byJob);

  const pods = (await listGroupPods(cluster, group))
    .map(podInfo)
    .filter((p) => byJob.has(p.job) && p.started)
    .sort((a, b) => (byJob.get(a.job)?.index ?? 0) - (byJob.get(b.job)?.index ?? 0) || a.created.localeCompare(b.created));
  // Logs are fetched a few at a time but printed in member order, each as soon as all before it are.
  const outputs: (string | undefined)[] = new Array<string | undefined>(pods.length).fill(undefined);
  let printed = 0;
  const flush = () => {
    for (; printed < pods.length && outputs[printed] !== undefined; printed++) {
      session.streams.stdout.write(outputs[printed] ?? "");
      outputs[printed] = "";
    }
  };
  let next = 0;
  const worker = async () => {
    while (next < pods.length && !session.interrupts.signal()) {
      const i = next++;
      const pod = pods[i] as PodInfo;
      const result = await cluster.kubectl.run(logsPlan(cluster.target, pod.name, {}));
      if (result.exitCode !== 0 && !session.interrupts.signal()) warn(session, `logs of pod ${pod.name}: ${result.stderr.trim()}`);
      if (options.outDir) {
        const dir = join(options.outDir, pod.job);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, `${pod.name}.log`), result.stdout);
        outputs[i] = "";
      } else {
        const prefix = logPrefix(byJob.get(pod.job), pod.name);
        const lines = result.stdout.split("\n");
        if (lines[lines.length - 1] === "") lines.pop();
        outputs[i] = lines.map((l) => `${prefix}${l}\n`).join("");
      }
      flush();
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, pods.length) }, worker));
  if (options.outDir) note(session, `wrote ${pods.length} log files to ${options.outDir}`);
}

/**
 * -f: one watch of the group's pods starts a `kubectl logs -f` for each selected member's
 * pod once its container has started, while one watch of the Jobs (followGroup) says when
 * every selected member has finished; then a last list of pods catches any that started
 * and ended between two events. No polling: the kubectl processes are those two watches
 * and one per pod, however long the group runs. Ctrl-C stops them all.
 */
async function follow(session: Session, group: string, byJob: Map<string, Member>): Promise<void> {
  const { cluster } = session;
  const streams = new Map<string, Promise<unknown>>();
  const stops: (() => void)[] = [];
  const startLogs = (pod: PodInfo) => {
    if (!byJob.has(pod.job) || !pod.started || streams.has(pod.name)) return;
    const prefix = logPrefix(byJob.get(pod.job), pod.name);
    const s = cluster.kubectl.stream(logsPlan(cluster.target, pod.name, { follow: true }), (line) => session.streams.stdout.write(`${prefix}${line}\n`));
    stops.push(s.stop);
    streams.set(pod.name, s.done);
  };
  let warned = false;
  // Say why once (say, no permission to watch pods); the watch is tried again meanwhile.
  const pods = keepWatching(cluster, "pods", groupSelector(group), (pod) => startLogs(podInfo(pod)), (message) => {
    if (warned) return;
    warned = true;
    warn(session, `watching the group's pods: ${message}; trying again`);
  });
  try {
    await followGroup(cluster, group, { members: [...byJob.values()] }, { failFast: false, stopSignal: session.interrupts.promise });
    await pods.stop();
    if (!session.interrupts.signal()) for (const pod of (await listGroupPods(cluster, group)).map(podInfo)) startLogs(pod);
    if (session.interrupts.signal()) for (const stop of stops) stop();
    await Promise.all(streams.values());
  } finally {
    // Also when following failed: a pod watch left running would keep jobx from exiting.
    await pods.stop();
  }
}
