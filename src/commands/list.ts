/** `jobx list`: the groups in a namespace (or all), with member counts and state. */
import { listGroups } from "../lifecycle/list";
import { processSession, type CommandContext } from "../lifecycle/session";
import { resolveTarget, type TargetOptions } from "../lifecycle/target";
import { groupListText } from "../ui/status";

export interface ListFlags extends TargetOptions {
  allNamespaces: boolean;
  output?: "text" | "json";
}

export async function runList(flags: ListFlags, context: CommandContext): Promise<void> {
  const session = processSession(resolveTarget(flags, context.env), context);
  const rows = await listGroups(session, { allNamespaces: flags.allNamespaces });
  if (flags.output === "json") {
    session.streams.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    session.streams.stderr.write(`No jobx groups found${flags.allNamespaces ? "" : " in this namespace (try -A)"}.\n`);
    return;
  }
  session.streams.stdout.write(groupListText(rows, flags.allNamespaces));
}
