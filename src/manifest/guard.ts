/**
 * Parameter values are data, never structure.
 *
 * A row is rendered with every risky `{{ … }}` result (one that could mean something to
 * YAML) replaced by a placeholder. Two texts are built from that: the real output, and a
 * skeleton where each placeholder is a plain token (`jobx0tok`). The skeleton shows the
 * structure the template itself gives; the real output must parse to exactly that
 * structure with each token replaced, as text, by the value written there. A value that
 * split into keys, items or documents, was cut by a comment, lost bytes to YAML's
 * escaping or folding, or turned into a number, fails that comparison.
 *
 * A value standing alone as a plain scalar keeps its text, or is typed only when its text
 * is the canonical form of a number or boolean that YAML 1.1 (kubectl) and 1.2 read alike
 * (`5`, `-3`, `2.5`, `true`: see plainReading). Anything else — `~`, `0x1F`, `+5`, `True`,
 * `.inf`, and what the two versions read differently (`on`, `0777`, `1e3`) — stops the
 * expansion with the value, its reading and the fix. Where a value stands is read from
 * the skeleton's parse events, so a value the template quotes or writes in a block
 * scalar is not mistaken for one standing alone.
 *
 * `tojson`, `quote` and `toyaml` (and `indent` of them) write YAML on purpose and are not
 * traced: they are the safe way to write a value.
 */
import { InputError } from "../errors";
import { MARK_CLOSE, MARK_OPEN } from "../render/marks";
import { PLACEHOLDER, TOKEN, WHOLE_TOKEN, token, unmark } from "./placeholders";
import type { MarkedRendering } from "../render/template";
import { type PlainReading, describeReading, excerpt, plainReading } from "./yaml";
import { EVENT_ID, SCALAR_STYLE, getScalarValue, loadAll, parseEvents } from "js-yaml";
import { inline } from "./emit";
import { showText, terminalSafe } from "../text/show";

// Characters and shapes that can change YAML structure where text stands unquoted.
// Flow indicators and ':' count anywhere (a value may land inside [ … ] or { … }).
// Control and non-printable characters count too: YAML refuses or folds them.
// eslint-disable-next-line no-control-regex
const STRUCTURAL = /[\u0000-\u001f\u007f-\u009f"'\\\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff,[\]{}:]| #|^[-?#&*!|>%@`]|^\.\.\.|^\s|\s$/;
// A quick filter for text one YAML version might read as a non-string: it starts with a
// digit, sign, dot, tilde, '=' or '<', or is a short word like on/no/y.
const MAYBE_TYPED = /^(?:[-+.~=<0-9]|(?:y|yes|n|no|on|off|true|false|null)$)/i;

const AS_TEXT: PlainReading = { as: "text" };

/** How a value reads standing alone as a plain scalar; most values are not even looked at. */
function readingOf(value: string): PlainReading {
  return MAYBE_TYPED.test(value) ? plainReading(value) : AS_TEXT;
}

/**
 * Whether a `{{ … }}` result written bare could be read by YAML as anything but itself or
 * a canonical number or boolean. Most values ("apple", "item-42", "5") cannot.
 */
export function isRiskyOutput(text: string): boolean {
  return STRUCTURAL.test(text) || (MAYBE_TYPED.test(text) && plainReading(text).as === "other");
}

/** Whether a value standing alone as a plain scalar reads as its text or as a canonical number or boolean (see plainReading). */
export function keepsReading(text: string): boolean {
  return readingOf(text).as !== "other";
}

/**
 * Where a value stands in the skeleton: the style of the scalar that holds it, and for a
 * plain scalar whether it is inside a flow collection (`[ … ]`, `{ … }`).
 */
export type Standing = "plain" | "flow-plain" | "single-quoted" | "double-quoted" | "block";

// What YAML refuses or reads as a line break anywhere (jobx's own trace marks among them: see marks.ts).
const UNPRINTABLE = "[\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\ufeff\\ufffe\\uffff\\ud800-\\udfff]";
// What changes the reading of the text around a value, per standing. Inside double quotes
// only an end quote or an escape does (':' and '#' mean nothing there); inside single
// quotes only a quote; in a block scalar a line break (above) or what ends the document.
// A plain scalar ends at ': ' and ' #', is typed or made a node by its first character,
// and inside a flow collection ends at ',' ']' '}' too.
const RISKS: Record<Standing, string> = {
  "double-quoted": '["\\\\]',
  "single-quoted": "'",
  block: "^(?:---|\\.\\.\\.)",
  plain: ":(?:\\s|$)|\\s#|^[-?:,[\\]{}#&*!|>'\"%@`]|^(?:---|\\.\\.\\.)",
  "flow-plain": "[:,[\\]{}\"'\\\\]|\\s#|^[-?#&*!|>%@`]|^(?:---|\\.\\.\\.)",
};
// Space at a value's ends is cut where a plain scalar ends, where a quoted or plain scalar
// folds its lines, and decides a block scalar's indentation.
const EDGE_SPACE = "^\\s|\\s$";

function riskPattern(standing: Standing, multiline: boolean): RegExp {
  const edges = multiline || standing === "plain" || standing === "flow-plain" || standing === "block";
  return new RegExp(`${UNPRINTABLE}|${RISKS[standing]}${edges ? `|${EDGE_SPACE}` : ""}`);
}

const RISK_PATTERNS = new Map<string, RegExp>(
  (Object.keys(RISKS) as Standing[]).flatMap((standing) => [false, true].map((multiline) => [`${standing}${multiline}`, riskPattern(standing, multiline)] as const)),
);

/**
 * What a value cannot hold to stand at `standing` (in a scalar written over several lines
 * when `multiline`): a value the pattern does not match, written there in place of its
 * token, reads as exactly its text and changes nothing around it. Structure only: whether
 * a plain scalar is typed is the caller's (keepsReading, isRiskyOutput).
 */
export function riskAt(standing: Standing, multiline: boolean): RegExp {
  return RISK_PATTERNS.get(`${standing}${multiline}`) as RegExp;
}


/**
 * The skeleton as the real output must read: tokens inside every string (keys included)
 * replaced by their values, and a value standing alone as a plain scalar typed when
 * `typed` holds its canonical reading.
 */
function expected(tree: unknown, values: string[], typed: ReadonlyMap<number, number | boolean>): unknown {
  const fill = (s: string) => s.replace(TOKEN, (_, n: string) => values[Number(n)] ?? "");
  if (typeof tree === "string") {
    const whole = WHOLE_TOKEN.exec(tree);
    const reading = whole ? typed.get(Number(whole[1])) : undefined;
    return reading ?? fill(tree);
  }
  if (Array.isArray(tree)) return tree.map((v) => expected(v, values, typed));
  if (tree !== null && typeof tree === "object") {
    return Object.fromEntries(Object.entries(tree).map(([k, v]) => [fill(k), expected(v, values, typed)]));
  }
  return tree;
}

/**
 * The tokens that stand alone as a plain, untagged scalar in the skeleton, and whether as
 * a key or a value. Each token is written once, so its scalar is the one place it stands.
 */
function wholePlainTokens(text: string): Map<number, "key" | "value"> {
  const found = new Map<number, "key" | "value">();
  // Per open collection: whether it is a mapping, and whether its next node is a key.
  const stack: { mapping: boolean; keyNext: boolean }[] = [];
  const nodeDone = () => {
    const top = stack[stack.length - 1];
    if (top?.mapping) top.keyNext = !top.keyNext;
  };
  for (const event of parseEvents(text, {})) {
    if (event.type === EVENT_ID.DOCUMENT || event.type === EVENT_ID.SEQUENCE) stack.push({ mapping: false, keyNext: false });
    else if (event.type === EVENT_ID.MAPPING) stack.push({ mapping: true, keyNext: true });
    else if (event.type === EVENT_ID.POP) {
      stack.pop();
      nodeDone();
    } else if (event.type === EVENT_ID.ALIAS) nodeDone();
    else if (event.type === EVENT_ID.SCALAR) {
      if (event.style === SCALAR_STYLE.PLAIN && event.tagStart === -1) {
        const whole = WHOLE_TOKEN.exec(getScalarValue(text, event));
        const top = stack[stack.length - 1];
        if (whole) found.set(Number(whole[1]), top?.mapping && top.keyNext ? "key" : "value");
      }
      nodeDone();
    }
  }
  return found;
}

/** The first place two parsed trees differ, as a path, or undefined when they are the same. */
function firstDifference(a: unknown, b: unknown, path = ""): { path: string; skeleton: unknown } | undefined {
  if (Object.is(a, b)) return undefined;
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k))) {
      for (const k of ka) {
        const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
        if (d) return d;
      }
      return undefined;
    }
  }
  return { path: path || "(document)", skeleton: a };
}

function lineOf(text: string, index: number): number {
  return text.slice(0, Math.max(0, index)).split("\n").length;
}

function show(value: string): string {
  const shown = showText(value.length > 60 ? value.slice(0, 60) : value);
  return shown.length > 60 ? `${shown.slice(0, 57)}…"` : shown;
}

/**
 * Names the row key a written value came from, for the fix in the message: the key whose
 * value is the longest part of what was written (the whole of it, when unfiltered).
 */
function sourceOf(row: Record<string, unknown>, written: string): string | undefined {
  let best: string | undefined;
  let bestLength = 0;
  const visit = (value: unknown, path: string) => {
    if (typeof value === "string" && value.length > bestLength && written.includes(value)) {
      best = path;
      bestLength = value.length;
    }
    else if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${path}[${i}]`));
    else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) visit(v, path ? `${path}.${k}` : k);
  };
  for (const [k, v] of Object.entries(row)) visit(v, k);
  return best;
}

function quotedForm(path: string | undefined): string {
  if (path === undefined) return "{{ … | tojson }}";
  const top = path.split(/[.[]/)[0] ?? path;
  const expr = /^[A-Za-z_][A-Za-z0-9_]*$/.test(top) ? path : `params[${JSON.stringify(top)}]${path.slice(top.length)}`;
  return terminalSafe(`{{ ${expr} | tojson }}`);
}

const QUOTE_IT = (quoted: string) => `Quote it in the template: ${quoted}`;

function blame(
  n: number,
  rendering: MarkedRendering,
  row: Record<string, unknown>,
  rowDescription: string,
  why: string,
  where: string,
  fix: (quoted: string) => string = QUOTE_IT,
): InputError {
  const value = rendering.values[n] ?? "";
  const key = sourceOf(row, value);
  const text = unmark(rendering);
  const at = rendering.marked.indexOf(`${MARK_OPEN}${n}${MARK_CLOSE}`);
  const before = unmark({ ...rendering, marked: rendering.marked.slice(0, Math.max(0, at)) });
  return new InputError(
    `in ${rowDescription}, ${key ? `the value of '${terminalSafe(key)}'` : "a written value"} (${show(value)}) ${why}. ${fix(quotedForm(key))}`,
    { where, details: ["rendered output:", ...excerpt(text, lineOf(before, before.length))] },
  );
}

/** Why a value standing alone as a plain scalar does not keep its text, and the fix; undefined when it does, or is typed canonically. */
function standingAloneProblem(reading: PlainReading, position: "key" | "value"): { why: string; fix?: (quoted: string) => string } | undefined {
  if (reading.as !== "other") return undefined;
  const { yaml11, yaml12 } = reading;
  const sameDate = yaml11 instanceof Date && yaml12 instanceof Date && yaml11.getTime() === yaml12.getTime();
  if (!Object.is(yaml11, yaml12) && !sameDate) {
    return { why: `stands unquoted, and YAML 1.1 (what kubectl reads) takes it as ${describeReading(yaml11)} while YAML 1.2 takes it as ${describeReading(yaml12)}` };
  }
  const as = describeReading(yaml12);
  if (position === "key") return { why: `stands unquoted as a key, and YAML reads it as ${as}, so the key would be ${showText(String(yaml12))}` };
  if (typeof yaml12 === "number" && Number.isFinite(yaml12)) {
    return { why: `stands unquoted, and YAML reads it as ${as}, not as its text`, fix: (quoted) => `Write it as ${inline(yaml12)} to mean that number, or quote it in the template to keep the text: ${quoted}` };
  }
  if (typeof yaml12 === "boolean") {
    return { why: `stands unquoted, and YAML reads it as ${as}, not as its text`, fix: (quoted) => `Write it as ${yaml12} to mean that boolean, or quote it in the template to keep the text: ${quoted}` };
  }
  if (yaml12 === null) {
    return { why: "stands unquoted, and YAML reads it as null, not as its text", fix: (quoted) => `Quote it in the template to keep the text: ${quoted} (to leave the field unset, leave the key out)` };
  }
  return { why: `stands unquoted, and YAML reads it as ${as}, not as its text` };
}

/** The placeholders inside a parsed value of the skeleton. */
function tokensIn(tree: unknown): number[] {
  const found: number[] = [];
  const visit = (v: unknown) => {
    if (typeof v === "string") for (const m of v.matchAll(TOKEN)) found.push(Number(m[1]));
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) {
      visit(k);
      visit(x);
    }
  };
  visit(tree);
  return found;
}

/** The values worth tracing: written bare (not through tojson/quote/toyaml) and risky. */
function traced(rendering: MarkedRendering, n: number): boolean {
  return !rendering.safe[n] && isRiskyOutput(rendering.values[n] ?? "");
}

export function verifyValuesAreData(rendering: MarkedRendering, docs: unknown[], row: Record<string, unknown>, rowDescription: string, where: string): void {
  const { marked, values } = rendering;
  if (!values.some((_, n) => traced(rendering, n))) return;
  // Only traced values become tokens; the rest stand as written, typed as YAML reads them.
  const skeletonText = marked.replace(PLACEHOLDER, (_, n: string) => (traced(rendering, Number(n)) ? token(Number(n)) : (values[Number(n)] ?? "")));
  let skeleton: unknown[];
  let standing: Map<number, "key" | "value">;
  try {
    skeleton = loadAll(skeletonText).filter((d) => d !== null && d !== undefined);
    standing = wholePlainTokens(skeletonText);
  } catch {
    // The template only parses with the value spliced in: the value is part of the structure.
    throw blame(values.findIndex((_, n) => traced(rendering, n)), rendering, row, rowDescription, "is needed to make the YAML parse, so it is writing structure, not data", where);
  }
  // Values standing alone as plain scalars keep their text, or are typed canonically.
  const typed = new Map<number, number | boolean>();
  for (const [n, position] of [...standing].sort(([a], [b]) => a - b)) {
    const reading = readingOf(values[n] ?? "");
    const problem = standingAloneProblem(reading, position);
    if (problem) throw blame(n, rendering, row, rowDescription, problem.why, where, problem.fix);
    if (reading.as === "typed" && position === "value") typed.set(n, reading.value);
  }
  const difference = firstDifference(expected(skeleton, values, typed), docs);
  if (difference) {
    const n = tokensIn(difference.skeleton)[0] ?? values.findIndex((_, i) => traced(rendering, i));
    throw blame(n, rendering, row, rowDescription, `changes the YAML where the template writes it unquoted (at ${difference.path}): it would not arrive as one value with its text intact`, where);
  }
}

/** Traced values written on or just before a rendered line (1-based): hints for a YAML parse error. */
export function valuesOnLine(rendering: MarkedRendering, row: Record<string, unknown>, line: number | undefined): string[] {
  if (line === undefined) return [];
  const hints = new Set<string>();
  let realLine = 1;
  let last = 0;
  for (const m of rendering.marked.matchAll(PLACEHOLDER)) {
    realLine += countNewlines(rendering.marked.slice(last, m.index));
    last = m.index + m[0].length;
    const value = rendering.values[Number(m[1])] ?? "";
    const endLine = realLine + countNewlines(value);
    if (endLine >= line - 2 && realLine <= line && traced(rendering, Number(m[1]))) {
      const key = sourceOf(row, value);
      hints.add(`${key ? `the value of '${terminalSafe(key)}'` : "a written value"} (${show(value)}) stands unquoted here: quote it in the template with ${quotedForm(key)}`);
    }
    realLine = endLine;
  }
  return [...hints];
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
  return n;
}
