/**
 * The sed-style templates of the Kubernetes docs task "Parallel Processing using
 * Expansions": `job-tmpl.yaml` with `$ITEM`, expanded by `sed "s/\$ITEM/$i/"`.
 *
 * The rule (docs/templates.md): a template is in sed form when it has no Jinja2 syntax
 * at all (no `{{`, `{%` or `{#`) and at least one `$NAME` or `${NAME}` whose NAME is a
 * given parameter, written as it is or in upper case (`$ITEM` for `item`). Then every
 * `$NAME` and `${NAME}` that names a given parameter is replaced by its value (every
 * occurrence, as `sed "s/…/…/g"` would); any other `$VAR` stays as it is, for the
 * container's shell. A template with Jinja2 syntax is never read this way, so the `$ITEM`
 * the built-in `job` template hands its shell is never substituted.
 *
 * The values are written as `{{ … }}` results are: traced, so a value that would change
 * the YAML is refused by the value guard as in any template.
 */
import type { Stmt } from "./ast";
import { Positions } from "./lexer";

const JINJA_SYNTAX = /\{\{|\{%|\{#/;
const PLACEHOLDER = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

export interface SedForm {
  body: Stmt[];
  /** Each placeholder as written, and the parameter it stands for. */
  substitutions: Map<string, string>;
}

/** The parameter a placeholder name stands for: the same name, or the one it is the upper case of. */
function parameterFor(name: string, parameters: readonly string[]): string | undefined {
  if (parameters.includes(name)) return name;
  return parameters.find((p) => p.toUpperCase() === name);
}

/** The template read in sed form, or undefined when it is not in sed form for these parameters. */
export function sedForm(text: string, parameters: readonly string[]): SedForm | undefined {
  if (parameters.length === 0 || JINJA_SYNTAX.test(text)) return undefined;
  const positions = new Positions(text);
  const body: Stmt[] = [];
  const substitutions = new Map<string, string>();
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    const key = parameterFor((m[1] ?? m[2]) as string, parameters);
    if (key === undefined) continue;
    const at = positions.at(m.index);
    if (m.index > last) body.push({ kind: "data", text: text.slice(last, m.index), ...positions.at(last) });
    body.push({ kind: "output", expr: { kind: "name", name: key, ...at }, ...at });
    substitutions.set(m[0], key);
    last = m.index + m[0].length;
  }
  if (substitutions.size === 0) return undefined;
  if (last < text.length) body.push({ kind: "data", text: text.slice(last), ...positions.at(last) });
  return { body, substitutions };
}
