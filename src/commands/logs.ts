/**
 * `jobx logs GROUP`: every pod's complete log (not kubectl's ten-line default for a
 * selector), each line prefixed by its member's item; -f follows any number of pods as
 * they start; --out-dir writes one file per member and attempt (pod).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../errors";
import { GroupTracker } from "../group/tracker";
import type { Member } from "../group/record";
import { followGroup, watchGroupPods } from "../kube/follow";
import { listGroupJobs, listGroupPods, noSuchGroup, readRecord } from "../kube/queries";
import { logsPlan, type KubeTarget } from "../kube/plans";
import type { KubeObject } from "../kube/results";
import { runKubectl, streamKubectl } from "../kube/run";
import { formatWarning } from "../ui/errors";
import { watchInterrupts } from "./signals";
import { resolveTarget, type TargetOptions } from "./target";

export interface LogsOptions extends TargetOptions {
  failed: boolean;
  item?: string;
  follow: boolean;
  outDir?: string;
  concurrency: string;
}

interface PodInfo {
  name: string;
  job: string;
  phase: string;
  created: string;
  started: boolean;
}

function podInfo(pod: KubeObject): PodInfo {
  const labels = (pod.metadata as { labels?: Record<string, string> }).labels ?? {};
  const status = (pod as { status?: { phase?: string; containerStatuses?: { state?: Record<string, unknown> }[] } }).status ?? {};
  const started = (status.containerStatuses ?? []).some((c) => c.state && !("waiting" in c.state));
  return {
    name: pod.metadata.name,
    job: labels["batch.kubernetes.io/job-name"] ?? labels["job-name"] ?? "",
    phase: status.phase ?? "Unknown",
    created: String((pod.metadata as { creationTimestamp?: string }).creationTimestamp ?? ""),
    started,
  };
}

function prefixOf(member: Member | undefined, pod: string): string {
  const item = member ? Object.entries(member.params).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(",") || `#${member.index}` : "?";
  return `[${item.length > 40 ? `${item.slice(0, 39)}…` : item} ${pod}] `;
}

function pickMembers(members: Member[], item: string | undefined): Member[] {
  if (item === undefined) return members;
  const picked = members.filter((m) => m.name === item || String(m.index) === item || Object.entries(m.params).some(([k, v]) => `${k}=${String(v)}` === item));
  if (picked.length === 0) throw new UsageError(`--item ${item} matches no member: give a row index, a Job name, or key=value`);
  return picked;
}

export async function runLogs(group: string, options: LogsOptions): Promise<void> {
  const target = resolveTarget(options);
  const found = await readRecord(target, group);
  if (!found) throw noSuchGroup(group, target);
  const concurrency = Math.max(1, Number(options.concurrency) || 4);
  let members = pickMembers(found.record.members, options.item);
  if (options.failed) {
    const tracker = new GroupTracker(found.record);
    tracker.applyList(await listGroupJobs(target, group));
    const failed = new Set(tracker.all().filter((m) => m.outcome === "failed").map((m) => m.member.name));
    members = members.filter((m) => failed.has(m.name));
  }
  const byJob = new Map(members.map((m) => [m.name, m]));
  if (options.follow) return follow(target, group, byJob);

  const pods = (await listGroupPods(target, group))
    .map(podInfo)
    .filter((p) => byJob.has(p.job) && p.started)
    .sort((a, b) => (byJob.get(a.job)?.index ?? 0) - (byJob.get(b.job)?.index ?? 0) || a.created.localeCompare(b.created));
  // Logs are fetched a few at a time but printed in member order, each as soon as all before it are.
  const outputs: (string | undefined)[] = new Array<string | undefined>(pods.length).fill(undefined);
  let printed = 0;
  const flush = () => {
    for (; printed < pods.length && outputs[printed] !== undefined; printed++) {
      process.stdout.write(outputs[printed] ?? "");
      outputs[printed] = "";
    }
  };
  let next = 0;
  const worker = async () => {
    while (next < pods.length) {
      const i = next++;
      const pod = pods[i] as PodInfo;
      const result = await runKubectl(logsPlan(target, pod.name, {}));
      if (result.exitCode !== 0) process.stderr.write(formatWarning(`logs of pod ${pod.name}: ${result.stderr.trim()}`));
      if (options.outDir) {
        const dir = join(options.outDir, pod.job);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, `${pod.name}.log`), result.stdout);
        outputs[i] = "";
      } else {
        const prefix = prefixOf(byJob.get(pod.job), pod.name);
        const lines = result.stdout.split("\n");
        if (lines[lines.length - 1] === "") lines.pop();
        outputs[i] = lines.map((l) => `${prefix}${l}\n`).join("");
      }
      flush();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, pods.length) }, worker));
  if (options.outDir) process.stderr.write(`wrote ${pods.length} log files to ${options.outDir}\n`);
}

/**
 * -f: one watch of the group's pods starts a `kubectl logs -f` for each selected member's
 * pod once its container has started, while one watch of the Jobs (followGroup) says when
 * every selected member has finished; then a last list of pods catches any that started
 * and ended between two events. No polling: the kubectl processes are those two watches
 * and one per pod, however long the group runs. Ctrl-C stops them all.
 */
async function follow(target: KubeTarget, group: string, byJob: Map<string, Member>): Promise<void> {
  const interrupt = watchInterrupts();
  const streams = new Map<string, Promise<unknown>>();
  const stops: (() => void)[] = [];
  const startLogs = (pod: PodInfo) => {
    if (!byJob.has(pod.job) || !pod.started || streams.has(pod.name)) return;
    const prefix = prefixOf(byJob.get(pod.job), pod.name);
    const s = streamKubectl(logsPlan(target, pod.name, { follow: true }), (line) => process.stdout.write(`${prefix}${line}\n`));
    stops.push(s.stop);
    streams.set(pod.name, s.done);
  };
  let warned = false;
  // Say why once (say, no permission to watch pods); the watch is tried again meanwhile.
  const pods = watchGroupPods(target, group, (pod) => startLogs(podInfo(pod)), (message) => {
    if (warned) return;
    warned = true;
    process.stderr.write(formatWarning(`watching the group's pods: ${message}; trying again`));
  });
  try {
    await followGroup(target, group, { members: [...byJob.values()] }, { failFast: false, stopSignal: interrupt.promise });
    await pods.stop();
    if (!interrupt.signal()) for (const pod of (await listGroupPods(target, group)).map(podInfo)) startLogs(pod);
    if (interrupt.signal()) for (const stop of stops) stop();
    await Promise.all(streams.values());
  } finally {
    // Also when following failed: a pod watch left running would keep jobx from exiting.
    await pods.stop();
    interrupt.dispose();
  }
}
