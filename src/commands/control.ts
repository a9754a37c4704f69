/** `jobx suspend`, `jobx resume` and `jobx scale`: change a running group, and say what changed. */
import { RunError } from "../errors";
import { positiveInteger } from "../cli/flags";
import { scaleGroup, setSuspended, type ControlResult } from "../lifecycle/control";
import { note, processSession, type CommandContext } from "../lifecycle/session";
import { resolveTarget, type TargetOptions } from "../lifecycle/target";
import { counted } from "../text/plural";
import { UsageError } from "../errors";

function report(context: { session: ReturnType<typeof processSession>; quiet?: boolean }, group: string, verb: string, result: ControlResult): void {
  const { session } = context;
  const parts = [
    `${verb} ${counted(result.changed.length, "Job")}`,
    result.already.length ? `${result.already.length} already were` : "",
    result.finished.length ? `${result.finished.length} had finished` : "",
  ].filter(Boolean);
  if (!context.quiet) note(session, `group ${group}: ${parts.join(", ")}${result.changed.length ? `: ${result.changed.slice(0, 10).join(", ")}${result.changed.length > 10 ? ", …" : ""}` : ""}`);
  if (result.failed.size > 0) throw new RunError(`${counted(result.failed.size, "Job")} of group ${group} could not be changed`, [...result.failed].slice(0, 10).map(([n, e]) => `${n}: ${e.message}`));
}

export async function runSuspend(group: string, flags: TargetOptions & { quiet?: boolean }, context: CommandContext, suspend: boolean): Promise<void> {
  const session = processSession(resolveTarget(flags, context.env), context);
  report({ session, quiet: flags.quiet }, group, suspend ? "suspended" : "resumed", await setSuspended(session, group, suspend));
}

export async function runScale(group: string, flags: TargetOptions & { parallelism?: string; quiet?: boolean }, context: CommandContext): Promise<void> {
  if (flags.parallelism === undefined) throw new UsageError("jobx scale needs --parallelism N: the pods the group runs at once, for example --parallelism 20");
  const parallelism = /^\d+$/.test(flags.parallelism) ? Number(flags.parallelism) : (positiveInteger("--parallelism", flags.parallelism) as number);
  const session = processSession(resolveTarget(flags, context.env), context);
  const result = await scaleGroup(session, group, parallelism);
  report({ session, quiet: flags.quiet }, group, `set parallelism ${parallelism} on`, result);
}
