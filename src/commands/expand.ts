/** `jobx expand`: gather the template and parameters, run the pure expansion, write the output. */
import { InputError, UsageError } from "../errors";
import { readParamFiles, readStdinOnce } from "../io/inputs";
import { OutDirSink, StdoutSink } from "../io/output";
import { readTemplate, templateBaseName } from "../io/templates";
import { defaultGroupName } from "../group/default-name";
import { expandJobs, renderRows } from "../manifest/expand";
import { isDnsLabel, toDnsLabel } from "../text/dns";
import { dumpDocument } from "../manifest/yaml";
import { planRows } from "../params/index";
import type { ParamSpec } from "../params/types";
import { compileTemplate } from "../render/template";
import { formatNote, formatWarning } from "../ui/errors";

export interface ExpandOptions {
  items: string[];
  param: string[];
  range: string[];
  zip: boolean;
  params: string[];
  set: string[];
  group?: string;
  output: "yaml" | "json";
  outDir?: string;
  raw: boolean;
  quiet: boolean;
}

function verifyGroupName(group: string): void {
  if (!isDnsLabel(group)) {
    throw new UsageError(
      `--group ${JSON.stringify(group)} is not a valid group name: it must be a DNS-1123 label (lower-case letters, digits and '-', at most 63). Try --group ${toDnsLabel(group)}`,
    );
  }
}

export type ParamOptions = Pick<ExpandOptions, "items" | "param" | "range" | "zip" | "params" | "set" | "group">;

/** Everything an expansion needs, from the command line: shared by expand and apply. */
export function prepareExpansion(templateArg: string, options: ParamOptions) {
  if (options.group !== undefined) verifyGroupName(options.group);

  const source = readTemplate(templateArg, () => readStdinOnce("the template '-'"));
  const spec: ParamSpec = {
    items: options.items,
    params: options.param,
    ranges: options.range,
    zip: options.zip,
    files: readParamFiles(options.params),
    sets: options.set,
  };
  const plan = planRows(spec);
  const template = compileTemplate(source);
  const group = options.group ?? defaultGroupName(templateBaseName(source.name.replace(/^builtin:/, "")), source.text, spec);
  const warn = (message: string) => process.stderr.write(formatWarning(message));
  return { source, spec, group, input: { template, plan, group, onWarning: warn } };
}

export async function runExpand(templateArg: string, options: ExpandOptions): Promise<void> {
  if (options.raw && (options.outDir !== undefined || options.output !== "yaml")) {
    throw new UsageError("--raw prints the rendered text as it is; it cannot be combined with -o json or --out-dir");
  }
  if (options.outDir !== undefined && options.output !== "yaml") {
    throw new UsageError("--out-dir writes YAML files; drop -o json, or drop --out-dir to get a JSON List on stdout");
  }
  const { group, input } = prepareExpansion(templateArg, options);

  if (options.outDir !== undefined) {
    const sink = new OutDirSink(options.outDir);
    let jobs = 0;
    try {
      for (const { jobs: rowJobs, yaml } of expandJobs(input)) {
        for (const [n, job] of rowJobs.entries()) {
          sink.write(`${job.metadata.name}.yaml`, yaml?.[n] ?? dumpDocument(job));
          jobs++;
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
        await sink.write(`${text}\n`);
        rows++;
      }
    } else if (options.output === "json") {
      await sink.write('{"apiVersion":"v1","kind":"List","metadata":{},"items":[');
      for (const { jobs: rowJobs } of expandJobs(input)) {
        for (const job of rowJobs) {
          await sink.write(`${jobs === 0 ? "\n" : ",\n"}${JSON.stringify(job)}`);
          jobs++;
        }
        rows++;
      }
      await sink.write("\n]}\n");
    } else {
      for (const { jobs: rowJobs, yaml } of expandJobs(input)) {
        for (const [n, job] of rowJobs.entries()) {
          await sink.write(`---\n${yaml?.[n] ?? dumpDocument(job)}`);
          jobs++;
        }
        rows++;
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
