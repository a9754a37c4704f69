/** `jobx retry GROUP`: run again the members that failed (or those named), then optionally wait. */
import { RunError } from "../errors";
import { durationMs } from "../cli/flags";
import { verifyReportTargets, writeGroupReports } from "../lifecycle/reports";
import { retryGroup } from "../lifecycle/retry";
import { note, processSession, warn, type CommandContext } from "../lifecycle/session";
import { resolveTarget, type TargetOptions } from "../lifecycle/target";
import { progressMode, waitForGroup } from "../lifecycle/wait";
import { counted } from "../text/plural";

export interface RetryFlags extends TargetOptions {
  item?: string;
  wait: boolean;
  timeout?: string;
  failFast: boolean;
  output?: "text" | "json";
  quiet?: boolean;
  report: string[];
}

export async function runRetry(group: string, flags: RetryFlags, context: CommandContext): Promise<void> {
  verifyReportTargets(flags.report);
  const timeoutMs = durationMs("--timeout", flags.timeout);
  const session = processSession(resolveTarget(flags, context.env), context);
  const result = await retryGroup(session, group, { item: flags.item });
  for (const s of result.skipped) warn(session, `${s.member}: not run again: ${s.why}`);
  if (result.retried.length === 0) {
    if (result.failed.size > 0) throw new RunError(`group ${group}: no member could be run again`, [...result.failed].slice(0, 5).map(([n, e]) => `${n}: ${e.message}`));
    if (!flags.quiet) note(session, `nothing to run again in group ${group}: ${flags.item ? "the member named is not finished" : "no member failed"}`);
    return;
  }
  const jobs = [...new Set(result.retried.map((r) => r.job))];
  if (!flags.quiet) note(session, `running ${counted(result.retried.length, "member")} of group ${group} again: ${jobs.slice(0, 5).join(", ")}${jobs.length > 5 ? ", …" : ""} (the earlier attempts are kept)`);
  if (result.failed.size > 0) throw new RunError(`${counted(result.failed.size, "Job")} of the retry of group ${group} could not be created`, [...result.failed].slice(0, 5).map(([n, e]) => `${n}: ${e.message}`));
  if (!flags.wait) return;
  const verdict = await waitForGroup(session, group, result.record, { timeoutMs, failFast: flags.failFast, progress: progressMode(flags, session.streams) });
  await writeGroupReports(session, group, result.record, flags.report, flags.quiet);
  if (verdict.code !== 0) throw new RunError(`group ${group}: ${verdict.summary}`, [], verdict.code);
  if (flags.output !== "json" && !flags.quiet) note(session, `group ${group}: ${verdict.summary}`);
}
