/** `jobx logs GROUP`: every pod's complete log, each line prefixed by its member. */
import { positiveInteger } from "../cli/flags";
import { printLogs } from "../lifecycle/logs";
import { processSession, type CommandContext } from "../lifecycle/session";
import { resolveTarget, type TargetOptions } from "../lifecycle/target";

export interface LogsFlags extends TargetOptions {
  failed: boolean;
  item?: string;
  follow: boolean;
  outDir?: string;
  concurrency: string;
}

export async function runLogs(group: string, flags: LogsFlags, context: CommandContext): Promise<void> {
  const concurrency = positiveInteger("--concurrency", flags.concurrency, 4) as number;
  const session = processSession(resolveTarget(flags, context.env), context);
  await printLogs(session, group, { failed: flags.failed, item: flags.item, follow: flags.follow, outDir: flags.outDir, concurrency });
}
