/**
 * Shell completion, as `kubectl completion` and `helm completion` give it. The scripts
 * are small: each asks `jobx __complete WORDS…` for the candidates of the word being
 * typed, so the commands and flags always come from the program itself, and group names
 * from the cluster (through kubectl, with the context and namespace already typed).
 * A last line `:files` asks the shell to offer file names too.
 */
import type { Command, Option } from "commander";
import { UsageError } from "../errors";

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

/** Commands whose argument is a group. */
const GROUP_COMMANDS = new Set(["wait", "status", "logs", "delete", "timeline", "retry", "scale", "suspend", "resume"]);
/** Commands whose argument is a template: a built-in name or a file. */
const TEMPLATE_COMMANDS = new Set(["expand", "apply", "lint"]);
/** Flags whose value is a file. */
const FILE_FLAGS = new Set(["--params", "--kubeconfig", "--out-dir"]);

export function completionScript(shell: string, program = "jobx"): string {
  switch (shell) {
    case "bash":
      return `# jobx completion for bash: source <(jobx completion bash)
_jobx_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" IFS=$'\\n' out
  out=( $("\${COMP_WORDS[0]}" __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) )
  local files=0 c words=()
  for c in "\${out[@]}"; do [ "$c" = ":files" ] && files=1 || words+=("$c"); done
  COMPREPLY=( $(compgen -W "\${words[*]}" -- "$cur") )
  [ "$files" = 1 ] && COMPREPLY+=( $(compgen -f -- "$cur") )
}
complete -o default -F _jobx_complete ${program} kubectl-jobx
`;
    case "zsh":
      return `#compdef ${program} kubectl-jobx
# jobx completion for zsh: source <(jobx completion zsh)
_jobx_complete() {
  local -a out words
  out=("\${(@f)$(\${words[1]} __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  local c files=0
  for c in "\${out[@]}"; do if [[ "$c" == ":files" ]]; then files=1; elif [[ -n "$c" ]]; then words+=("$c"); fi; done
  compadd -a words
  (( files )) && _files
}
compdef _jobx_complete ${program} kubectl-jobx
`;
    case "fish":
      return `# jobx completion for fish: jobx completion fish | source
function __jobx_complete
  set -l words (commandline -opc) (commandline -ct)
  for c in ($words[1] __complete $words[2..-1] 2>/dev/null)
    if test "$c" = ":files"
      __fish_complete_path (commandline -ct)
    else
      echo $c
    end
  end
end
complete -c ${program} -f -a '(__jobx_complete)'
complete -c kubectl-jobx -f -a '(__jobx_complete)'
`;
    default:
      throw new UsageError(`jobx completion takes a shell: ${SHELLS.join(", ")} (for example: source <(jobx completion bash))`);
  }
}

function flagsOf(command: Command): string[] {
  return command.options.flatMap((o: Option) => [o.short, o.long].filter((f): f is string => Boolean(f)));
}

function optionOf(commands: Command[], flag: string): Option | undefined {
  for (const command of commands) {
    const found = command.options.find((o) => o.long === flag || o.short === flag);
    if (found) return found;
  }
  return undefined;
}

export interface CompletionSources {
  templates(): string[];
  /** Group names in the namespace the typed flags point at. */
  groups(target: { kubeconfig?: string; context?: string; namespace?: string }): Promise<string[]>;
}

/** The candidates for the last word, given the words before it (without the program's own name). */
export async function completions(program: Command, words: readonly string[], sources: CompletionSources): Promise<string[]> {
  const typed = words.slice(0, -1);
  const current = words.at(-1) ?? "";
  const names = program.commands.filter((c) => !c.name().startsWith("__")).map((c) => c.name());
  const commandName = typed.find((w) => names.includes(w));
  const command = program.commands.find((c) => c.name() === commandName);
  const scope = command ? [command, program] : [program];
  const previous = typed.at(-1);

  // The value of a flag that takes one.
  const flag = previous?.startsWith("-") ? optionOf(scope, previous) : undefined;
  if (flag && (flag.required || flag.optional) && !current.startsWith("-")) {
    if (flag.argChoices) return flag.argChoices;
    if (FILE_FLAGS.has(flag.long ?? "")) return [":files"];
    return [];
  }
  if (current.startsWith("-")) return [...new Set(scope.flatMap(flagsOf))].sort();
  if (!command) return names;
  // The command's argument, once: a template, or a group.
  const positional = typed.slice(typed.indexOf(commandName as string) + 1).filter((w, i, all) => !w.startsWith("-") && !(all[i - 1]?.startsWith("-") && optionOf(scope, all[i - 1] ?? "")?.required));
  if (positional.length > 0) return [];
  if (TEMPLATE_COMMANDS.has(command.name())) return [...sources.templates(), ":files"];
  if (GROUP_COMMANDS.has(command.name())) {
    const value = (name: string, short?: string) => {
      const i = typed.findIndex((w) => w === name || (short !== undefined && w === short));
      return i >= 0 ? typed[i + 1] : undefined;
    };
    const target = { kubeconfig: value("--kubeconfig"), context: value("--context"), namespace: value("--namespace", "-n") };
    try {
      return await sources.groups(Object.fromEntries(Object.entries(target).filter(([, v]) => v !== undefined)));
    } catch {
      return []; // no cluster at hand: nothing to offer, never an error in the shell
    }
  }
  return [];
}
