/** `jobx expand`: gather the template and parameters, run the pure expansion, write the output. */
import { InputError, InterruptedError, UsageError } from "../errors";
import type { Interrupts } from "../lifecycle/interrupts";
import { OutDirSink, StdoutSink } from "../io/output";
import { type ExpandedJobs, expandJobs, renderRows } from "../manifest/expand";
import { dumpDocument } from "../manifest/yaml";
import type { JobObject } from "../manifest/job";
import { packOptions } from "../cli/flags";
import { prepareExpansion, type ParamOptions } from "../lifecycle/expansion";
import { desiredObjects } from "../lifecycle/submit";
import { formatNote, formatWarning } from "../ui/errors";

export interface ExpandOptions extends ParamOptions {
  output: "yaml" | "json";
  outDir?: string;
  raw: boolean;
  quiet: boolean;
  pack?: boolean;
  parallelism?: string;
  perPod?: string;
  force?: boolean;
}

/** Lets a signal in every so many rows: the expansion is one synchronous loop otherwise, and Ctrl-C must be able to stop it and clean up. */
const YIELD_EVERY = 512;
const yieldToSignals = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function runExpand(templateArg: string, options: ExpandOptions, interrupts?: Interrupts): Promise<void> {
  if (options.raw && (options.outDir !== undefined || options.output !== "yaml")) {
    throw new UsageError("--raw prints the rendered text as it is; it cannot be combined with -o json or --out-dir");
  }
  if (options.outDir !== undefined && options.output !== "yaml") {
    throw new UsageError("--out-dir writes YAML files; drop -o json, or drop --out-dir to get a JSON List on stdout");
  }
  const pack = packOptions(options);
  if (pack && (options.raw || options.outDir !== undefined)) throw new UsageError("--pack prints the packed Jobs and their rows' ConfigMaps; it cannot be combined with --raw or --out-dir");
  const expansion = prepareExpansion(templateArg, options, (message) => process.stderr.write(formatWarning(message)));
  const { group, input } = expansion;
  if (pack) {
    // What apply --pack submits, but the record (which holds who applied it, and when).
    const want = desiredObjects(expansion, undefined, pack);
    const objects = [...want.configMaps, ...want.jobs];
    process.stdout.write(options.output === "json" ? `${JSON.stringify({ apiVersion: "v1", kind: "List", metadata: {}, items: objects })}\n` : objects.map((o) => `---\n${dumpDocument(o)}`).join(""));
    if (!options.quiet) process.stderr.write(formatNote(`packed ${want.items} row${want.items === 1 ? "" : "s"} into ${want.jobs.length} Indexed Job${want.jobs.length === 1 ? "" : "s"} and ${want.configMaps.length} ConfigMap${want.configMaps.length === 1 ? "" : "s"} of rows (group ${group})`));
    return;
  }

  if (options.outDir !== undefined) {
    const sink = new OutDirSink(options.outDir, { force: options.force });
    for (const f of sink.removed.slice(0, 10)) process.stderr.write(formatNote(`--force: removed ${options.outDir}/${f}`));
    if (sink.removed.length > 10) process.stderr.write(formatNote(`--force: …and ${sink.removed.length - 10} more files`));
    let jobs = 0;
    let rows = 0;
    try {
      for (const { jobs: rowJobs, yaml } of expandJobs(input)) {
        for (const [n, job] of rowJobs.entries()) {
          sink.write(`${job.metadata.name}.yaml`, yaml?.[n] ?? dumpDocument(job));
          jobs++;
        }
        if (interrupts && ++rows % YIELD_EVERY === 0) {
          await yieldToSignals();
          const signal = interrupts.signal();
          if (signal) throw new InterruptedError(signal, `stopped expanding into ${options.outDir}: nothing was written there`);
        }
      }
    } catch (err) {
      sink.abandon();
      throw err;
    }
    const paths = sink.commit();
    process.stdout.write(paths.map((p) => `${p}\n`).join(""));
    if (!options.quiet) process.stderr.write(formatNote(`wrote ${jobs} Job manifest${jobs === 1 ? "" : "s"} to ${options.outDir} (group ${group})`));
    return;
  }

  const sink = new StdoutSink();
  let rows = 0;
  let jobs = 0;
  try {
    if (options.raw) {
      // As the docs' one-liner print(Template(...).render()) does: each rendering, then a newline.
      for (const { text } of renderRows(input)) {
        const wait = sink.write(`${text}\n`);
        if (wait) await wait;
        rows++;
      }
    } else if (options.output === "json") {
      await sink.write('{"apiVersion":"v1","kind":"List","metadata":{},"items":[');
      for (const expanded of expandJobs(input)) {
        // As for YAML below: the row is written whole, then the wait.
        const wait = writeJson(sink, expanded, jobs === 0);
        jobs += expanded.jobs.length;
        rows++;
        if (wait) await wait;
      }
      await sink.write("\n]}\n");
    } else {
      for (const expanded of expandJobs(input)) {
        jobs += expanded.jobs.length;
        rows++;
        // Awaited only when the sink says so (a wait per document is a microtask per
        // document), and once the row is written: while it waits, nothing holds the row.
        const wait = writeYaml(sink, expanded);
        if (wait) await wait;
      }
    }
  } catch (err) {
    const { incomplete, written } = sink.abandon();
    if (incomplete && err instanceof InputError) {
      throw new InputError(err.message, {
        details: [
          ...err.details,
          `stdout already received ${written} document${written === 1 ? "" : "s"} before this error: that output is INCOMPLETE; discard it (or use --out-dir, which writes nothing on error)`,
        ],
      });
    }
    throw err;
  }
  await sink.end();
  if (!options.quiet) {
    process.stderr.write(
      formatNote(options.raw ? `rendered ${rows} row${rows === 1 ? "" : "s"}` : `expanded ${rows} row${rows === 1 ? "" : "s"} into ${jobs} Job${jobs === 1 ? "" : "s"} (group ${group})`),
    );
  }
}

/** A row's Jobs as items of the JSON List (`first`: no comma before the first); the sink's wait, if it asks for one. */
function writeJson(sink: StdoutSink, { jobs }: ExpandedJobs, first: boolean): Promise<void> | undefined {
  let wait: Promise<void> | undefined;
  for (let n = 0; n < jobs.length; n++) wait = sink.write(`${first && n === 0 ? "\n" : ",\n"}${JSON.stringify(jobs[n])}`) ?? wait;
  return wait;
}

/** A row's Jobs as YAML documents; the sink's wait, if it asks for one. */
function writeYaml(sink: StdoutSink, { jobs, yaml }: ExpandedJobs): Promise<void> | undefined {
  let wait: Promise<void> | undefined;
  for (let n = 0; n < jobs.length; n++) wait = sink.write(yaml?.[n] ?? dumpDocument(jobs[n] as JobObject), "---\n") ?? wait;
  return wait;
}
