/** `jobx delete GROUP`: exactly the group's record, Jobs and pods. */
import { deleteGroup } from "../lifecycle/delete";
import { processSession, type CommandContext } from "../lifecycle/session";
import { resolveTarget, type TargetOptions } from "../lifecycle/target";

export interface DeleteFlags extends TargetOptions {
  yes: boolean;
  wait: boolean;
  quiet?: boolean;
  ignoreNotFound: boolean;
}

export async function runDelete(group: string, flags: DeleteFlags, context: CommandContext): Promise<void> {
  const session = processSession(resolveTarget(flags, context.env), context);
  await deleteGroup(session, group, { yes: flags.yes, wait: flags.wait, quiet: flags.quiet, ignoreNotFound: flags.ignoreNotFound });
}
