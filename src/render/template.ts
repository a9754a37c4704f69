/**
 * Compiling and rendering a jobx template: nunjucks set up like Jinja2 (no autoescape,
 * Jinja2 literals and methods, trailing commas), jobx's filters, and errors that name the
 * template file, the line, and the row being rendered.
 */
import nunjucks from "nunjucks";
import { InputError } from "../errors";
import { JOBX_FILTERS } from "./filters";
import { terminalSafe } from "../text/show";
import {
  patchNunjucks,
  startRecording,
  stopRecording,
  strictFilter,
  takeUndefinedFilterInput,
  takeUndefinedOutput,
  yamlSafeFilter,
  yamlSafePreservingFilter,
} from "./nunjucks-compat";

export interface TemplateSource {
  /** How messages name the template: a path as the user typed it, or `builtin:job`. */
  name: string;
  text: string;
}

/** A rendering whose `{{ … }}` results are placeholders (see nunjucks-compat). */
export interface MarkedRendering {
  /** The output with placeholders \uE000n\uE001 where `values[n]` was written. */
  marked: string;
  values: string[];
  /** Whether values[n] came from a filter that writes YAML on purpose (tojson, quote, toyaml). */
  safe: boolean[];
}

/** How messages name the row being rendered ("row 3 (item=apple)"), or a function that makes it when a message needs it. */
export type RowDescription = string | (() => string);

export interface CompiledTemplate {
  readonly name: string;
  /** Renders one row. `rowDescription` says in messages which row failed. */
  render(context: Record<string, unknown>, rowDescription: RowDescription): string;
  /** Renders one row, marking every `{{ … }}` result. */
  renderMarked(context: Record<string, unknown>, rowDescription: RowDescription): MarkedRendering;
}

/** Filters whose output is YAML syntax written on purpose. */
const YAML_EMITTING = new Set(["tojson", "quote", "toyaml"]);

let environment: nunjucks.Environment | undefined;

function getEnvironment(): nunjucks.Environment {
  if (environment) return environment;
  patchNunjucks();
  const env = new nunjucks.Environment(null, {
    autoescape: false,
    throwOnUndefined: true,
    trimBlocks: false,
    lstripBlocks: false,
  });
  for (const [name, fn] of Object.entries(JOBX_FILTERS)) env.addFilter(name, fn);
  // nunjucks' Environment keeps its filters in a plain object; wrap its built-ins and ours alike.
  const filters = (env as unknown as { filters: Record<string, (...args: never[]) => unknown> }).filters;
  for (const [name, fn] of Object.entries(filters)) {
    const strict = strictFilter(name, fn);
    filters[name] = YAML_EMITTING.has(name) ? yamlSafeFilter(strict) : name === "indent" ? yamlSafePreservingFilter(strict) : strict;
  }
  environment = env;
  return env;
}

/**
 * Jinja2 reads templates with its defaults newline_sequence="\n" and
 * keep_trailing_newline=False: CRLF becomes LF and one final newline is dropped.
 */
export function normaliseTemplateText(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(/\n$/, "");
}

// `{% for x in xs if cond %}` is Jinja2's loop filter; nunjucks parses it and renders
// nothing, silently. Refuse it with the rewrite instead.
const LOOP_FILTER = /\{%-?\s*for\s+[^%]*?\s+in\s+[^%]*?\s+if\s+[^%]*?-?%\}/;

interface NunjucksError { message: string; lineno?: number; colno?: number }

/** Turns nunjucks' "(name) [Line L, Column C]\n  Error: msg" into its parts. */
function parseNunjucksError(err: NunjucksError): { line?: number; column?: number; message: string } {
  const match = /^\((?:.*?)\)(?: \[Line (\d+), Column (\d+)\])?\s*\n?\s*([\s\S]*)$/.exec(err.message);
  if (!match) return { line: err.lineno, column: err.colno, message: err.message };
  const message = (match[3] ?? err.message).replace(/^(Template render error|Error): /, "").trim();
  return {
    line: match[1] ? Number(match[1]) : err.lineno,
    column: match[2] ? Number(match[2]) : err.colno,
    message,
  };
}

function where(name: string, line?: number, column?: number): string {
  return line ? `${name}:${line}${column ? `:${column}` : ""}` : name;
}

/** The `{{ … }}` expression that starts at (line, column), for undefined-value messages. */
function expressionAt(text: string, line: number, column: number): string | undefined {
  const source = text.split("\n")[line - 1];
  if (source === undefined) return undefined;
  const start = source.lastIndexOf("{{", Math.max(0, column - 1) + 2);
  if (start < 0) return undefined;
  const end = source.indexOf("}}", start);
  return (end < 0 ? source.slice(start) : source.slice(start, end + 2)).trim();
}

export function compileTemplate(source: TemplateSource): CompiledTemplate {
  const env = getEnvironment();
  const text = normaliseTemplateText(source.text);
  const loopFilter = LOOP_FILTER.exec(text);
  if (loopFilter) {
    const line = text.slice(0, loopFilter.index).split("\n").length;
    throw new InputError(
      `'${loopFilter[0]}': nunjucks does not support Jinja2's loop filter ('for … if …') and would render nothing. ` +
        "Put the condition inside the loop: {% for x in xs %}{% if cond %}…{% endif %}{% endfor %}",
      { where: where(source.name, line) },
    );
  }
  if (/[\uE000\uE001]/.test(text)) {
    throw new InputError("the template contains the private-use characters U+E000 or U+E001, which jobx uses to trace values; remove them", { where: source.name });
  }
  let template: nunjucks.Template;
  try {
    template = new nunjucks.Template(text, env, source.name, true);
  } catch (err) {
    const parsed = parseNunjucksError(err as NunjucksError);
    throw new InputError(`template syntax error: ${parsed.message}`, { where: where(source.name, parsed.line, parsed.column) });
  }
  const render = (context: Record<string, unknown>, label: RowDescription): string => {
    takeUndefinedOutput();
    takeUndefinedFilterInput();
    try {
      return template.render(context);
    } catch (err) {
      const rowDescription = typeof label === "string" ? label : label();
      const undefinedAt = takeUndefinedOutput();
      const parsed = parseNunjucksError(err as NunjucksError);
      const filterAt = takeUndefinedFilterInput() && parsed.line !== undefined ? { line: parsed.line, column: parsed.column ?? 1 } : undefined;
      if (undefinedAt || filterAt) {
        const line = undefinedAt ? undefinedAt.lineno + 1 : (filterAt?.line ?? 1);
        const column = undefinedAt ? undefinedAt.colno + 1 : (filterAt?.column ?? 1);
        const expr = expressionAt(text, line, column);
        throw new InputError(
          `${expr ?? "a value"} is undefined in ${rowDescription}. ` +
            "Pass it as a parameter (--param, --set, --params FILE), fix its spelling, or give a fallback: {{ name | default('…') }}",
          { where: where(source.name, line, column) },
        );
      }
      // A render error can quote a value (an include of a value's name, say).
      throw new InputError(`${terminalSafe(parsed.message)} (rendering ${rowDescription})`, { where: where(source.name, parsed.line, parsed.column) });
    }
  };
  return {
    name: source.name,
    render,
    renderMarked(context, rowDescription) {
      startRecording();
      try {
        const marked = render(context, rowDescription);
        const { values, safe } = stopRecording();
        return { marked, values, safe };
      } finally {
        stopRecording();
      }
    },
  };
}
