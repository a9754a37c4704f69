/** `jobx status GROUP`: one line per member and a summary; -o json for machines. */
import { verifyReportTargets, writeGroupReports } from "../lifecycle/reports";
import { processSession, type CommandContext } from "../lifecycle/session";
import { snapshotGroup } from "../lifecycle/snapshot";
import { resolveTarget, type TargetOptions } from "../lifecycle/target";
import { formatData, jobNamesText } from "../ui/formats";
import { groupStatusData, groupStatusText } from "../ui/status";

export interface StatusFlags extends TargetOptions {
  report: string[];
  output?: "text" | "wide" | "json" | "yaml" | "name";
}

export async function runStatus(group: string, flags: StatusFlags, context: CommandContext): Promise<void> {
  verifyReportTargets(flags.report);
  const session = processSession(resolveTarget(flags, context.env), context);
  const snapshot = await snapshotGroup(session.cluster, group);
  await writeGroupReports(session, group, snapshot.record, flags.report);
  const { record, tracker } = snapshot;
  const out =
    flags.output === "json" || flags.output === "yaml"
      ? formatData(flags.output, groupStatusData(group, record, tracker))
      : flags.output === "name"
        ? jobNamesText(tracker.all().map((m) => m.member.name))
        : groupStatusText(group, record, tracker, { colour: session.streams.colour && session.streams.stdoutIsTTY, now: session.now(), wide: flags.output === "wide" });
  session.streams.stdout.write(out);
}
