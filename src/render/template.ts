/**
 * Compiling and rendering a jobx template: Jinja2's language read and rendered as
 * python3's jinja2 renders it (src/render/lexer.ts, parser.ts, compiler.ts), jobx's
 * filters, and errors that name the template file, the line, the column and the row.
 * A template in the docs' sed form (src/render/sed.ts) is read as such when the
 * parameters it names are given.
 */
import { InputError } from "../errors";
import { terminalSafe } from "../text/show";
import { type TemplateReads, templateReads } from "./analysis";
import type { Stmt } from "./ast";
import { nearestName } from "./builtins";
import { Out, compileTemplateBody, type Compiled } from "./compiler";
import { TemplateRenderError, TemplateSyntaxError } from "./errors";
import { MARK_CLOSE, MARK_OPEN } from "./marks";
import { tokenize } from "./lexer";
import { parseTemplate } from "./parser";
import { sedForm } from "./sed";

export interface TemplateSource {
  /** How messages name the template: a path as the user typed it, or `builtin:job`. */
  name: string;
  text: string;
}

/** A rendering whose `{{ … }}` results are placeholders. */
export interface MarkedRendering {
  /** The output with placeholders \u0001n\u0002 where `values[n]` was written (see marks.ts). */
  marked: string;
  values: string[];
  /** Whether values[n] came from a filter that writes YAML on purpose (tojson, quote, toyaml, and indent of them). */
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
  /** What the template reads from its row. */
  readonly reads: TemplateReads;
  /** For a template in the docs' sed form: each placeholder and the parameter it stands for. */
  readonly sed?: ReadonlyMap<string, string>;
}

export interface CompileOptions {
  /** The keys every row has; a template in sed form is read as such only for these. */
  parameters?: readonly string[];
}

/**
 * Jinja2 reads templates with its defaults newline_sequence="\n" and
 * keep_trailing_newline=False: CRLF becomes LF and one final newline is dropped.
 */
export function normaliseTemplateText(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(/\n$/, "");
}

function where(name: string, line?: number, column?: number): string {
  return line ? `${name}:${line}${column ? `:${column}` : ""}` : name;
}

/** The `{{ … }}` or `{% … %}` tag around (line, column), for messages. */
function tagAround(text: string, line: number, column: number): string | undefined {
  const lines = text.split("\n");
  if (line < 1 || line > lines.length) return undefined;
  let offset = column - 1;
  for (let l = 0; l < line - 1; l++) offset += (lines[l] as string).length + 1;
  const open = Math.max(text.lastIndexOf("{{", offset + 1), text.lastIndexOf("{%", offset + 1));
  if (open < 0) return undefined;
  const close = text.indexOf(text[open + 1] === "{" ? "}}" : "%}", offset);
  if (close < 0) return undefined;
  const tag = text.slice(open, close + 2);
  return tag.includes("\n") ? tag.replace(/\s*\n\s*/g, " ") : tag.trim();
}

function syntaxError(name: string, err: TemplateSyntaxError): InputError {
  return new InputError(`template syntax error: ${err.message}`, { where: where(name, err.line, err.column) });
}

function compile(source: TemplateSource, text: string, body: Stmt[]): Compiled {
  try {
    return compileTemplateBody(body);
  } catch (err) {
    if (err instanceof TemplateSyntaxError) throw syntaxError(source.name, err);
    throw err;
  }
}

export function compileTemplate(source: TemplateSource, options: CompileOptions = {}): CompiledTemplate {
  const text = normaliseTemplateText(source.text);
  if (text.includes(MARK_OPEN) || text.includes(MARK_CLOSE)) {
    throw new InputError("the template contains the control character U+0001 or U+0002, which jobx uses to trace values (and YAML does not allow); remove it", { where: source.name });
  }
  const sed = options.parameters ? sedForm(text, options.parameters) : undefined;
  let body: Stmt[];
  if (sed) body = sed.body;
  else {
    try {
      body = parseTemplate(tokenize(text));
    } catch (err) {
      if (err instanceof TemplateSyntaxError) throw syntaxError(source.name, err);
      throw err;
    }
  }
  const compiled = compile(source, text, body);
  const reads = templateReads(body);

  const fail = (err: unknown, context: Record<string, unknown>, label: RowDescription): never => {
    if (!(err instanceof TemplateRenderError)) throw err;
    const rowDescription = typeof label === "string" ? label : label();
    const at = where(source.name, err.line, err.column);
    if (err.kind === "undefined") {
      const tag = err.line !== undefined ? tagAround(text, err.line, err.column ?? 1) : undefined;
      const near = err.undefinedName ? nearestName(err.undefinedName, [...Object.keys(context), ...reads.names].filter((n) => n !== err.undefinedName)) : undefined;
      throw new InputError(
        `${tag ?? "a value"} is undefined in ${rowDescription} (${terminalSafe(err.message)}${near ? `; did you mean '${terminalSafe(near)}'?` : ""}). ` +
          "Pass it as a parameter (--param, --set, --params FILE), fix its spelling, or give a fallback: {{ name | default('…') }}",
        { where: at },
      );
    }
    // A render error can quote a value: it reaches the terminal escaped.
    if (err.kind === "refused") throw new InputError(`jobx does not render this: ${terminalSafe(err.message)} (rendering ${rowDescription})`, { where: at });
    throw new InputError(`${terminalSafe(err.message)} (rendering ${rowDescription})`, { where: at });
  };

  const run = (context: Record<string, unknown>, label: RowDescription, out: Out): void => {
    try {
      compiled.run(context, out);
    } catch (err) {
      fail(err, context, label);
    }
  };

  return {
    name: source.name,
    reads,
    sed: sed?.substitutions,
    render(context, label) {
      const out = new Out(null, null);
      run(context, label, out);
      return out.text;
    },
    renderMarked(context, label) {
      const out = new Out([], []);
      run(context, label, out);
      return { marked: out.text, values: out.values as string[], safe: out.safe as boolean[] };
    },
  };
}
