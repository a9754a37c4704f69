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

export function buildProgram(): Command {
  const program = new Command("jobx")
    .description("Expand one Job template over many parameter sets, and run the Jobs as one group.")
    .version(VERSION, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .configureHelp({ showGlobalOptions: true });

  program
    .command("expand")
    .summary("render a template over parameter sets into checked, group-labelled Job manifests")
    .description(
      "Render TEMPLATE (a file, or a built-in name from 'jobx templates') once per parameter row, check every\n" +
        "document is a valid batch/v1 Job, give each a unique valid name and the group's labels, and print them.",
    )
    .argument("[template]", "template file path, or a built-in template name", "job")
    .option("--items <list>", "comma-separated values for the variable 'item' (repeatable)", collect, [])
    .option("--param <key=v1,v2>", "a list of values for KEY (repeatable; several form a matrix)", collect, [])
    .option("--range <key=START..END[:STEP]>", "integers from START to END inclusive (repeatable)", collect, [])
    .option("--zip", "pair the inline lists position by position instead of every combination", false)
    .option("--params <file>", "rows from a YAML, JSON, CSV or NDJSON file; '-' for stdin (repeatable)", collect, [])
    .option("--set <key=value>", "a constant visible in every row (repeatable)", collect, [])
    .option("--group <name>", "the group name (a DNS-1123 label); default: template name plus a hash of template and parameters")
    .addOption(new Option("-o, --output <format>", "output format").choices(["yaml", "json"]).default("yaml"))
    .option("--out-dir <dir>", "write one file per Job into DIR (created if needed) and print the paths")
    .option("--raw", "print the rendered text as the template produced it: no parsing, checks or labels", false)
    .option("-q, --quiet", "no summary line on stderr", false)
    .addHelpText("after", EXPAND_HELP)
    .action(async (template: string, options) => {
      const { runExpand } = await import("./commands/expand");
      await runExpand(template, options);
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

export async function main(argv: string[]): Promise<number> {
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
