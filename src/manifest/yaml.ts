/**
 * YAML in and out of the manifest stage. Rendered text is read with js-yaml's core
 * schema (YAML 1.2); what jobx prints is written so that YAML 1.1 readers — kubectl's
 * sigs.k8s.io/yaml follows go-yaml's 1.1 rules — read exactly the same values.
 */
import { YAML11_SCHEMA, load, loadAll } from "js-yaml";
import { emitYaml, inline } from "./emit";
import { InputError } from "../errors";
import { showText, terminalSafe } from "../text/show";

interface YamlErrorLike { reason?: string; message: string; mark?: { line: number; column: number } }

/** Lines around `line` (1-based) with their numbers, for error messages. */
export function excerpt(text: string, line: number, radius = 2): string[] {
  const lines = text.split("\n");
  const from = Math.max(1, line - radius);
  const to = Math.min(lines.length, line + radius);
  const width = String(to).length;
  const out: string[] = [];
  for (let n = from; n <= to; n++) {
    out.push(`${n === line ? ">" : " "} ${String(n).padStart(width)} | ${terminalSafe(lines[n - 1] ?? "")}`);
  }
  return out;
}

export interface YamlParseFailure {
  message: string;
  /** 1-based line in the rendered text, when known. */
  line?: number;
}

/** Parses every document of a rendered row; empty documents (a leading `---`) are dropped. */
export function parseDocuments(text: string): { docs: unknown[] } | { failure: YamlParseFailure } {
  try {
    return { docs: loadAll(text).filter((doc) => doc !== null && doc !== undefined) };
  } catch (err) {
    const e = err as YamlErrorLike;
    const line = e.mark ? e.mark.line + 1 : undefined;
    return { failure: { message: e.reason ?? e.message.split("\n")[0] ?? "invalid YAML", line } };
  }
}

/** Throws an InputError for a failed parse, showing the offending rendered lines. */
export function verifyParsed(
  result: ReturnType<typeof parseDocuments>,
  text: string,
  where: string,
  hints: (line: number | undefined) => string[],
): unknown[] {
  if ("docs" in result) return result.docs;
  const { message, line } = result.failure;
  const details = [
    ...(line ? [`rendered output${line ? ` line ${line}` : ""}:`, ...excerpt(text, line)] : []),
    ...hints(line),
  ];
  throw new InputError(`the rendered YAML does not parse: ${terminalSafe(message)}`, { where, details });
}

/**
 * How a value reads where it stands as a whole plain (unquoted) scalar:
 * - `text`: YAML 1.1 (kubectl's reader) and 1.2 both read it as exactly its text;
 * - `typed`: both read it as the same finite number or boolean, and its text is that
 *   value's canonical form, the one jobx writes back (`5`, `-3`, `2.5`, `true`), so typing
 *   it loses nothing (`completions: {{ n }}`);
 * - `other`: anything else — `~` and `null` (null), `0x1F` and `+5` (a number written
 *   another way), `True` (a boolean written another way), `.inf`, `on` and `0777` (read
 *   differently by 1.1 and 1.2) — with both readings, for the message.
 */
export type PlainReading =
  | { as: "text" }
  | { as: "typed"; value: number | boolean }
  | { as: "other"; yaml11: unknown; yaml12: unknown };

const TEXT: PlainReading = { as: "text" };
// Decimal integers in canonical form (no sign, no leading zero, safely below 2^53), and
// ordinary words: most values, read without two YAML parses per value per row.
const CANONICAL_INTEGER = /^-?(?:0|[1-9][0-9]{0,14})$/;
const WORD = /^[A-Za-z][A-Za-z0-9-]*$/;
const TYPED_WORDS = /^(?:y|yes|n|no|on|off|true|false|null)$/i;
// Digits then letters, the first not x (hex): Kubernetes quantities such as 500m, 64Mi,
// 2Gi. No YAML 1.1 or 1.2 number, boolean, null or date has that form.
const QUANTITY = /^[0-9]+[A-WYZa-wyz][A-Za-z]*$/;

export function plainReading(plain: string): PlainReading {
  if (CANONICAL_INTEGER.test(plain) && plain !== "-0") return { as: "typed", value: Number(plain) };
  if ((WORD.test(plain) && !TYPED_WORDS.test(plain)) || QUANTITY.test(plain)) return TEXT;
  let yaml12: unknown;
  let yaml11: unknown;
  try {
    yaml12 = load(plain);
    yaml11 = load(plain, { schema: YAML11_SCHEMA });
  } catch {
    return TEXT; // not a plain scalar at all: the structure check covers it
  }
  if (yaml12 === plain && yaml11 === plain) return TEXT;
  const agreed = Object.is(yaml12, yaml11);
  if (agreed && typeof yaml12 === "boolean" && String(yaml12) === plain) return { as: "typed", value: yaml12 };
  if (agreed && typeof yaml12 === "number" && Number.isFinite(yaml12) && inline(yaml12) === plain) return { as: "typed", value: yaml12 };
  return { as: "other", yaml11, yaml12 };
}

/** One document as block YAML that YAML 1.1 and 1.2 read alike (see emit.ts). */
export function dumpDocument(doc: unknown): string {
  return emitYaml(doc);
}

/** Describes a scalar reading for people: `the boolean true`, `the number 511`. */
export function describeReading(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return `the string ${showText(value)}`;
  if (value instanceof Date) return `the timestamp ${value.toISOString()}`;
  return `the ${typeof value} ${String(value)}`;
}
