/** `jobx status GROUP`: one line per member and a summary; -o json for machines. */
import { Chalk } from "chalk";
import { GroupTracker } from "../group/tracker";
import { listEvents, listGroupJobs, noSuchGroup, readRecord } from "../kube/queries";
import type { EventLike } from "../group/member";
import { countsLine, memberJson, memberTable } from "../ui/status";
import { verifyReportSpecs, writeGroupReports } from "./reports";
import { resolveTarget, type TargetOptions } from "./target";

export interface StatusOptions extends TargetOptions {
  report?: string[];
  output?: "text" | "json";
}

export async function runStatus(group: string, options: StatusOptions): Promise<void> {
  verifyReportSpecs(options.report);
  const target = resolveTarget(options);
  const [found, jobs] = await Promise.all([readRecord(target, group), listGroupJobs(target, group)]);
  if (!found) throw noSuchGroup(group, target);
  const tracker = new GroupTracker(found.record);
  tracker.applyList(jobs);
  const c = tracker.counts();
  if (c.missing + c.vanished > 0) tracker.applyEventsForMissing((await listEvents(target)) as unknown as EventLike[]);
  const record = found.record;
  await writeGroupReports(target, group, record, options.report);
  if (options.output === "json") {
    process.stdout.write(
      `${JSON.stringify({ group, template: record.template, appliedAt: record.appliedAt, appliedBy: record.appliedBy, counts: tracker.counts(), members: tracker.all().map(memberJson) }, null, 2)}\n`,
    );
    return;
  }
  const colour = new Chalk({ level: process.stdout.isTTY && !process.env.NO_COLOR ? 1 : 0 });
  process.stdout.write(`${memberTable(tracker.all(), { colour })}\n\n${countsLine(tracker.counts())} (group ${group}, applied ${record.appliedAt} by ${record.appliedBy})\n`);
}
