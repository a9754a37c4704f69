/**
 * `--report KIND=FILE` on apply --wait, wait and status: the group's timeline, built from
 * the cluster's own timestamps, written as JUnit XML, JSON or HTML.
 */
import { writeFileSync } from "node:fs";
import { buildTimeline } from "../group/timeline-model";
import type { GroupRecord } from "../group/record";
import { listGroupJobs, listGroupPods } from "../kube/queries";
import { logsPlan, type KubeTarget } from "../kube/plans";
import { runKubectl } from "../kube/run";
import { parseReportSpecs, writeReports } from "../report/index";
import { formatNote } from "../ui/errors";

/** Lines of a failed pod's log kept in a JUnit failure. */
const LOG_TAIL_LINES = 50;

/** Throws a UsageError for a bad spec before any work is done. */
export function verifyReportSpecs(specs: string[] | undefined): void {
  if (specs?.length) parseReportSpecs(specs);
}

export async function writeGroupReports(target: KubeTarget, group: string, record: GroupRecord, specs: string[] | undefined, quiet = false): Promise<void> {
  if (!specs?.length) return;
  const [jobs, pods] = await Promise.all([listGroupJobs(target, group), listGroupPods(target, group)]);
  const timeline = buildTimeline({ group, record, jobs, pods, now: Date.now() });
  const logTails: Record<string, string> = {};
  const failedJobs = new Set(timeline.members.filter((m) => m.outcome === "failed").map((m) => m.job));
  // The last pod of each failed member says why it failed.
  const lastPods = new Map<string, string>();
  for (const bar of [...timeline.bars].sort((a, b) => a.created - b.created)) if (failedJobs.has(bar.job)) lastPods.set(bar.job, bar.pod);
  await Promise.all(
    [...lastPods].map(async ([job, pod]) => {
      const result = await runKubectl(logsPlan(target, pod, { tail: LOG_TAIL_LINES }));
      if (result.exitCode === 0) logTails[job] = result.stdout;
    }),
  );
  writeReports(specs, timeline, logTails, (path, text) => {
    writeFileSync(path, text);
    if (!quiet) process.stderr.write(formatNote(`wrote ${path}`));
  });
}
