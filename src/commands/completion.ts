/** `jobx completion SHELL` prints the completion script; the hidden `jobx __complete WORDS…` answers it. */
import type { Command } from "commander";
import { completions, completionScript } from "../cli/completion";
import { listBuiltinTemplates } from "../io/templates";
import { listGroups } from "../lifecycle/list";
import { processSession, type CommandContext } from "../lifecycle/session";
import { resolveTarget } from "../lifecycle/target";

export async function runCompletion(shell: string): Promise<void> {
  process.stdout.write(completionScript(shell));
}

export async function runComplete(program: Command, words: string[], context: CommandContext): Promise<void> {
  const found = await completions(program, words, {
    templates: () => listBuiltinTemplates().map((t) => t.name),
    groups: async (target) => {
      // One try, no retries: a shell waiting on a Tab must not wait 23 s.
      const session = processSession(resolveTarget(target, context.env), { ...context, env: { ...context.env, JOBX_RETRIES: "1" } });
      return (await listGroups(session, { allNamespaces: false })).map((g) => g.group);
    },
  });
  process.stdout.write(found.map((w) => `${w}\n`).join(""));
}
