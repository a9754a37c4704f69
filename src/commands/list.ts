/** `jobx list`: the groups in a namespace (or all), with member counts and state. */
import { listGroups } from "../lifecycle/list";
import { processSession, type CommandContext } from "../lifecycle/session";
import { resolveTarget, type TargetOptions } from "../lifecycle/target";
import { formatData } from "../ui/formats";
import { groupListText } from "../ui/status";
import { note } from "../lifecycle/session";

export interface ListFlags extends TargetOptions {
  allNamespaces: boolean;
  output?: "text" | "wide" | "json" | "yaml";
}

export async function runList(flags: ListFlags, context: CommandContext): Promise<void> {
  const session = processSession(resolveTarget(flags, context.env), context);
  const rows = await listGroups(session, { allNamespaces: flags.allNamespaces });
  if (flags.output === "json" || flags.output === "yaml") {
    session.streams.stdout.write(formatData(flags.output, rows));
    return;
  }
  if (rows.length === 0) {
    note(session, `no jobx groups found${flags.allNamespaces ? "" : " in this namespace (try -A)"}`);
    return;
  }
  session.streams.stdout.write(groupListText(rows, { allNamespaces: flags.allNamespaces, wide: flags.output === "wide" }));
}
