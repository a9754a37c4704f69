/**
 * The jobx command line: commander's definitions of every command and flag, and their
 * help. Each action loads one command module on demand (so `jobx --version` does not
 * load the template engine or kubernetes-models) and hands it its flags and, for cluster commands,
 * the context main.ts makes (kubectl, signals, environment).
 */
import { Command, Option } from "commander";
import { EXIT, exitCodeHelp } from "../errors";
import type { CommandContext } from "../lifecycle/session";
import { VERSION } from "../version";

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const EXPAND_HELP = `
Parameters (combine freely; every row also sees 'index' (from 0), 'params' (the row
as a map) and 'jobx' (group, count, template)):
  --items a,b,c                one variable, 'item'
  --param size=s,m,l           a list per key; several keys form a matrix (every combination)
  --zip                        pair --items/--param/--range lists position by position instead
  --range shard=0..9[:STEP]    integers, END included
  --params rows.csv            rows from a file: YAML/JSON list of objects, CSV with a header
                               row, or NDJSON ('-' reads stdin); repeat to combine files
  --set image=busybox:1.36     a constant in every row
  With none of these the template is rendered once, so a Jinja2 template that loops
  over its own list works unchanged.
  Order: files (in the order given), then the inline lists (items, params, ranges);
  the first varies slowest, as nested for-loops. Commas in values: escape as '\\,'.
  Every rule: the Parameters page of jobx's documentation (src/params/README.md).

Filters for Kubernetes YAML, besides Jinja2's own:
  tojson  quote  toyaml  indent(width, first, blank)  b64encode  b64decode  dnslabel(max)  unique
  Quote every parameter that may hold YAML syntax: {{ cmd | tojson }}.

Examples:
  jobx expand job --items apple,banana,cherry | kubectl apply -f -
  jobx expand batch-work --param size=small,large --range shard=0..3
  jobx expand ./job.yaml.jinja2 --raw        # the docs' Jinja2 template, rendered as python would
  jobx expand job --params items.csv --out-dir ./jobs

${exitCodeHelp([EXIT.OK, EXIT.USAGE, EXIT.INTERNAL])}
  (on an input error nothing is written to stdout, unless a message says the output is incomplete)`;

const APPLY_HELP = `
Before anything is written, jobx checks what stands in the way: a ConfigMap under the
group's name that is not its record, or a Job under one of its names that is not the
group's (another group's, or made by kubectl), stops the apply with its owner named
(exit 7). --adopt takes such Jobs over into the group, and lists them.

Examples:
  jobx apply job --items apple,banana,cherry
  jobx apply batch-work --params inputs.csv --wait --timeout 30m --cleanup on-success   # CI
  jobx apply job --items a,b --dry-run=client              # the manifests, nothing sent
  jobx apply job --items a,b --dry-run=client --show-plan  # the kubectl commands instead

Transient refusals (429, 5xx, connection trouble) are retried: at most 6 tries, waiting
1, 2, 4, 8 and 8 s between them; permanent ones (400, 403, 404, 409, 422) are not.

${exitCodeHelp([EXIT.OK, EXIT.FAILED, EXIT.USAGE, EXIT.TIMEOUT, EXIT.VANISHED, EXIT.CLUSTER, EXIT.CONFLICT, EXIT.INTERNAL, EXIT.SIGINT])}`;

const WAIT_HELP = `
${exitCodeHelp([EXIT.OK, EXIT.FAILED, EXIT.USAGE, EXIT.TIMEOUT, EXIT.VANISHED, EXIT.CLUSTER, EXIT.NOT_FOUND, EXIT.SIGINT])}
  With --fail-fast, 1 comes at the first failure; otherwise once every member finished.
  A suspended group is said to be suspended once, and waited for (until --timeout).`;

const CLUSTER_HELP = (codes: number[]) => `\n${exitCodeHelp(codes as never[])}`;

function withParamOptions(command: Command): Command {
  return command
    .option("--items <list>", "comma-separated values for the variable 'item' (repeatable)", collect, [])
    .option("--param <key=v1,v2>", "a list of values for KEY (repeatable; several form a matrix)", collect, [])
    .option("--range <key=START..END[:STEP]>", "integers from START to END inclusive (repeatable)", collect, [])
    .option("--zip", "pair the inline lists position by position instead of every combination", false)
    .option("--params <file>", "rows from a YAML, JSON, CSV or NDJSON file; '-' for stdin (repeatable)", collect, [])
    .option("--set <key=value>", "a constant visible in every row (repeatable)", collect, [])
    .option("--group <name>", "the group name (a DNS-1123 label); default: template name plus a hash of template and parameters");
}

/** The checks expand, apply and lint run on the template and the expanded Jobs (src/lint), and --strict. */
function withCheckOptions(command: Command): Command {
  return command
    .option("--strict", "make warnings errors (exit 2, nothing written): parameters the template never reads, and the Job pitfalls jobx lint reports", false)
    .option("--max-parallelism <n>", "a Job's parallelism, or the group's pods at once, above N is warned about as a thundering herd", "50")
    .option("--large-group <n>", "groups of N Jobs or more are large: a high backoffLimit or a floating image tag is warned about", "20")
    .option("--max-backoff-limit <n>", "the highest backoffLimit not warned about on a large group", "3");
}

const REPORT_OPTION = [
  "--report <kind=file>",
  "write a report when done: junit=FILE (CI test results), json=FILE, html=FILE (timeline and table); repeatable",
] as const;

function withWaitOptions(command: Command, output: Option): Command {
  return command
    .option(...REPORT_OPTION, collect, [])
    .option("--timeout <duration>", "give up after this long (90s, 5m, 1h)")
    .option("--fail-fast", "stop at the first failed member", false)
    .addOption(output)
    .option("-q, --quiet", "no progress", false);
}

/** wait's -o: `json` has been NDJSON progress events since the first release, and CI scripts read it. */
const WAIT_OUTPUT = () => new Option("-o, --output <format>", "progress as text on stderr, or NDJSON events on stdout").choices(["text", "json"]).default("text");
/** apply's -o: what was submitted, as kubectl's apply prints it; with --wait, json stays the NDJSON progress events. */
const APPLY_OUTPUT = () =>
  new Option("-o, --output <format>", "text; name: job.batch/<name> of each member; json|yaml: the submitted objects (with --wait, json is NDJSON progress events, as for jobx wait)")
    .choices(["text", "json", "yaml", "name"])
    .default("text");

export function buildProgram(context: () => Promise<CommandContext>): Command {
  const program = new Command("jobx")
    .description("Expand one Job template over many parameter sets, and run the Jobs as one group.")
    .version(VERSION, "-V, --version")
    .showHelpAfterError("jobx: (run with --help for usage)")
    .configureHelp({ showGlobalOptions: true })
    // Every line jobx writes to stderr starts with "jobx:", commander's own errors too.
    .configureOutput({ outputError: (text, write) => write(text.replace(/^(?=.)/gm, "jobx: ")) })
    // As kubectl takes them: before or after the command (`jobx -n batch status G`, `jobx status G -n batch`).
    .option("--kubeconfig <file>", "kubeconfig file, passed to kubectl")
    .option("--context <name>", "kubeconfig context, passed to kubectl")
    .option("-n, --namespace <ns>", "namespace, passed to kubectl");

  withCheckOptions(withParamOptions(
    program
      .command("expand")
      .summary("render a template over parameter sets into checked, group-labelled Job manifests")
      .description(
        "Render TEMPLATE (a file, or a built-in name from 'jobx templates') once per parameter row, check every " +
          "document is a valid batch/v1 Job, give each a unique valid name and the group's labels, and print them.",
      )
      .argument("[template]", "template file path, or a built-in template name", "job"),
  ))
    .addOption(new Option("-o, --output <format>", "output format").choices(["yaml", "json"]).default("yaml"))
    .option("--out-dir <dir>", "write one file per Job into DIR (created if needed; refused if it holds files) and print the paths")
    .option("--force", "with --out-dir: remove the YAML files already in DIR first, and say which", false)
    .option("--pack", "print what apply --pack submits: the packed Indexed Job(s) and the ConfigMaps of their rows", false)
    .option("--parallelism <n>", "with --pack: pods at once over the whole group (default 10)")
    .option("--per-pod <k>", "with --pack: K rows one after another in each pod (default 1)")
    .option("--raw", "print the rendered text as the template produced it: no parsing, checks or labels", false)
    .option("-q, --quiet", "no summary line on stderr", false)
    .addHelpText("after", EXPAND_HELP)
    .action(async (template: string, _options, command: Command) => {
      const { runExpand } = await import("../commands/expand");
      // Signals are heeded while --out-dir stages files, so Ctrl-C leaves nothing behind.
      const options = command.optsWithGlobals();
      await runExpand(template, options as Parameters<typeof runExpand>[1], options.outDir !== undefined ? (await context()).interrupts : undefined);
    });

  withCheckOptions(
    withParamOptions(
      program
        .command("lint")
        .summary("expand a template and warn about the known Job pitfalls (no deadline, no TTL, retries, the thundering herd, …)")
        .description("Expand TEMPLATE as 'jobx expand' does and check the Jobs for the pitfalls listed in the README; expand and apply print the same warnings.")
        .argument("[template]", "template file path, or a built-in template name", "job"),
    ),
  )
    .option("-q, --quiet", "no summary line on stderr", false)
    .addHelpText("after", `\n${exitCodeHelp([EXIT.OK, EXIT.USAGE])}\n  Warnings are printed on stderr; under --strict a warning is an error (exit ${EXIT.USAGE}).`)
    .action(async (template: string, _options, command: Command) => {
      const { runLint } = await import("../commands/lint");
      await runLint(template, command.optsWithGlobals());
    });

  withWaitOptions(
    withCheckOptions(withParamOptions(
      program
        .command("apply")
        .summary("expand and submit the Jobs as one group; optionally wait, report and clean up")
        .description(
          "Expand TEMPLATE as 'jobx expand' does, write the group record (a ConfigMap named after the group), then " +
            "submit every Job, owned by the record, in batches. Re-running is safe: unchanged Jobs are left alone.",
        )
        .argument("[template]", "template file path, or a built-in template name", "job"),
    )),
    APPLY_OUTPUT(),
  )
    .option("--pack", "run the group as one Indexed Job (or as few as the API allows): a pod per row, every row still an item of its own", false)
    .option("--parallelism <n>", "with --pack: pods at once over the whole group (default 10); jobx scale changes it later")
    .option("--per-pod <k>", "with --pack: K rows one after another in each pod, each row's exit code and log still its own (default 1)")
    .option("--dry-run <mode>", "none; client: print the manifests and send nothing; server: have the cluster validate everything, store nothing")
    .option("--show-plan", "with --dry-run=client: print the kubectl commands jobx would run instead of the manifests", false)
    .option("--wait", "wait for the group to finish (see jobx wait)", false)
    .addOption(new Option("--cleanup <when>", "delete the group when the wait ends").choices(["never", "on-success", "always"]).default("never"))
    .option("--replace", "delete and re-create the group's Jobs whose template changed (asks first)", false)
    .option("--adopt", "take over Jobs in the way that are not the group's (listed first)", false)
    .option("--prune", "delete the group's Jobs that this expansion no longer has (asks first)", false)
    .option("-y, --yes", "do not ask before --replace or --prune", false)
    .option("--batch-size <n>", "Jobs per kubectl process", "100")
    .addHelpText("after", APPLY_HELP)
    .action(async (template: string, _options, command: Command) => {
      const { runApply } = await import("../commands/apply");
      await runApply(template, command.optsWithGlobals(), await context());
    });

  withWaitOptions(program.command("wait").description("wait until every member of GROUP has finished").argument("<group>"), WAIT_OUTPUT())
    .addHelpText("after", WAIT_HELP)
    .action(async (group: string, _options, command: Command) => {
      const { runWait } = await import("../commands/wait");
      await runWait(group, command.optsWithGlobals(), await context());
    });

  program
    .command("status")
    .description("one line per member of GROUP, and a summary")
    .argument("<group>")
    .option(...REPORT_OPTION, collect, [])
    .addOption(new Option("-o, --output <format>", "text; wide: more columns; json|yaml; name: job.batch/<name> of each member").choices(["text", "wide", "json", "yaml", "name"]).default("text"))
    .addHelpText("after", CLUSTER_HELP([EXIT.OK, EXIT.USAGE, EXIT.CLUSTER, EXIT.NOT_FOUND]))
    .action(async (group: string, _options, command: Command) => {
      const { runStatus } = await import("../commands/status");
      await runStatus(group, command.optsWithGlobals(), await context());
    });

  program
    .command("list")
    .description("the groups in the namespace, with member counts and state")
    .option("-A, --all-namespaces", "groups in every namespace", false)
    .addOption(new Option("-o, --output <format>", "text; wide: more columns; json|yaml").choices(["text", "wide", "json", "yaml"]).default("text"))
    .addHelpText("after", CLUSTER_HELP([EXIT.OK, EXIT.USAGE, EXIT.CLUSTER]))
    .action(async (_options, command: Command) => {
      const { runList } = await import("../commands/list");
      await runList(command.optsWithGlobals(), await context());
    });

  program
    .command("logs")
    .description("complete logs of every pod of GROUP, each line prefixed by its item")
    .argument("<group>")
    .option("--failed", "only members that failed (for an Indexed Job, only its failed indexes)", false)
    .option("--item <item>", "one member: its row index, Job name, or key=value")
    .option("-f, --follow", "follow the logs of every pod as it starts, until the group finishes", false)
    .option("--tail <lines>", "the last LINES lines of each log (kubectl's --tail)")
    .option("--since <duration>", "only lines newer than this (5s, 2m, 3h; kubectl's --since)")
    .option("--timestamps", "prefix each line with its RFC 3339 time (kubectl's --timestamps)", false)
    .option("-c, --container <name>", "one container of each pod (default: every container)")
    .option("--all-containers", "every container of each pod (the default)", false)
    .option("--out-dir <dir>", "write DIR/<job>/<pod>.log instead of printing")
    .option("--concurrency <n>", "logs fetched at once", "4")
    .addHelpText("after", CLUSTER_HELP([EXIT.OK, EXIT.USAGE, EXIT.CLUSTER, EXIT.NOT_FOUND]))
    .action(async (group: string, _options, command: Command) => {
      const { runLogs } = await import("../commands/logs");
      await runLogs(group, command.optsWithGlobals(), await context());
    });

  program
    .command("delete")
    .description("delete GROUP: its record, and with it exactly the Jobs it owns and their pods")
    .argument("<group>")
    .option("-y, --yes", "do not ask (required when not on a terminal)", false)
    .option("--wait", "wait until no Job or pod of the group remains", false)
    .option("--ignore-not-found", "a group that does not exist is not an error", false)
    .option("-q, --quiet", "no progress lines", false)
    .addHelpText("after", CLUSTER_HELP([EXIT.OK, EXIT.USAGE, EXIT.CLUSTER, EXIT.NOT_FOUND, EXIT.CONFLICT]))
    .action(async (group: string, _options, command: Command) => {
      const { runDelete } = await import("../commands/delete");
      await runDelete(group, command.optsWithGlobals(), await context());
    });

  withWaitOptions(program.command("retry").description("run again the members of GROUP that failed (or those --item names), keeping what succeeded and every earlier attempt").argument("<group>"), WAIT_OUTPUT())
    .option("--item <item>", "the member to run again: its row index, Job name, or key=value (default: every failed member)")
    .option("--wait", "wait for the group to finish afterwards (see jobx wait)", false)
    .addHelpText(
      "after",
      `
A group of one Job per row: each member gets a new Job, a copy of its last one named
<name>-r<N>. A packed group: its items get a new Indexed Job <group>-retry-<N> whose pods
run just their rows. The earlier Jobs stay, so status, timeline and the reports show
every attempt; the record says which Job runs each member now.

${exitCodeHelp([EXIT.OK, EXIT.FAILED, EXIT.USAGE, EXIT.TIMEOUT, EXIT.VANISHED, EXIT.CLUSTER, EXIT.NOT_FOUND, EXIT.SIGINT])}`,
    )
    .action(async (group: string, _options, command: Command) => {
      const { runRetry } = await import("../commands/retry");
      await runRetry(group, command.optsWithGlobals(), await context());
    });

  program
    .command("scale")
    .description("change how many pods a packed GROUP runs at once, while it runs")
    .argument("<group>")
    .option("--parallelism <n>", "pods at once, over the whole group (0 pauses it)")
    .option("-q, --quiet", "say nothing on success", false)
    .addHelpText("after", `
Only a packed group (apply --pack) has one parallelism to change; a group of separate Jobs
is refused, with the way to pack it.
${CLUSTER_HELP([EXIT.OK, EXIT.FAILED, EXIT.USAGE, EXIT.CLUSTER, EXIT.NOT_FOUND])}`)
    .action(async (group: string, _options, command: Command) => {
      const { runScale } = await import("../commands/control");
      await runScale(group, command.optsWithGlobals(), await context());
    });

  for (const [verb, suspend, what] of [
    ["suspend", true, "suspend every unfinished Job of GROUP (spec.suspend): its pods stop, and nothing runs until jobx resume"],
    ["resume", false, "resume every suspended Job of GROUP"],
  ] as const) {
    program
      .command(verb)
      .description(what)
      .argument("<group>")
      .option("-q, --quiet", "say nothing on success", false)
      .addHelpText("after", `
Safe to re-run: Jobs already ${suspend ? "suspended" : "running"}, and finished ones, are left as they are.
${CLUSTER_HELP([EXIT.OK, EXIT.FAILED, EXIT.USAGE, EXIT.CLUSTER, EXIT.NOT_FOUND])}`)
      .action(async (group: string, _options, command: Command) => {
        const { runSuspend } = await import("../commands/control");
        await runSuspend(group, command.optsWithGlobals(), await context(), suspend);
      });
  }

  program
    .command("timeline")
    .description("when each pod of GROUP waited and ran, on one time axis, with figures and hints")
    .argument("<group>")
    .option("--width <n>", "columns to draw in (default: the terminal's width, or 100)")
    .option("--limit <n>", "at most N rows of pods; the rest are counted")
    .option("--compact", "concurrency over time instead of a row per pod (automatic when the rows would not fit the terminal)", false)
    .option("--watch", "redraw every second until the group finishes; Ctrl-C stops", false)
    .addOption(new Option("-o, --output <format>", "the drawing, or the timeline as data (json|yaml)").choices(["text", "json", "yaml"]).default("text"))
    .addHelpText("after", CLUSTER_HELP([EXIT.OK, EXIT.USAGE, EXIT.CLUSTER, EXIT.NOT_FOUND]))
    .action(async (group: string, _options, command: Command) => {
      const { runTimeline } = await import("../commands/timeline");
      await runTimeline(group, command.optsWithGlobals(), await context());
    });

  program
    .command("completion")
    .description("print the shell completion script: source <(jobx completion bash), or zsh, or fish")
    .argument("<shell>", "bash, zsh or fish")
    .addHelpText(
      "after",
      `
Completes commands, flags and their values, built-in template names and — from the
cluster, through kubectl and the --context/--namespace already typed — group names.

  bash:  source <(jobx completion bash)        # or save it in /etc/bash_completion.d/jobx
  zsh:   source <(jobx completion zsh)         # or save it as _jobx in a folder of $fpath
  fish:  jobx completion fish | source         # or save it in ~/.config/fish/completions/jobx.fish`,
    )
    .action(async (shell: string) => {
      const { runCompletion } = await import("../commands/completion");
      await runCompletion(shell);
    });

  program
    .command("__complete", { hidden: true })
    .argument("[words...]")
    .allowUnknownOption()
    .helpOption(false)
    .action(async (words: string[]) => {
      const { runComplete } = await import("../commands/completion");
      await runComplete(program, words, await context());
    });

  program
    .command("templates")
    .description("list the built-in templates, with what each is for")
    .action(async () => {
      const { runTemplates } = await import("../commands/templates");
      await runTemplates();
    });

  return program;
}
