/** `jobx wait GROUP`: follow the group to its verdict; the exit code says how it ended. */
import { RunError } from "../errors";
import { durationMs } from "../cli/flags";
import { verifyReportTargets, writeGroupReports } from "../lifecycle/reports";
import { note, processSession, type CommandContext } from "../lifecycle/session";
import { findGroup } from "../lifecycle/snapshot";
import { resolveTarget, type TargetOptions } from "../lifecycle/target";
import { progressMode, waitForGroup } from "../lifecycle/wait";

export interface WaitFlags extends TargetOptions {
  report: string[];
  timeout?: string;
  failFast: boolean;
  output?: "text" | "json";
  quiet?: boolean;
}

export async function runWait(group: string, flags: WaitFlags, context: CommandContext): Promise<void> {
  verifyReportTargets(flags.report);
  const timeoutMs = durationMs("--timeout", flags.timeout);
  const session = processSession(resolveTarget(flags, context.env), context);
  const { record } = await findGroup(session.cluster, group);
  const verdict = await waitForGroup(session, group, record, { timeoutMs, failFast: flags.failFast, progress: progressMode(flags, session.streams) });
  await writeGroupReports(session, group, record, flags.report, flags.quiet);
  if (verdict.code !== 0) throw new RunError(`group ${group}: ${verdict.summary}`, [], verdict.code);
  if (flags.output !== "json" && !flags.quiet) note(session, `group ${group}: ${verdict.summary}`);
}
