/**
 * Everything an expansion needs, from what the command line gave: the template (a file,
 * a built-in, or stdin), the parameter rows, and the group name. Shared by expand,
 * apply and lint, so they read their inputs the same way.
 */
import { InputError, UsageError } from "../errors";
import { type CheckFlags, Linter, lintOptionsFrom, verifyNoWarnings } from "../lint/index";
import { defaultGroupName } from "../group/default-name";
import { readParamFiles, readStdinOnce } from "../io/inputs";
import { readTemplate, templateBaseName } from "../io/templates";
import type { ExpandInput } from "../manifest/expand";
import { planRows } from "../params/index";
import type { ParamSpec } from "../params/types";
import { parameterProblems } from "../render/analysis";
import { compileTemplate, type TemplateSource } from "../render/template";
import { isDnsLabel, toDnsLabel } from "../text/dns";

/** The parameter options (and the checks' flags, src/lint), as commander gives them. */
export interface ParamOptions extends CheckFlags {
  items: string[];
  param: string[];
  range: string[];
  zip: boolean;
  params: string[];
  set: string[];
  group?: string;
}

export interface Expansion {
  source: TemplateSource;
  spec: ParamSpec;
  group: string;
  input: ExpandInput;
}

export function verifyGroupName(group: string): void {
  if (!isDnsLabel(group)) {
    throw new UsageError(
      `--group ${JSON.stringify(group)} is not a valid group name: it must be a DNS-1123 label (lower-case letters, digits and '-', at most 63). Try --group ${toDnsLabel(group)}`,
    );
  }
}

export function prepareExpansion(templateArg: string, options: ParamOptions, onWarning: (message: string) => void): Expansion {
  if (options.group !== undefined) verifyGroupName(options.group);
  const linter = new Linter(lintOptionsFrom(options));
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
  const template = compileTemplate(source, { parameters: plan.keys });
  if (template.sed) onWarning(`${source.name} has no Jinja2 syntax: read as a sed-style template, ${[...template.sed].map(([p, k]) => `${p} replaced by ${k}`).join(", ")}`);
  const parameters = parameterProblems(template.reads, plan.keys, plan.count);
  if (parameters.error) throw new InputError(parameters.error, { where: source.name });
  if (options.strict) verifyNoWarnings(parameters.warnings);
  parameters.warnings.forEach(onWarning);
  const group = options.group ?? defaultGroupName(templateBaseName(source.name.replace(/^builtin:/, "")), source.text, spec);
  return { source, spec, group, input: { template, plan, group, onWarning, checks: { linter, strict: options.strict === true } } };
}
