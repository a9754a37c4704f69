/**
 * Parameter values are data, never structure.
 *
 * A row is rendered with every risky `{{ … }}` result (one that could mean something to
 * YAML) replaced by a placeholder. Two texts are built from that: the real output, and a
 * skeleton where each placeholder is a plain token (`jobx0tok`). The skeleton shows the
 * structure the template itself gives; the real output must parse to exactly that
 * structure with each token replaced, as text, by the value written there. A value that
 * split into keys, items or documents, was cut by a comment, lost bytes to YAML's
 * escaping or folding, or turned into a number, fails that comparison. Values that YAML
 * 1.1 (kubectl) and 1.2 read differently (`on`, `0777`, `1e3`) may not stand alone
 * unquoted.
 *
 * `tojson`, `quote` and `toyaml` (and `indent` of them) write YAML on purpose and are not
 * traced: they are the safe way to write a value.
 */
import { InputError } from "../errors";
import { MARK_CLOSE, MARK_OPEN } from "../render/marks";
import { PLACEHOLDER, TOKEN, token, unmark } from "./placeholders";
import type { MarkedRendering } from "../render/template";
import { describeReading, excerpt, yamlVersionsDisagree } from "./yaml";
import { loadAll } from "js-yaml";

// Characters and shapes that can change YAML structure where text stands unquoted.
// Flow indicators and ':' count anywhere (a value may land inside [ … ] or { … }).
// Control and non-printable characters count too: YAML refuses or folds them.
// eslint-disable-next-line no-control-regex
const STRUCTURAL = /[\u0000-\u001f\u007f-\u009f"'\\\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff\uE000\uE001,[\]{}:]| #|^[-?#&*!|>%@`]|^\.\.\.|^\s|\s$/;
// A quick filter for text one YAML version might read as a non-string: it starts with a
// digit, sign, dot, tilde, '=' or '<', or is a short word like on/no/y.
const MAYBE_TYPED = /^(?:[-+.~=<0-9]|(?:y|yes|n|no|on|off|true|false|null)$)/i;

/** Whether a `{{ … }}` result written bare could be read by YAML as anything but itself. Most values ("apple", "item-42") cannot. */
export function isRiskyOutput(text: string): boolean {
  return STRUCTURAL.test(text) || (MAYBE_TYPED.test(text) && yamlVersionsDisagree(text) !== undefined);
}


/** Replaces tokens inside every string (keys included) by their values. */
function expected(tree: unknown, values: string[]): unknown {
  const fill = (s: string) => s.replace(TOKEN, (_, n: string) => values[Number(n)] ?? "");
  if (typeof tree === "string") return fill(tree);
  if (Array.isArray(tree)) return tree.map((v) => expected(v, values));
  if (tree !== null && typeof tree === "object") {
    return Object.fromEntries(Object.entries(tree).map(([k, v]) => [fill(k), expected(v, values)]));
  }
  return tree;
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
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}…"` : json;
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
  return `{{ ${expr} | tojson }}`;
}

function blame(n: number, rendering: MarkedRendering, row: Record<string, unknown>, rowDescription: string, why: string, where: string): InputError {
  const value = rendering.values[n] ?? "";
  const key = sourceOf(row, value);
  const text = unmark(rendering);
  const at = rendering.marked.indexOf(`${MARK_OPEN}${n}${MARK_CLOSE}`);
  const before = unmark({ ...rendering, marked: rendering.marked.slice(0, Math.max(0, at)) });
  return new InputError(
    `in ${rowDescription}, ${key ? `the value of '${key}'` : "a written value"} (${show(value)}) ${why}. Quote it in the template: ${quotedForm(key)}`,
    { where, details: ["rendered output:", ...excerpt(text, lineOf(before, before.length))] },
  );
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
  try {
    skeleton = loadAll(skeletonText).filter((d) => d !== null && d !== undefined);
  } catch {
    // The template only parses with the value spliced in: the value is part of the structure.
    throw blame(values.findIndex((_, n) => traced(rendering, n)), rendering, row, rowDescription, "is needed to make the YAML parse, so it is writing structure, not data", where);
  }
  const difference = firstDifference(expected(skeleton, values), docs);
  if (difference) {
    const n = tokensIn(difference.skeleton)[0] ?? values.findIndex((_, i) => traced(rendering, i));
    throw blame(n, rendering, row, rowDescription, `changes the YAML where the template writes it unquoted (at ${difference.path}): it would not arrive as one value with its text intact`, where);
  }
  // Whole unquoted scalars that YAML 1.1 and 1.2 read differently.
  const wholeScalars = new Set<string>();
  const collect = (v: unknown) => {
    if (typeof v === "string") wholeScalars.add(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) {
      wholeScalars.add(k);
      collect(x);
    }
  };
  collect(skeleton);
  values.forEach((value, n) => {
    if (!MAYBE_TYPED.test(value)) return;
    const readings = yamlVersionsDisagree(value);
    if (!readings) return;
    const at = skeletonText.indexOf(token(n));
    const quoted = `"'`.includes(skeletonText[at - 1] ?? "") && skeletonText[at - 1] === skeletonText[at + token(n).length];
    if (quoted) return;
    if (!wholeScalars.has(token(n))) return;
    throw blame(
      n,
      rendering,
      row,
      rowDescription,
      `stands unquoted, and YAML 1.1 (what kubectl reads) takes it as ${describeReading(readings.yaml11)} while YAML 1.2 takes it as ${describeReading(readings.yaml12)}`,
      where,
    );
  });
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
      hints.add(`${key ? `the value of '${key}'` : "a written value"} (${show(value)}) stands unquoted here: quote it in the template with ${quotedForm(key)}`);
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
