/**
 * The jobx command line: flags become typed options, one command module is loaded on
 * demand (so `jobx --version` does not load nunjucks or kubernetes-models), and this is
 * the only place where errors become exit codes.
 */
import { Command, CommanderError, Option } from "commander";
import { EXIT, JobxError } from "./errors";
import { VERSION } from "./version";

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

Filters for Kubernetes YAML, besides nunjucks' own:
  tojson  quote  toyaml  indent(width, first, blank)  b64encode  b64decode  dnslabel(max)  unique
  Quote every parameter that may hold YAML syntax: {{ cmd | tojson }}.

Examples:
  jobx expand job --items apple,banana,cherry | kubectl apply -f -
  jobx expand batch-work --param size=small,large --range shard=0..3
  jobx expand ./job.yaml.jinja2 --raw        # the docs' Jinja2 template, rendered as python would
  jobx expand job --params items.csv --out-dir ./jobs

Exit codes: 0 expanded; 2 bad usage or input (nothing written to stdout, unless a
message says the output is incomplete).`;

const APPLY_HELP = `
Examples:
  jobx apply job --items apple,banana,cherry
  jobx apply batch-work --params inputs.csv --wait --timeout 30m --cleanup on-success   # CI
  jobx apply job --items a,b --dry-run=client

Exit codes: 0 submitted (and, with --wait, all succeeded); 1 a Job was refused or failed;
2 bad usage or input; 3 --timeout passed; 4 members vanished; 130/143 interrupted.`;

/** Kept in step with WAIT_EXIT in src/group/tracker.ts (a test checks). */
const WAIT_EXIT_TEXT = `Exit codes:
  0    every member succeeded
  1    a member failed (with --fail-fast at the first failure, otherwise once all finished)
  2    bad usage, or no such group
  3    --timeout passed first
  4    members were deleted, or never created, with no outcome
  130  interrupted (Ctrl-C); 143 terminated (SIGTERM)`;

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

function withTargetOptions(command: Command): Command {
  return command
    .option("--kubeconfig <file>", "kubeconfig file, passed to kubectl")
    .option("--context <name>", "kubeconfig context, passed to kubectl")
    .option("-n, --namespace <ns>", "namespace, passed to kubectl");
}

const REPORT_OPTION = [
  "--report <kind=file>",
  "write a report when done: junit=FILE (CI test results), json=FILE, html=FILE (timeline and table); repeatable",
] as const;

function withWaitOptions(command: Command): Command {
  return command
    .option(...REPORT_OPTION, collect, [])
    .option("--timeout <duration>", "give up after this long (90s, 5m, 1h)")
    .option("--fail-fast", "stop at the first failed member", false)
    .addOption(new Option("-o, --output <format>", "progress as text on stderr, or NDJSON events on stdout").choices(["text", "json"]).default("text"))
    .option("-q, --quiet", "no progress", false);
}

export function buildProgram(): Command {
  const program = new Command("jobx")
    .description("Expand one Job template over many parameter sets, and run the Jobs as one group.")
    .version(VERSION, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .configureHelp({ showGlobalOptions: true });

  withParamOptions(
    program
      .command("expand")
      .summary("render a template over parameter sets into checked, group-labelled Job manifests")
      .description(
        "Render TEMPLATE (a file, or a built-in name from 'jobx templates') once per parameter row, check every " +
          "document is a valid batch/v1 Job, give each a unique valid name and the group's labels, and print them.",
      )
      .argument("[template]", "template file path, or a built-in template name", "job"),
  )
    .addOption(new Option("-o, --output <format>", "output format").choices(["yaml", "json"]).default("yaml"))
    .option("--out-dir <dir>", "write one file per Job into DIR (created if needed) and print the paths")
    .option("--raw", "print the rendered text as the template produced it: no parsing, checks or labels", false)
    .option("-q, --quiet", "no summary line on stderr", false)
    .addHelpText("after", EXPAND_HELP)
    .action(async (template: string, options) => {
      const { runExpand } = await import("./commands/expand");
      await runExpand(template, options);
    });

  withWaitOptions(
    withTargetOptions(
      withParamOptions(
        program
          .command("apply")
          .summary("expand and submit the Jobs as one group; optionally wait, report and clean up")
          .description(
            "Expand TEMPLATE as 'jobx expand' does, write the group record (a ConfigMap named after the group), then " +
              "submit every Job, owned by the record, with server-side apply in batches. Re-running is safe.",
          )
          .argument("[template]", "template file path, or a built-in template name", "job"),
      ),
    ),
  )
    .option("--dry-run <mode>", "client: print the plan and send nothing; server: have the cluster validate everything, store nothing")
    .option("--wait", "wait for the group to finish (see jobx wait)", false)
    .addOption(new Option("--cleanup <when>", "delete the group when the wait ends").choices(["never", "on-success", "always"]).default("never"))
    .option("--replace", "delete and recreate Jobs whose template changed (asks first)", false)
    .option("-y, --yes", "do not ask before --replace", false)
    .option("--batch-size <n>", "Jobs per kubectl process", "100")
    .addHelpText("after", APPLY_HELP)
    .action(async (template: string, options) => {
      const { runApply } = await import("./commands/apply");
      await runApply(template, options);
    });

  withWaitOptions(withTargetOptions(program.command("wait").description("wait until every member of GROUP has finished").argument("<group>")))
    .addHelpText("after", `\n${WAIT_EXIT_TEXT}`)
    .action(async (group: string, options) => {
      const { runWait } = await import("./commands/wait");
      await runWait(group, options);
    });

  withTargetOptions(program.command("status").description("one line per member of GROUP, and a summary").argument("<group>"))
    .option(...REPORT_OPTION, collect, [])
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (group: string, options) => {
      const { runStatus } = await import("./commands/status");
      await runStatus(group, options);
    });

  withTargetOptions(program.command("list").description("the groups in the namespace, with member counts and outcome"))
    .option("-A, --all-namespaces", "groups in every namespace", false)
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (options) => {
      const { runList } = await import("./commands/list");
      await runList(options);
    });

  withTargetOptions(program.command("logs").description("complete logs of every pod of GROUP, each line prefixed by its item").argument("<group>"))
    .option("--failed", "only members that failed", false)
    .option("--item <item>", "one member: its row index, Job name, or key=value")
    .option("-f, --follow", "follow the logs of every pod as it starts, until the group finishes", false)
    .option("--out-dir <dir>", "write DIR/<job>/<pod>.log instead of printing")
    .option("--concurrency <n>", "logs fetched at once", "4")
    .action(async (group: string, options) => {
      const { runLogs } = await import("./commands/logs");
      await runLogs(group, options);
    });

  withTargetOptions(program.command("delete").description("delete GROUP: its Jobs, their pods, then its record").argument("<group>"))
    .option("-y, --yes", "do not ask (required when not on a terminal)", false)
    .option("--wait", "wait until no Job or pod of the group remains", false)
    .option("-q, --quiet", "no progress lines", false)
    .action(async (group: string, options) => {
      const { runDelete } = await import("./commands/delete");
      await runDelete(group, options);
    });

  withTargetOptions(program.command("timeline").description("when each pod of GROUP waited and ran, on one time axis, with figures and hints").argument("<group>"))
    .option("--width <n>", "columns to draw in (default: the terminal's width, or 100)")
    .option("--limit <n>", "at most N rows of pods; the rest are counted")
    .option("--compact", "concurrency over time instead of a row per pod (automatic when the rows would not fit the terminal)", false)
    .option("--watch", "redraw every second until the group finishes; Ctrl-C stops", false)
    .addOption(new Option("-o, --output <format>", "the drawing, or the timeline as JSON").choices(["text", "json"]).default("text"))
    .action(async (group: string, options) => {
      const { runTimeline } = await import("./commands/timeline");
      await runTimeline(group, options);
    });

  program
    .command("templates")
    .description("list the built-in templates, with what each is for")
    .action(async () => {
      const { runTemplates } = await import("./commands/templates");
      await runTemplates();
    });

  return program;
}

/** Writes an error for people on stderr and returns the exit code to use. */
async function report(err: unknown): Promise<number> {
  if (err instanceof JobxError) {
    const { formatError } = await import("./ui/errors");
    process.stderr.write(formatError(err));
    return err.exitCode;
  }
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`jobx: internal error (a bug in jobx; please report it with the command you ran):\n${message}\n`);
  return EXIT.INTERNAL;
}

/**
 * A reader that goes away (`jobx expand … | head`) closes the pipe: stop quietly with
 * 141, the status of a process ended by SIGPIPE, as other Unix tools do.
 */
function exitOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(141);
    throw err;
  });
}

export async function main(argv: string[]): Promise<number> {
  exitOnClosedPipe(process.stdout);
  const program = buildProgram();
  program.exitOverride();
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync(argv);
    return EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed its message (or the help / version text).
      return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    return report(err);
  }
}

process.exitCode = await main(process.argv);
