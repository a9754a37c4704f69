/** `jobx logs GROUP`: every pod's complete log, each line prefixed by its member. */
import { durationMs, positiveInteger } from "../cli/flags";
import { UsageError } from "../errors";
import { printLogs } from "../lifecycle/logs";
import { processSession, type CommandContext } from "../lifecycle/session";
import { resolveTarget, type TargetOptions } from "../lifecycle/target";

export interface LogsFlags extends TargetOptions {
  failed: boolean;
  item?: string;
  follow: boolean;
  outDir?: string;
  concurrency: string;
  tail?: string;
  since?: string;
  timestamps: boolean;
  container?: string;
  allContainers: boolean;
}

export async function runLogs(group: string, flags: LogsFlags, context: CommandContext): Promise<void> {
  const concurrency = positiveInteger("--concurrency", flags.concurrency, 4) as number;
  if (flags.container && flags.allContainers) throw new UsageError("-c/--container picks one container; --all-containers asks for every one: give one of them");
  // kubectl's own flags, checked here so a typo fails before any pod is read.
  if (flags.tail !== undefined && !/^(-1|\d+)$/.test(flags.tail)) throw new UsageError(`--tail ${JSON.stringify(flags.tail)} is not a number of lines: for example --tail 20 (-1: all)`);
  durationMs("--since", flags.since);
  const selection = {
    ...(flags.tail !== undefined ? { tail: Number(flags.tail) } : {}),
    ...(flags.since !== undefined ? { since: flags.since } : {}),
    timestamps: flags.timestamps,
  };
  const session = processSession(resolveTarget(flags, context.env), context);
  await printLogs(session, group, { failed: flags.failed, item: flags.item, follow: flags.follow, outDir: flags.outDir, concurrency, selection, container: flags.container });
}
