/**
 * `--report KIND=FILE` on apply --wait, wait and status: the group's timeline, built from
 * the cluster's own timestamps, written as JUnit XML, JSON or HTML. The files are checked
 * before any work starts, so an unwritable path fails at once, not after the group ran.
 */
import { accessSync, constants, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UsageError } from "../errors";
import { buildTimeline } from "../group/timeline-model";
import type { GroupRecord } from "../group/record";
import { logsPlan } from "../kube/plans";
import { currentContext, listGroupJobs, listGroupPods } from "../kube/queries";
import { parseReportSpecs, writeReports, type ReportSpec } from "../report/index";
import { note, type Session } from "./session";

/** Lines of a failed pod's log kept in a JUnit failure. */
const LOG_TAIL_LINES = 50;

/** Checks every spec and that each file can be written; throws a UsageError naming the spec and the fix. */
export function verifyReportTargets(specs: readonly string[] | undefined): ReportSpec[] {
  if (!specs?.length) return [];
  const parsed = parseReportSpecs(specs);
  for (const { kind, file } of parsed) {
    const path = resolve(file);
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      // does not exist yet: its folder must
    }
    if (isDir) throw new UsageError(`--report ${kind}=${file}: ${file} is a directory; give a file name, e.g. --report ${kind}=${file.replace(/\/$/, "")}/report.${kind === "junit" ? "xml" : kind}`);
    const dir = dirname(path);
    try {
      if (!statSync(dir).isDirectory()) throw new Error("not a directory");
      accessSync(dir, constants.W_OK);
      try {
        accessSync(path, constants.F_OK);
        accessSync(path, constants.W_OK);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      }
    } catch {
      throw new UsageError(`--report ${kind}=${file}: cannot write ${file} (its folder ${dir} is missing or not writable); create the folder or choose another path`);
    }
  }
  return parsed;
}

export async function writeGroupReports(session: Session, group: string, record: Pick<GroupRecord, "members">, specs: readonly string[] | undefined, quiet = false): Promise<void> {
  if (!specs?.length) return;
  const { cluster } = session;
  const [jobs, pods, where] = await Promise.all([listGroupJobs(cluster, group), listGroupPods(cluster, group), currentContext(cluster)]);
  const timeline = buildTimeline({ group, record, jobs, pods, now: session.now() });
  const logTails: Record<string, string> = {};
  const failedJobs = new Set(timeline.members.filter((m) => m.outcome === "failed").map((m) => m.job));
  // The last pod of each failed member says why it failed.
  const lastPods = new Map<string, string>();
  for (const bar of [...timeline.bars].sort((a, b) => a.created - b.created)) if (failedJobs.has(bar.job)) lastPods.set(bar.job, bar.pod);
  await Promise.all(
    [...lastPods].map(async ([job, pod]) => {
      const result = await cluster.kubectl.run(logsPlan(cluster.target, pod, { tail: LOG_TAIL_LINES }));
      if (result.exitCode === 0) logTails[job] = result.stdout;
    }),
  );
  writeReports(
    specs,
    timeline,
    logTails,
    (path, text) => {
      writeFileSync(path, text);
      if (!quiet) note(session, `wrote ${path}`);
    },
    where,
  );
}
