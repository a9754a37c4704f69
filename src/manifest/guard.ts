/**
 * Parameter values are data, never structure. After a row is rendered and parsed, every
 * string value of the row that could mean something to YAML is looked for: each place it
 * stands in the rendered text must be found again, whole, inside one parsed string. A
 * value that split into keys, items or documents, was cut by a comment, or lost its
 * bytes to YAML's folding fails that count. Values YAML 1.1 (kubectl) and 1.2 read
 * differently (`on`, `0777`, `1e3`) may not stand unquoted.
 *
 * A value passed through a filter that changes its text (`upper`, `b64encode`) is not
 * found in the output and so not counted; `tojson` and `quote` escape exactly the
 * characters that matter, so a quoted value never appears raw.
 */
import { InputError } from "../errors";
import { describeReading, excerpt, yamlVersionsDisagree } from "./yaml";

// Characters and shapes that can change YAML structure when a value stands unquoted.
const STRUCTURAL = /[\n\r\t"'\u0085\u2028\u2029]|: |:$| #|^[-?:,[\]{}#&*!|>%@`]|^\s|\s$|---|\.\.\./;
// A quick filter for values that might be read as a non-string by one YAML version:
// they start with a digit, sign, dot, tilde, '=' or '<', or are short words like on/no/y.
const MAYBE_TYPED = /^(?:[-+.~=<0-9]|(?:y|yes|n|no|on|off|true|false|null)$)/i;

type Leaf = { path: string; value: string };

function stringLeaves(value: unknown, path: string, out: Leaf[]): Leaf[] {
  if (typeof value === "string") out.push({ path, value });
  else if (Array.isArray(value)) value.forEach((v, i) => stringLeaves(v, `${path}[${i}]`, out));
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) stringLeaves(v, `${path}.${k}`, out);
  }
  return out;
}

function countIn(haystack: string, needle: string): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) count++;
  return count;
}

/** Every string in a parsed tree, mapping keys included. */
function parsedStrings(value: unknown, out: string[]): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) parsedStrings(v, out);
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      parsedStrings(v, out);
    }
  }
  return out;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < index; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

function show(value: string): string {
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}…"` : json;
}

/** The fix to name: how to write this key quoted in the template. */
function quotedForm(path: string): string {
  const top = path.split(/[.[]/)[0] ?? path;
  const expr = /^[A-Za-z_][A-Za-z0-9_]*$/.test(top) ? path : `params[${JSON.stringify(top)}]${path.slice(top.length)}`;
  return `{{ ${expr} | tojson }}`;
}

/** Row values that stand unquoted on a given rendered line: hints for a YAML parse error. */
export function valuesOnLine(row: Record<string, unknown>, text: string, line: number | undefined): string[] {
  if (line === undefined) return [];
  const lines = text.split("\n").slice(Math.max(0, line - 2), line + 1).join("\n");
  return stringLeaves(row, "", [])
    .map((leaf) => ({ ...leaf, path: leaf.path.slice(1) }))
    .filter((leaf) => leaf.value !== "" && STRUCTURAL.test(leaf.value) && lines.includes(leaf.value.split("\n")[0] ?? leaf.value))
    .map((leaf) => `the value of '${leaf.path}' (${show(leaf.value)}) stands unquoted here: quote it in the template with ${quotedForm(leaf.path)}`);
}

export function verifyValuesAreData(row: Record<string, unknown>, text: string, docs: unknown[], where: string, rowLabel: string): void {
  let strings: string[] | undefined;
  for (const leaf of stringLeaves(row, "", [])) {
    const { value } = leaf;
    const path = leaf.path.slice(1);
    if (value === "") continue;
    if (STRUCTURAL.test(value)) {
      const inText = countIn(text, value);
      if (inText === 0) continue;
      strings ??= parsedStrings(docs, []);
      const inParsed = strings.reduce((n, s) => n + countIn(s, value), 0);
      if (inParsed < inText) {
        const line = lineOf(text, text.indexOf(value));
        throw new InputError(
          `in ${rowLabel}, the value of '${path}' (${show(value)}) changes the YAML structure where the template writes it unquoted: ` +
            `it would not arrive as one value with its text intact. Quote it in the template: ${quotedForm(path)}`,
          { where, details: ["rendered output:", ...excerpt(text, line)] },
        );
      }
    } else if (MAYBE_TYPED.test(value)) {
      const readings = yamlVersionsDisagree(value);
      if (!readings) continue;
      const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      // The value as a whole plain scalar: after "key: ", "- ", or as a flow item.
      const plain = new RegExp(`(?:^|:[ \\t]+|^[ \\t]*-[ \\t]+|[[,{][ \\t]*)${escaped}[ \\t]*(?:$|[,\\]}]|[ \\t]#)`, "m");
      const match = plain.exec(text);
      if (!match) continue;
      const line = lineOf(text, match.index + match[0].indexOf(value));
      throw new InputError(
        `in ${rowLabel}, the value of '${path}' (${show(value)}) stands unquoted, and YAML 1.1 (what kubectl reads) takes it as ` +
          `${describeReading(readings.yaml11)} while YAML 1.2 takes it as ${describeReading(readings.yaml12)}. ` +
          `Quote it in the template for a string (${quotedForm(path)}), or pass the value in a form both read alike`,
        { where, details: ["rendered output:", ...excerpt(text, line)] },
      );
    }
  }
}
