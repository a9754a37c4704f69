/** `jobx status GROUP`: one line per member and a summary; -o json for machines. */
import { verifyReportTargets, writeGroupReports } from "../lifecycle/reports";
import { processSession, type CommandContext } from "../lifecycle/session";
import { snapshotGroup } from "../lifecycle/snapshot";
import { resolveTarget, type TargetOptions } from "../lifecycle/target";
import { groupStatusJson, groupStatusText } from "../ui/status";

export interface StatusFlags extends TargetOptions {
  report: string[];
  output?: "text" | "json";
}

export async function runStatus(group: string, flags: StatusFlags, context: CommandContext): Promise<void> {
  verifyReportTargets(flags.report);
  const session = processSession(resolveTarget(flags, context.env), context);
  const snapshot = await snapshotGroup(session.cluster, group);
  await writeGroupReports(session, group, snapshot.record, flags.report);
  const out = flags.output === "json" ? groupStatusJson(group, snapshot.record, snapshot.tracker) : groupStatusText(group, snapshot.record, snapshot.tracker, { colour: session.streams.colour && session.streams.stdoutIsTTY, now: session.now() });
  session.streams.stdout.write(out);
}
