/**
 * jobx's filters for Kubernetes manifests (quote, toyaml, b64encode, b64decode,
 * dnslabel) and the Jinja2 filters whose output jobx depends on (tojson, indent),
 * as plain functions of plain JavaScript data, so each can be tested on its own. The
 * template engine binds their arguments (src/render/builtins.ts).
 */
import { dump } from "js-yaml";
import { toDnsLabel } from "../text/dns";
import { yamlDoubleQuoted } from "../text/yaml-string";
import { floatRepr } from "./pyformat";
import { PyFloat } from "./values";

/** Keyword arguments, given to these functions as a trailing object marked `__keywords`. */
type Kwargs = Record<string, unknown> & { __keywords: true };

function isKwargs(value: unknown): value is Kwargs {
  return typeof value === "object" && value !== null && (value as { __keywords?: unknown }).__keywords === true;
}

/** Splits `(...args)` into positional values and keyword values, by Jinja2's parameter names. */
function bindArgs(names: readonly string[], args: unknown[]): Record<string, unknown> {
  const bound: Record<string, unknown> = {};
  const last = args[args.length - 1];
  const positional = isKwargs(last) ? args.slice(0, -1) : args;
  positional.forEach((value, i) => {
    const name = names[i];
    if (name === undefined) throw new Error(`too many arguments (takes ${names.join(", ")})`);
    bound[name] = value;
  });
  if (isKwargs(last)) {
    for (const [key, value] of Object.entries(last)) {
      if (key === "__keywords") continue;
      if (!names.includes(key)) throw new Error(`unknown argument '${key}' (takes ${names.join(", ")})`);
      bound[key] = value;
    }
  }
  return bound;
}

// Python's json.dumps with ensure_ascii: everything outside printable ASCII is escaped,
// and Jinja2's htmlsafe_json_dumps then escapes < > & ' as well.
const JSON_ESCAPES: Record<string, string> = {
  '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f",
  "<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027",
};

const JSON_ESCAPED = /["\\\n\r\t\b\f<>&']|[^ -~]/;
const JSON_ESCAPED_ALL = /["\\\n\r\t\b\f<>&']|[^ -~]/g;

function pyJsonString(s: string): string {
  // Most values need no escape: testing first is cheaper than a replace with a callback.
  if (!JSON_ESCAPED.test(s)) return `"${s}"`;
  return `"${s.replace(JSON_ESCAPED_ALL, (c) => JSON_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}"`;
}

/** Python's json number: an int as digits, a float as repr() writes it (1.0, 1e+16), NaN and Infinity as json.dumps writes them. */
function pyJsonNumber(n: number, isFloat: boolean): string {
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "Infinity" : "-Infinity";
  return isFloat || !Number.isInteger(n) ? floatRepr(n) : String(n);
}

/**
 * Jinja2's `tojson`: Python's json.dumps(sort_keys=True) made HTML-safe. Byte-for-byte
 * the same as Jinja2 for strings, integers, booleans, None, lists and dicts, so a
 * rendering compares equal with python3's jinja2. Its output is also a valid YAML
 * flow scalar or collection under YAML 1.1 and 1.2 alike (all non-ASCII is escaped).
 */
export function tojson(value: unknown, ...args: unknown[]): string {
  return tojsonText(value, bindArgs(["indent"], args).indent);
}

/** `tojson` with its one argument, `indent` (None, a number or a string). */
export function tojsonText(value: unknown, indent: unknown): string {
  if (typeof value === "string" && (indent === null || indent === undefined)) return pyJsonString(value);
  const step = typeof indent === "number" ? " ".repeat(indent) : typeof indent === "string" ? indent : undefined;
  const walk = (v: unknown, depth: number): string => {
    if (v === null || v === undefined) return "null";
    if (typeof v === "string") return pyJsonString(v);
    if (typeof v === "number") return pyJsonNumber(v, false);
    if (v instanceof PyFloat) return pyJsonNumber(v.v, true);
    if (typeof v === "bigint") return v.toString();
    if (typeof v === "boolean") return v ? "true" : "false";
    if (v instanceof Date) return pyJsonString(v.toISOString());
    const inner = step === undefined ? "" : `\n${step.repeat(depth + 1)}`;
    const outer = step === undefined ? "" : `\n${step.repeat(depth)}`;
    const sep = step === undefined ? ", " : ",";
    if (Array.isArray(v)) {
      if (v.length === 0) return "[]";
      return `[${inner}${v.map((x) => walk(x, depth + 1)).join(sep + inner)}${outer}]`;
    }
    if (typeof v === "object") {
      const keys = Object.keys(v).sort();
      if (keys.length === 0) return "{}";
      const obj = v as Record<string, unknown>;
      return `{${inner}${keys.map((k) => `${pyJsonString(k)}: ${walk(obj[k], depth + 1)}`).join(sep + inner)}${outer}}`;
    }
    throw new Error(`tojson cannot encode a ${typeof v}`);
  };
  return walk(value, 0);
}

/**
 * A YAML-safe `quote`: the value as one double-quoted scalar that reads back as the same
 * string under YAML 1.1 and 1.2, whatever it contains. Unlike `tojson` it keeps
 * non-ASCII text readable.
 */
export function quote(value: unknown): string {
  if (value !== null && typeof value === "object") {
    throw new Error("quote takes a string, number or boolean; use tojson for lists and maps");
  }
  return yamlDoubleQuoted(value === undefined || value === null ? "" : String(value));
}

// A multi-line string js-yaml would write as a block scalar that depends on where it is
// placed: one with an indentation indicator (`|2-`, for text that starts with a space),
// which counts from the parent's indentation, or with a final line break (`|`, `|+`),
// which the final newline toyaml drops (or the end of the template) would cut.
const PLACEMENT_DEPENDENT = /^\n* |\n$/;

/**
 * `toyaml`: the value as block YAML, without a trailing newline (as Helm's toYaml), to be
 * placed with `indent`. js-yaml quotes strings that YAML 1.1 would read as booleans,
 * numbers or null (`on`, `0777`, `~`), so the result reads the same under 1.1 and 1.2.
 * Multi-line strings whose block form depends on its placement are double-quoted
 * instead, so `toyaml | indent(N)` keeps every string exact wherever it stands.
 */
export function toyaml(value: unknown): string {
  const quoted: string[] = [];
  // A placeholder no string of the value contains.
  let stamp = "jobxq";
  const all = JSON.stringify(value) ?? "";
  while (all.includes(stamp)) stamp += "x";
  const swap = (s: string): string => (s.includes("\n") && PLACEMENT_DEPENDENT.test(s) ? `${stamp}${quoted.push(s) - 1}q` : s);
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return swap(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [swap(k), walk(x)]));
    return v;
  };
  let text = dump(walk(value), { lineWidth: -1, noRefs: true }).replace(/\n$/, "");
  if (quoted.length > 0) {
    const tokens = new RegExp(`${stamp}(\\d+)q`, "g");
    if ((text.match(tokens) ?? []).length !== quoted.length) throw new Error("toyaml: a string of the value looks like jobx's own placeholder");
    text = text.replace(tokens, (_, n: string) => yamlDoubleQuoted(quoted[Number(n)] as string));
  }
  return text;
}

// Python's str.splitlines() boundaries, which Jinja2's indent uses.
// eslint-disable-next-line no-control-regex -- these are the separators Python splits on
const PY_LINE_BREAK = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/;

/**
 * Jinja2 3.x `indent`: indents every line but the first (unless `first`), leaves blank
 * lines alone (unless `blank`); line breaks are Python's splitlines() ones, written "\n".
 */
export function indentText(text: string, pad: string, first: boolean, blank: boolean): string {
  const lines = `${text}\n`.split(PY_LINE_BREAK);
  lines.pop(); // splitlines() drops the empty piece after the final break
  let out: string;
  if (blank) {
    out = lines.join(`\n${pad}`);
  } else {
    out = [lines[0] ?? "", ...lines.slice(1).map((line) => (line ? pad + line : line))].join("\n");
  }
  return first ? pad + out : out;
}

/** `indent(width=4, first=False, blank=False)` on a value; `width` may be a string. */
export function indent(value: unknown, ...args: unknown[]): string {
  const { width = 4, first = false, blank = false } = bindArgs(["width", "first", "blank"], args);
  const pad = typeof width === "string" ? width : " ".repeat(Number(width));
  return indentText(value === undefined || value === null ? "" : String(value), pad, Boolean(first), Boolean(blank));
}

/** `b64encode`: UTF-8 bytes as base64, for Secret data and the like. */
export function b64encode(value: unknown): string {
  return Buffer.from(value === undefined || value === null ? "" : String(value), "utf8").toString("base64");
}

/** `b64decode`: the reverse, as UTF-8 text. */
export function b64decode(value: unknown): string {
  return Buffer.from(String(value ?? ""), "base64").toString("utf8");
}

/**
 * `dnslabel(max=63)`: any value as a fragment usable in a DNS-1123 label (and so in a Job
 * name): lower case, accents folded, every run of other characters turned into one `-`,
 * no leading or trailing `-`, at most `max` characters. A value with nothing usable left
 * (say, only CJK text) becomes `x` plus a short hash of it, so it is never empty.
 */
export function dnslabel(value: unknown, ...args: unknown[]): string {
  const { max = 63 } = bindArgs(["max"], args);
  return toDnsLabel(value === undefined || value === null ? "" : String(value), Number(max));
}
