/**
 * Jinja2's builtin filters, tests and globals (jinja2/filters.py FILTERS, jinja2/tests.py
 * TESTS, jinja2/defaults.py DEFAULT_NAMESPACE), the methods of str, dict and list that
 * templates call, and jobx's own filters. Each follows the Jinja2 3.1 source; what jobx
 * does not do is refused by name with what to write instead (REFUSED_FILTERS, …).
 */
import { TemplateRenderError, pyError, refused } from "./errors";
import { MARK, MARK_CLOSE, MARK_OPEN } from "./marks";
import { b64decode, b64encode, dnslabel, indentText, quote, tojsonText, toyaml } from "./filters";
import { PY_SPACE } from "./lexer";
import { fixedDigits, formatSpec, percentFormat, roundFloat } from "./pyformat";
import {
  CONVERSIONS,
  MISSING,
  add,
  codePoints,
  compare,
  compareStrings,
  contains,
  dictGet,
  dictItems,
  dictKeys,
  dictSet,
  dictSize,
  eq,
  escape,
  escapeHtml,
  float,
  flatten,
  hashKey,
  isDict,
  isFloat,
  isInt,
  isList,
  isMarkup,
  isNumber,
  isPlainObject,
  isStr,
  isTuple,
  iterate,
  len,
  mod,
  newDict,
  numberOf,
  owned,
  OWNED,
  plain,
  repr,
  str,
  strLength,
  strOf,
  pyBool,
  typeName,
  undefinedError,
  type PyStr,
} from "./runtime";
import { wrap } from "./textwrap";
import { nearestName } from "../text/nearest";
import {
  type Callable,
  DictView,
  GroupTuple,
  MarkedText,
  Namespace,
  PyDict,
  PyFloat,
  PyIter,
  PyRange,
  PyTuple,
  TaggedStr,
  Undefined,
  callable,
  isCallable,
  tuple,
} from "./values";

/** What a filter or test may need of the rendering. */
export interface RenderContext {
  context: Record<string, unknown>;
  top: unknown;
}

export type Filter = (value: unknown, args: unknown[], kwargs: Map<string, unknown>, root: RenderContext) => unknown;

// -----------------------------------------------------------------------------------
// Arguments, bound as Python binds them

const REQUIRED = Symbol("required");

type Params = readonly (readonly [string, unknown?])[];

function bind(fname: string, params: Params, args: unknown[], kwargs: Map<string, unknown>): unknown[] {
  if (args.length > params.length) {
    throw pyError("TypeError", `${fname}() takes ${params.length} argument(s) but ${args.length} were given`);
  }
  const values: unknown[] = params.map(([, d]) => (d === undefined ? REQUIRED : d));
  args.forEach((a, i) => {
    values[i] = a;
  });
  for (const [k, v] of kwargs) {
    const i = params.findIndex(([n]) => n === k);
    if (i < 0) throw pyError("TypeError", `${fname}() got an unexpected keyword argument '${k}'`);
    if (i < args.length) throw pyError("TypeError", `${fname}() got multiple values for argument '${k}'`);
    values[i] = v;
  }
  const missing = values.findIndex((v) => v === REQUIRED);
  if (missing >= 0) throw pyError("TypeError", `${fname}() missing required argument '${params[missing]?.[0]}'`);
  return values;
}

function intArg(fname: string, name: string, value: unknown): number {
  const v = plain(value);
  if (typeof v === "boolean" || isInt(v)) return numberOf(v);
  if (v instanceof Undefined) throw undefinedError(v);
  throw pyError("TypeError", `${fname}(): '${name}' must be an integer, not ${typeName(v)}`);
}

/** Python's soft_str: a str stays what it is (Markup stays Markup), anything else is str()'d. */
function softStr(value: unknown): PyStr {
  return isStr(value) ? value : str(value);
}

/** The result of a str method on `input`: Markup in, Markup out (markupsafe wraps its methods). */
function keepMarkup(input: unknown, out: string): string | TaggedStr {
  return isMarkup(input) ? new TaggedStr(out, true, false) : out;
}

function generator(items: unknown[]): PyIter {
  return new PyIter(items, "generator");
}

// -----------------------------------------------------------------------------------
// String helpers with Python's definitions

const SPACE_CLASS = `[${PY_SPACE}]`;
const LEADING_SPACE = new RegExp(`^${SPACE_CLASS}+`);
const TRAILING_SPACE = new RegExp(`${SPACE_CLASS}+$`);
const SPACE_RUN = new RegExp(`${SPACE_CLASS}+`);

function strip(s: string, chars: unknown, left: boolean, right: boolean): string {
  const c = plain(chars);
  if (c === null || c === undefined) {
    let out = s;
    if (left) out = out.replace(LEADING_SPACE, "");
    if (right) out = out.replace(TRAILING_SPACE, "");
    return out;
  }
  if (typeof c !== "string") throw pyError("TypeError", `strip arg must be None or str`);
  const set = new Set(codePoints(c));
  const cps = codePoints(s);
  let start = 0;
  let end = cps.length;
  if (left) while (start < end && set.has(cps[start] as string)) start++;
  if (right) while (end > start && set.has(cps[end - 1] as string)) end--;
  return cps.slice(start, end).join("");
}

function splitWhitespace(s: string, maxsplit: number, fromRight: boolean): string[] {
  const parts = s.split(new RegExp(SPACE_CLASS + "+")).filter((p) => p !== "");
  if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
  // Rebuild with at most maxsplit splits: the rest keeps its own spacing (minus the edge).
  if (!fromRight) {
    let rest = s.replace(LEADING_SPACE, "");
    const out: string[] = [];
    for (let i = 0; i < maxsplit; i++) {
      const m = SPACE_RUN.exec(rest);
      if (!m) break;
      out.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    }
    out.push(rest);
    return out;
  }
  let rest = s.replace(TRAILING_SPACE, "");
  const out: string[] = [];
  for (let i = 0; i < maxsplit; i++) {
    const m = new RegExp(`${SPACE_CLASS}+(?!.*${SPACE_CLASS})`, "s").exec(rest);
    if (!m) break;
    out.unshift(rest.slice(m.index + m[0].length));
    rest = rest.slice(0, m.index);
  }
  out.unshift(rest);
  return out;
}

function split(s: string, sep: unknown, maxsplit: number, fromRight = false): string[] {
  const p = plain(sep);
  if (p === null) return splitWhitespace(s, maxsplit, fromRight);
  if (typeof p !== "string") throw pyError("TypeError", `must be str or None, not ${typeName(p)}`);
  if (p === "") throw pyError("ValueError", "empty separator");
  const all = s.split(p);
  if (maxsplit < 0 || all.length <= maxsplit + 1) return all;
  return fromRight ? [all.slice(0, all.length - maxsplit).join(p), ...all.slice(all.length - maxsplit)] : [...all.slice(0, maxsplit), all.slice(maxsplit).join(p)];
}

// Python's str.splitlines() boundaries.
// eslint-disable-next-line no-control-regex
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/;

function splitlines(s: string, keepends: boolean): string[] {
  const out: string[] = [];
  let rest = s;
  for (let m = LINE_BREAK.exec(rest); m; m = LINE_BREAK.exec(rest)) {
    out.push(rest.slice(0, m.index + (keepends ? m[0].length : 0)));
    rest = rest.slice(m.index + m[0].length);
  }
  if (rest) out.push(rest);
  return out;
}

// A few characters whose title case is not their upper case (Python's capitalize and title use it).
const TITLE_CASE: Record<string, string> = {
  ß: "Ss", ǆ: "ǅ", ǅ: "ǅ", Ǆ: "ǅ", ǉ: "ǈ", ǈ: "ǈ", Ǉ: "ǈ", ǌ: "ǋ", ǋ: "ǋ", Ǌ: "ǋ", ǳ: "ǲ", ǲ: "ǲ", Ǳ: "ǲ",
  ﬀ: "Ff", ﬁ: "Fi", ﬂ: "Fl", ﬃ: "Ffi", ﬄ: "Ffl", ﬅ: "St", ﬆ: "St",
};

function titleChar(c: string): string {
  return TITLE_CASE[c] ?? c.toUpperCase();
}

function capitalize(s: string): string {
  const cps = codePoints(s);
  if (cps.length === 0) return s;
  return titleChar(cps[0] as string) + cps.slice(1).join("").toLowerCase();
}

// Python's str.title(): a cased character after an uncased one starts a word.
function pyTitle(s: string): string {
  let out = "";
  let previousCased = false;
  for (const c of codePoints(s)) {
    const cased = /[\p{Lu}\p{Ll}\p{Lt}]/u.test(c) || /\p{Lowercase}|\p{Uppercase}/u.test(c);
    out += cased ? (previousCased ? c.toLowerCase() : titleChar(c)) : c;
    previousCased = cased;
  }
  return out;
}

function isLower(s: string): boolean {
  return /\p{Lowercase}/u.test(s) && !/[\p{Uppercase}\p{Lt}]/u.test(s);
}

function isUpper(s: string): boolean {
  return /\p{Uppercase}/u.test(s) && !/[\p{Lowercase}\p{Lt}]/u.test(s);
}

function swapcase(s: string): string {
  return codePoints(s)
    .map((c) => (c.toLowerCase() !== c ? c.toLowerCase() : c.toUpperCase() !== c ? c.toUpperCase() : c))
    .join("");
}

function center(s: string, width: number, fill = " "): string {
  const n = strLength(s);
  if (width <= n) return s;
  const marg = width - n;
  const left = Math.floor(marg / 2) + (marg & width & 1);
  return fill.repeat(left) + s + fill.repeat(marg - left);
}

function replace(s: string, old: string, replacement: string, count: number): string {
  if (count === 0) return s;
  if (old === "") {
    const cps = codePoints(s);
    let out = "";
    let done = 0;
    for (let i = 0; i <= cps.length; i++) {
      if (count < 0 || done < count) {
        out += replacement;
        done++;
      }
      if (i < cps.length) out += cps[i];
    }
    return out;
  }
  if (count < 0) return s.split(old).join(replacement);
  const parts = s.split(old);
  return parts.slice(0, count + 1).join(replacement) + (parts.length > count + 1 ? old + parts.slice(count + 1).join(old) : "");
}

/** Python's float(str): surrounding whitespace, underscores between digits, inf and nan. */
export function parseFloat(text: string): number | undefined {
  const s = strip(text, null, true, true);
  if (/^[+-]?(inf|infinity|nan)$/i.test(s)) {
    const neg = s.startsWith("-");
    return /nan/i.test(s) ? NaN : neg ? -Infinity : Infinity;
  }
  if (!/^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/.test(s)) return undefined;
  return Number(s.replace(/_/g, ""));
}

// A short run of decimal digits, perhaps signed: what int is given almost always.
const SHORT_DECIMAL = /^[+-]?[0-9]{1,15}$/;

/** Python's int(str, base). */
function parseInt(text: string, base: number): number | undefined {
  // No RegExp built and no BigInt for the common case; `|| 0`: Python has no -0.
  if (base === 10 && SHORT_DECIMAL.test(text)) return Number(text) || 0;
  let s = strip(text, null, true, true);
  let sign = 1;
  if (s.startsWith("+") || s.startsWith("-")) {
    if (s.startsWith("-")) sign = -1;
    s = s.slice(1);
  }
  let b = base;
  const prefix = /^0([xob])/i.exec(s);
  if (prefix) {
    const p = (prefix[1] as string).toLowerCase();
    const pb = p === "x" ? 16 : p === "o" ? 8 : 2;
    if (b === 0 || b === pb) {
      b = pb;
      s = s.slice(2).replace(/^_/, "");
    }
  }
  if (b === 0) {
    b = 10;
    if (/^0+[1-9]/.test(s)) return undefined;
  }
  if (b < 2 || b > 36) throw pyError("ValueError", "int() base must be >= 2 and <= 36, or 0");
  const digits = "0123456789abcdefghijklmnopqrstuvwxyz".slice(0, b);
  if (!new RegExp(`^[${digits}](?:_?[${digits}])*$`, "i").test(s)) return undefined;
  const value = [...s.replace(/_/g, "").toLowerCase()].reduce((n, c) => n * BigInt(b) + BigInt(digits.indexOf(c)), 0n) * BigInt(sign);
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw refused(`int() of ${JSON.stringify(text)} is beyond ±2**53, which jobx does not compute exactly`);
  }
  return Number(value);
}

// -----------------------------------------------------------------------------------
// Lookups for filters: make_attrgetter

function attributeParts(attr: unknown): unknown[] {
  const a = plain(attr);
  if (a === null || a === undefined) return [];
  if (typeof a === "string") return a.split(".").map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  return [a];
}

function ignoreCase(value: unknown): unknown {
  const v = plain(value);
  return typeof v === "string" ? v.toLowerCase() : value;
}

function attrGetter(attr: unknown, postprocess?: (v: unknown) => unknown, fallback?: unknown): (item: unknown) => unknown {
  const parts = attributeParts(attr);
  return (value) => {
    let v = value;
    for (const part of parts) {
      v = getItem(v, part);
      if (fallback !== undefined && fallback !== null && v instanceof Undefined) v = fallback;
    }
    return postprocess ? postprocess(v) : v;
  };
}

function multiAttrGetter(attr: unknown, postprocess?: (v: unknown) => unknown): (item: unknown) => unknown[] {
  const a = plain(attr);
  const getters = (typeof a === "string" ? a.split(",") : [a]).map((p) => attrGetter(p, postprocess));
  return (value) => getters.map((g) => g(value));
}

/** Python's sorted(items, key=…, reverse=…): stable, and reverse keeps equal items in order. */
function sorted(items: unknown[], key: (v: unknown) => unknown, reverse: boolean): unknown[] {
  const keyed = items.map((item, i) => ({ item, key: key(item), i }));
  keyed.sort((a, b) => {
    const c = reverse ? compare(b.key, a.key) : compare(a.key, b.key);
    return c || a.i - b.i;
  });
  return keyed.map((k) => k.item);
}

function minOrMax(value: unknown, args: unknown[], kwargs: Map<string, unknown>, name: "min" | "max"): unknown {
  const [caseSensitive, attr] = bind(name, [["case_sensitive", false], ["attribute", null]], args, kwargs);
  const items = iterate(value);
  if (items.length === 0) return new Undefined(`the ${name} filter was given an empty sequence (No aggregated item, sequence was empty.)`);
  const key = attrGetter(attr, pyBool(caseSensitive) ? undefined : ignoreCase);
  let best = items[0];
  let bestKey = key(best);
  for (const item of items.slice(1)) {
    const k = key(item);
    if (name === "min" ? compare(k, bestKey, "<") < 0 : compare(k, bestKey, ">") > 0) {
      best = item;
      bestKey = k;
    }
  }
  return best;
}

// -----------------------------------------------------------------------------------
// Filters

function testFunction(name: unknown): TestFn {
  const n = str(name);
  const fn = TESTS.get(n);
  if (!fn) throw new TemplateRenderError(`no test named '${n}'${REFUSED_TESTS[n] ? `: ${REFUSED_TESTS[n]}` : ""}`);
  return fn;
}

function selectOrReject(value: unknown, args: unknown[], kwargs: Map<string, unknown>, root: RenderContext, keep: boolean, lookupAttr: boolean): PyIter {
  if (!pyBool(value)) return generator([]);
  let transform = (x: unknown) => x;
  let offset = 0;
  if (lookupAttr) {
    if (args.length === 0) throw pyError("FilterArgumentError", "Missing parameter for attribute name");
    transform = attrGetter(args[0]);
    offset = 1;
  }
  let test: (x: unknown) => boolean;
  if (args.length > offset) {
    const fn = testFunction(args[offset]);
    const rest = args.slice(offset + 1);
    test = (x) => {
      if (x instanceof Undefined && !["defined", "undefined"].includes(str(args[offset]))) throw undefinedError(x);
      return pyBool(fn(x, rest, kwargs, root));
    };
  } else test = pyBool;
  return generator(iterate(value).filter((item) => test(transform(item)) === keep));
}

function doMap(value: unknown, args: unknown[], kwargs: Map<string, unknown>, root: RenderContext): PyIter {
  if (!pyBool(value)) return generator([]);
  let fn: (item: unknown) => unknown;
  if (args.length === 0 && kwargs.has("attribute")) {
    const rest = new Map(kwargs);
    const attr = rest.get("attribute");
    const fallback = rest.get("default");
    rest.delete("attribute");
    rest.delete("default");
    if (rest.size) throw pyError("FilterArgumentError", `Unexpected keyword argument '${[...rest.keys()][0]}'`);
    fn = attrGetter(attr, undefined, fallback ?? null);
  } else {
    if (args.length === 0) throw pyError("FilterArgumentError", "map requires a filter argument");
    const name = str(args[0]);
    const filter = FILTERS.get(name);
    if (!filter) throw new TemplateRenderError(`no filter named '${name}'${REFUSED_FILTERS[name] ? `: ${REFUSED_FILTERS[name]}` : ""}`);
    const rest = args.slice(1);
    fn = (item) => {
      if (item instanceof Undefined && name !== "default" && name !== "d") throw undefinedError(item);
      return filter(item, rest, kwargs, root);
    };
  }
  return generator(iterate(value).map(fn));
}

function pformat(value: unknown): string {
  const sortedRepr = (v: unknown): string => {
    if (isDict(v)) {
      const items = sorted(dictItems(v), (x) => (x as [unknown, unknown])[0], false) as [unknown, unknown][];
      return `{${items.map(([k, x]) => `${repr(k)}: ${sortedRepr(x)}`).join(", ")}}`;
    }
    if (v instanceof PyTuple) return `(${v.map(sortedRepr).join(", ")}${v.length === 1 ? "," : ""})`;
    if (Array.isArray(v)) return `[${v.map(sortedRepr).join(", ")}]`;
    return repr(v);
  };
  const text = sortedRepr(value);
  if (strLength(text) > 80 || text.includes("\n")) {
    throw refused("pprint of a value whose repr is longer than 80 characters wraps it over lines as Python's pprint does, which jobx does not reproduce; use tojson(indent=2)");
  }
  return text;
}

function urlQuote(value: unknown, forQs: boolean): string {
  const text = str(value);
  const bytes = Buffer.from(text, "utf8");
  let out = "";
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9_.~-]/.test(c) || (!forQs && c === "/")) out += c;
    else out += `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return forQs ? out.replace(/%20/g, "+") : out;
}

const HTML_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

function striptags(value: unknown): string {
  let v = str(value);
  for (let start = v.indexOf("<!--"); start !== -1; start = v.indexOf("<!--")) {
    const end = v.indexOf("-->", start);
    if (end === -1) break;
    v = v.slice(0, start) + v.slice(end + 3);
  }
  for (let start = v.indexOf("<"); start !== -1; start = v.indexOf("<")) {
    const end = v.indexOf(">", start);
    if (end === -1) break;
    v = v.slice(0, start) + v.slice(end + 1);
  }
  v = v.split(new RegExp(SPACE_CLASS + "+")).filter(Boolean).join(" ");
  return v.replace(/&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)/g, (whole, body: string) => {
    if (body.startsWith("#")) {
      const hex = /^#[xX]/.test(body);
      const code = Number.parseInt(body.slice(hex ? 2 : 1).replace(";", ""), hex ? 16 : 10);
      if (code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code < 0xe000) && !(code >= 0x80 && code < 0xa0)) return String.fromCodePoint(code);
      throw refused(`striptags found the character reference ${whole}, which Python decodes by HTML5 rules jobx does not have`);
    }
    const name = body.replace(/;$/, "");
    const known = HTML_ENTITIES[name];
    if (known !== undefined && body.endsWith(";")) return known;
    throw refused(`striptags found the HTML entity ${whole}, which jobx does not decode (only &amp; &lt; &gt; &quot; &apos; &nbsp; and numeric ones)`);
  });
}

function numberValue(fname: string, value: unknown): number {
  const v = plain(value);
  if (isNumber(v)) return numberOf(v);
  throw pyError("TypeError", `${fname}: must be real number, not ${typeName(v)}`);
}

function doRound(value: unknown, args: unknown[], kwargs: Map<string, unknown>): unknown {
  const [precision, method] = bind("round", [["precision", 0], ["method", "common"]], args, kwargs);
  const m = str(method);
  if (!["common", "ceil", "floor"].includes(m)) throw pyError("FilterArgumentError", "method must be common, ceil or floor");
  const p = intArg("round", "precision", precision);
  const v = plain(value);
  if (m === "common") {
    if (typeof v === "boolean" || isInt(v)) {
      if (p >= 0) return numberOf(v);
      const unit = 10 ** -p;
      const x = numberOf(v);
      const q = Math.floor(x / unit);
      const r = x - q * unit;
      const rounded = r * 2 > unit || (r * 2 === unit && q % 2 !== 0) ? q + 1 : q;
      return rounded * unit;
    }
    return float(roundFloat(numberValue("round", v), p));
  }
  const x = numberValue("round", v) * 10 ** p;
  // math.ceil and math.floor give a Python int, which has no negative zero.
  const y = (m === "ceil" ? Math.ceil(x) : Math.floor(x)) || 0;
  return float(y / 10 ** p);
}

function filesizeformat(value: unknown, args: unknown[], kwargs: Map<string, unknown>): string {
  const [binary] = bind("filesizeformat", [["binary", false]], args, kwargs);
  const v = plain(value);
  const bytes = typeof v === "string" ? parseFloat(v) : isNumber(v) ? numberOf(v) : undefined;
  if (bytes === undefined) throw pyError(typeof v === "string" ? "ValueError" : "TypeError", `could not convert ${typeName(v)} to float: ${repr(v)}`);
  const base = pyBool(binary) ? 1024 : 1000;
  const prefixes = pyBool(binary) ? ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"] : ["kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
  if (bytes === 1) return "1 Byte";
  if (bytes < base) return `${Math.trunc(bytes)} Bytes`;
  let unit = 0;
  let prefix = "";
  for (const [i, p] of prefixes.entries()) {
    unit = base ** (i + 2);
    prefix = p;
    if (bytes < unit) break;
  }
  const { negative, text } = fixedDigits((base * bytes) / unit, 1);
  return `${negative ? "-" : ""}${text} ${prefix}`;
}

function doInt(value: unknown, args: unknown[], kwargs: Map<string, unknown>): unknown {
  const [fallback, base] = bind("int", [["default", 0], ["base", 10]], args, kwargs);
  const v = plain(value);
  if (typeof v === "string") {
    const b = intArg("int", "base", base);
    const n = parseInt(v, b);
    if (n !== undefined) return n;
    const f = parseFloat(v);
    if (f === undefined || !Number.isFinite(f)) return fallback;
    return Math.trunc(f) || 0;
  }
  if (typeof v === "boolean") return v ? 1 : 0;
  if (isNumber(v)) {
    const x = numberOf(v);
    if (Number.isNaN(x) || !Number.isFinite(x)) return fallback;
    const t = Math.trunc(x) || 0;
    if (!Number.isSafeInteger(t)) throw refused("int() of this float is beyond ±2**53, which jobx does not compute exactly");
    return t;
  }
  return fallback;
}

function doFloat(value: unknown, args: unknown[], kwargs: Map<string, unknown>): unknown {
  const [fallback] = bind("float", [["default", float(0)]], args, kwargs);
  const v = plain(value);
  if (typeof v === "string") {
    const f = parseFloat(v);
    return f === undefined ? fallback : float(f);
  }
  if (isNumber(v)) return float(numberOf(v));
  return fallback;
}

function doSum(value: unknown, args: unknown[], kwargs: Map<string, unknown>): unknown {
  const [attr, start] = bind("sum", [["attribute", null], ["start", 0]], args, kwargs);
  if (isStr(start)) throw pyError("TypeError", "sum() can't sum strings [use ''.join(seq) instead]");
  let items = iterate(value);
  if (plain(attr) !== null) items = items.map(attrGetter(attr));
  return items.reduce((acc: unknown, x) => add(acc, x), start);
}

function doJoin(value: unknown, args: unknown[], kwargs: Map<string, unknown>): string {
  const [d, attr] = bind("join", [["d", ""], ["attribute", null]], args, kwargs);
  let items = iterate(value);
  if (plain(attr) !== null) items = items.map(attrGetter(attr));
  return items.map(str).join(str(d));
}

function doReverse(value: unknown): unknown {
  if (isStr(value)) return keepMarkup(value, codePoints(strOf(value)).reverse().join(""));
  if (Array.isArray(value)) return new PyIter([...value].reverse(), value instanceof PyTuple ? "reversed" : "list_reverseiterator");
  if (isDict(value)) return new PyIter(dictKeys(value).reverse(), "dict_reversekeyiterator");
  if (value instanceof PyRange) return new PyIter(value.items().reverse(), "range_iterator");
  // Not reversible (a generator): Jinja2 makes a list and reverses it.
  return owned([...iterate(value)].reverse());
}

function doGroupby(value: unknown, args: unknown[], kwargs: Map<string, unknown>): unknown[] {
  const [attr, fallback, caseSensitive] = bind("groupby", [["attribute"], ["default", null], ["case_sensitive", false]], args, kwargs);
  const key = attrGetter(attr, pyBool(caseSensitive) ? undefined : ignoreCase, fallback);
  const items = sorted(iterate(value), key, false);
  const groups: GroupTuple[] = [];
  let current: { key: unknown; items: unknown[] } | undefined;
  for (const item of items) {
    const k = key(item);
    if (current && eq(current.key, k)) current.items.push(item);
    else {
      if (current) groups.push(groupTuple(current.key, current.items));
      current = { key: k, items: [item] };
    }
  }
  if (current) groups.push(groupTuple(current.key, current.items));
  if (!pyBool(caseSensitive)) {
    const output = attrGetter(attr, undefined, fallback);
    return owned(groups.map((g) => groupTuple(output((g[1] as unknown[])[0]), g[1] as unknown[])));
  }
  return owned(groups);
}

function groupTuple(key: unknown, items: unknown[]): GroupTuple {
  const g = new GroupTuple();
  g.push(key, owned(items));
  return g;
}

function doSlice(value: unknown, args: unknown[], kwargs: Map<string, unknown>): PyIter {
  const [slices, fillWith] = bind("slice", [["slices"], ["fill_with", null]], args, kwargs);
  const n = intArg("slice", "slices", slices);
  const seq = iterate(value);
  const perSlice = Math.floor(seq.length / n);
  const withExtra = seq.length % n;
  let offset = 0;
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const start = offset + i * perSlice;
    if (i < withExtra) offset += 1;
    const end = offset + (i + 1) * perSlice;
    const part = owned(seq.slice(start, end));
    if (fillWith !== null && i >= withExtra) part.push(fillWith);
    out.push(part);
  }
  return generator(out);
}

function doBatch(value: unknown, args: unknown[], kwargs: Map<string, unknown>): PyIter {
  const [linecount, fillWith] = bind("batch", [["linecount"], ["fill_with", null]], args, kwargs);
  const n = intArg("batch", "linecount", linecount);
  const out: unknown[] = [];
  let tmp: unknown[] = [];
  for (const item of iterate(value)) {
    if (tmp.length === n) {
      out.push(owned(tmp));
      tmp = [];
    }
    tmp.push(item);
  }
  if (tmp.length) {
    if (fillWith !== null && tmp.length < n) while (tmp.length < n) tmp.push(fillWith);
    out.push(owned(tmp));
  }
  return generator(out);
}

function doUnique(value: unknown, args: unknown[], kwargs: Map<string, unknown>): PyIter {
  const [caseSensitive, attr] = bind("unique", [["case_sensitive", false], ["attribute", null]], args, kwargs);
  const key = attrGetter(attr, pyBool(caseSensitive) ? undefined : ignoreCase);
  const seen = new Set<unknown>();
  const out: unknown[] = [];
  for (const item of iterate(value)) {
    const h = hashKey(key(item));
    if (!seen.has(h)) {
      seen.add(h);
      out.push(item);
    }
  }
  return generator(out);
}

function doTruncate(value: unknown, args: unknown[], kwargs: Map<string, unknown>): unknown {
  const [length, killwords, end, leeway] = bind("truncate", [["length", 255], ["killwords", false], ["end", "..."], ["leeway", null]], args, kwargs);
  const max = intArg("truncate", "length", length);
  const lee = leeway === null ? 5 : intArg("truncate", "leeway", leeway);
  const tail = str(end);
  const tailLength = strLength(tail);
  if (max < tailLength) throw pyError("AssertionError", `expected length >= ${tailLength}, got ${max}`);
  if (lee < 0) throw pyError("AssertionError", `expected leeway >= 0, got ${lee}`);
  if (!isStr(value)) {
    // Jinja2 measures and slices whatever it is given: a short list comes back as it is.
    if (len(value) <= max + lee) return value;
    throw pyError("TypeError", `can only concatenate ${typeName(value)} (not "str") to ${typeName(value)}`);
  }
  const s = strOf(value);
  const cps = codePoints(s);
  if (cps.length <= max + lee) return value;
  const escapedTail = isMarkup(value) ? escapeHtml(tail) : tail;
  const head = cps.slice(0, max - tailLength).join("");
  if (pyBool(killwords)) return keepMarkup(value, head + escapedTail);
  const space = head.lastIndexOf(" ");
  return keepMarkup(value, (space >= 0 ? head.slice(0, space) : head) + escapedTail);
}

function doWordwrap(value: unknown, args: unknown[], kwargs: Map<string, unknown>): string {
  const [width, breakLong, wrapstring, breakHyphens] = bind(
    "wordwrap",
    [["width", 79], ["break_long_words", true], ["wrapstring", null], ["break_on_hyphens", true]],
    args,
    kwargs,
  );
  const sep = wrapstring === null ? "\n" : str(wrapstring);
  const w = intArg("wordwrap", "width", width);
  if (!isStr(value)) throw pyError("AttributeError", `'${typeName(value)}' object has no attribute 'splitlines'`);
  return splitlines(strOf(value), false)
    .map((line) => wrap(line, w, pyBool(breakLong), plain(breakHyphens) === true).join(sep))
    .join(sep);
}

function doXmlattr(value: unknown, args: unknown[], kwargs: Map<string, unknown>): string {
  const [autospace] = bind("xmlattr", [["autospace", true]], args, kwargs);
  if (!isDict(value)) throw pyError("AttributeError", `'${typeName(value)}' object has no attribute 'items'`);
  const items: string[] = [];
  for (const [k, v] of dictItems(value)) {
    if (v === null || v instanceof Undefined) continue;
    const key = str(k);
    if (/[\s/>=]/.test(key.replace(/[^\t\n\v\f\r ]/g, "a"))) throw pyError("ValueError", `Invalid character in attribute name: ${repr(key)}`);
    items.push(`${escape(key).s}="${escape(v).s}"`);
  }
  const rv = items.join(" ");
  return pyBool(autospace) && rv ? ` ${rv}` : rv;
}

function doDictsort(value: unknown, args: unknown[], kwargs: Map<string, unknown>): unknown[] {
  const [caseSensitive, by, reverse] = bind("dictsort", [["case_sensitive", false], ["by", "key"], ["reverse", false]], args, kwargs);
  const b = str(by);
  if (b !== "key" && b !== "value") throw pyError("FilterArgumentError", 'You can only sort by either "key" or "value"');
  if (!isDict(value)) throw pyError("AttributeError", `'${typeName(value)}' object has no attribute 'items'`);
  const pos = b === "key" ? 0 : 1;
  const items = dictItems(value).map((kv) => tuple(kv));
  return owned(sorted(items, (x) => (pyBool(caseSensitive) ? (x as PyTuple)[pos] : ignoreCase((x as PyTuple)[pos])), pyBool(reverse)));
}

function doFormat(value: unknown, args: unknown[], kwargs: Map<string, unknown>): unknown {
  if (args.length && kwargs.size) throw pyError("FilterArgumentError", "can't handle positional and keyword arguments at the same time");
  const s = softStr(value);
  return mod(s, kwargs.size ? newDict(kwargs) : tuple(args));
}

/** The filters, by name: Jinja2's (FILTERS in jinja2/filters.py) and jobx's. */
export const FILTERS = new Map<string, Filter>([
  ["abs", (v) => {
    const x = plain(v);
    if (typeof x === "boolean" || isInt(x)) return Math.abs(numberOf(x));
    if (isNumber(x)) return float(Math.abs(numberOf(x)));
    throw pyError("TypeError", `bad operand type for abs(): '${typeName(x)}'`);
  }],
  ["attr", (v, a, k) => {
    const [name] = bind("attr", [["name"]], a, k);
    const found = attributeOnly(v, str(name));
    return found === MISSING ? new Undefined(`${describe(v)} has no attribute '${str(name)}'`) : found;
  }],
  ["batch", doBatch],
  ["capitalize", (v, a, k) => (bind("capitalize", [], a, k), keepMarkup(v, capitalize(strOf(softStr(v)))))],
  ["center", (v, a, k) => {
    const [width] = bind("center", [["width", 80]], a, k);
    return keepMarkup(v, center(strOf(softStr(v)), intArg("center", "width", width)));
  }],
  ["count", (v) => len(v)],
  ["default", (v, a, k) => {
    const [fallback, boolean] = bind("default", [["default_value", ""], ["boolean", false]], a, k);
    return v instanceof Undefined || (pyBool(boolean) && !pyBool(v)) ? fallback : v;
  }],
  ["dictsort", doDictsort],
  ["escape", (v) => escape(v)],
  ["filesizeformat", filesizeformat],
  ["first", (v) => {
    const items = iterate(v);
    return items.length ? items[0] : new Undefined("the first filter was given an empty sequence (No first item, sequence was empty.)");
  }],
  ["float", doFloat],
  ["forceescape", (v) => new TaggedStr(escapeHtml(str(v)), true, false)],
  ["format", doFormat],
  ["groupby", doGroupby],
  ["indent", (v, a, k) => {
    const [width, first, blank] = bind("indent", [["width", 4], ["first", false], ["blank", false]], a, k);
    return indentValue(v, width, pyBool(first), pyBool(blank));
  }],
  ["int", doInt],
  ["items", (v) => {
    if (!isDict(v)) throw pyError("TypeError", "Can only get item pairs from a mapping.");
    return new PyIter(dictItems(v).map((kv) => tuple(kv)), "generator");
  }],
  ["join", doJoin],
  ["last", (v) => {
    if (v instanceof PyIter) throw pyError("TypeError", `'${v.typeName}' object is not reversible`);
    const items = iterate(v);
    return items.length ? items[items.length - 1] : new Undefined("the last filter was given an empty sequence (No last item, sequence was empty.)");
  }],
  ["length", (v) => len(v)],
  ["list", (v) => owned([...iterate(v)])],
  ["lower", (v, a, k) => (bind("lower", [], a, k), keepMarkup(v, strOf(softStr(v)).toLowerCase()))],
  ["map", doMap],
  ["max", (v, a, k) => minOrMax(v, a, k, "max")],
  ["min", (v, a, k) => minOrMax(v, a, k, "min")],
  ["pprint", (v) => pformat(v)],
  ["reject", (v, a, k, r) => selectOrReject(v, a, k, r, false, false)],
  ["rejectattr", (v, a, k, r) => selectOrReject(v, a, k, r, false, true)],
  ["replace", (v, a, k) => {
    const [old, replacement, count] = bind("replace", [["old"], ["new"], ["count", null]], a, k);
    return replace(str(v), str(old), str(replacement), count === null ? -1 : intArg("replace", "count", count));
  }],
  ["reverse", (v) => doReverse(v)],
  ["round", doRound],
  ["safe", (v) => new TaggedStr(str(v), true, false)],
  ["select", (v, a, k, r) => selectOrReject(v, a, k, r, true, false)],
  ["selectattr", (v, a, k, r) => selectOrReject(v, a, k, r, true, true)],
  ["slice", doSlice],
  ["sort", (v, a, k) => {
    const [reverse, caseSensitive, attr] = bind("sort", [["reverse", false], ["case_sensitive", false], ["attribute", null]], a, k);
    const key = multiAttrGetter(attr, pyBool(caseSensitive) ? undefined : ignoreCase);
    return owned(sorted(iterate(v), (x) => owned(key(x)), pyBool(reverse)));
  }],
  ["string", (v) => (isMarkup(v) ? v : v instanceof TaggedStr ? v.s : softStr(v))],
  ["striptags", (v) => striptags(v)],
  ["sum", doSum],
  ["title", (v) => {
    const s = strOf(softStr(v));
    return s
      .split(new RegExp(`([-${PY_SPACE}({\\[<]+)`))
      .filter((item) => item)
      .map((item) => {
        const cps = codePoints(item);
        return (cps[0] as string).toUpperCase() + cps.slice(1).join("").toLowerCase();
      })
      .join("");
  }],
  ["tojson", (v, a, k) => {
    const indent = a.length === 0 && k.size === 0 ? null : bind("tojson", [["indent", null]], a, k)[0];
    return new TaggedStr(tojsonText(toPlain(v, true), plain(indent)), true, true);
  }],
  ["trim", (v, a, k) => {
    const [chars] = bind("trim", [["chars", null]], a, k);
    if (v instanceof MarkedText && plain(chars) === null) return trimMarked(v);
    return keepMarkup(v, strip(strOf(softStr(v)), chars, true, true));
  }],
  ["truncate", doTruncate],
  ["unique", doUnique],
  ["upper", (v, a, k) => (bind("upper", [], a, k), keepMarkup(v, strOf(softStr(v)).toUpperCase()))],
  ["urlencode", (v) => {
    const p = plain(v);
    if (typeof p === "string" || !(Array.isArray(p) || isDict(p) || p instanceof PyIter || p instanceof DictView || p instanceof PyRange)) return urlQuote(p, false);
    const items = isDict(p)
      ? dictItems(p)
      : iterate(p).map((pair) => {
          const kv = iterate(pair);
          if (kv.length !== 2) throw pyError("ValueError", kv.length < 2 ? `not enough values to unpack (expected 2, got ${kv.length})` : "too many values to unpack (expected 2)");
          return kv as [unknown, unknown];
        });
    return items.map(([k, x]) => `${urlQuote(k, true)}=${urlQuote(x, true)}`).join("&");
  }],
  ["wordcount", (v) => (strOf(softStr(v)).match(/[\p{L}\p{N}_]+/gu) ?? []).length],
  ["wordwrap", doWordwrap],
  ["xmlattr", doXmlattr],
  // jobx's filters for Kubernetes manifests
  ["quote", (v) => new TaggedStr(quote(isFloat(plain(v)) ? str(v) : toPlain(v)), false, true)],
  ["toyaml", (v) => new TaggedStr(toyaml(toPlain(v)), false, true)],
  ["b64encode", (v) => b64encode(str(v))],
  ["b64decode", (v) => b64decode(str(v))],
  ["dnslabel", (v, a, k) => {
    const [max] = bind("dnslabel", [["max", 63]], a, k);
    return dnslabel(str(v), { __keywords: true, max: intArg("dnslabel", "max", max) });
  }],
]);
FILTERS.set("d", FILTERS.get("default") as Filter);
FILTERS.set("e", FILTERS.get("escape") as Filter);

/** Jinja2 filters jobx does not render, and what to write instead. */
export const REFUSED_FILTERS: Record<string, string> = {
  random: "a jobx expansion is reproducible (the same inputs give the same Jobs and group); pick the value as a parameter instead",
  urlize: "it writes HTML links, which have no place in a manifest; write the URL as it is",
};

/** jobx's filters, which Jinja2 does not have (so `'quote' is filter` differs from Jinja2). */
export const JOBX_ONLY_FILTERS = ["quote", "toyaml", "b64encode", "b64decode", "dnslabel"];

/** A value as plain JavaScript data for the jobx filters written against it (tojson, quote, toyaml). */
export function toPlain(value: unknown, keepFloats = false): unknown {
  if (typeof value === "string") return value;
  const v = plain(value);
  if (v instanceof PyFloat) return keepFloats ? v : v.v;
  if (v instanceof Undefined) throw undefinedError(v);
  if (Array.isArray(v)) return v.map((x) => toPlain(x, keepFloats));
  if (v instanceof PyDict) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of v.entries.values()) {
      const key = plain(k);
      if (typeof key !== "string") throw refused(`a dict with the key ${repr(key)} cannot be written as JSON or YAML by jobx: use string keys`);
      out[key] = toPlain(x, keepFloats);
    }
    return out;
  }
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toPlain(x, keepFloats);
    return out;
  }
  if (typeof v === "object" && v !== null) throw pyError("TypeError", `Object of type ${typeName(v)} is not JSON serializable`);
  return v;
}

/** indent, aware of traced captures: a value's own lines are indented with it, and it stays traced. */
function indentValue(value: unknown, width: unknown, first: boolean, blank: boolean): unknown {
  if (!isStr(value)) throw pyError("TypeError", `unsupported operand type(s) for +=: '${typeName(value)}' and 'str'`);
  const w = plain(width);
  const pad = typeof w === "string" ? w : " ".repeat(Math.max(0, intArg("indent", "width", w)));
  if (value instanceof MarkedText) return indentMarked(value, pad, first, blank);
  const text = indentText(str(value), pad, first, blank);
  if (value instanceof TaggedStr) return new TaggedStr(text, value.markup, value.yaml);
  return text;
}

/** Splits a traced capture into literal text and values, to edit them and join them again. */
function pieces(text: MarkedText): { text: string; value?: number }[] {
  const out: { text: string; value?: number }[] = [];
  let last = 0;
  for (const m of text.marked.matchAll(MARK)) {
    out.push({ text: text.marked.slice(last, m.index) });
    out.push({ text: text.values[Number(m[1])] as string, value: Number(m[1]) });
    last = m.index + m[0].length;
  }
  out.push({ text: text.marked.slice(last) });
  return out;
}

function joinPieces(parts: { text: string; value?: number }[], source: MarkedText): MarkedText {
  let marked = "";
  const values: string[] = [];
  const safe: boolean[] = [];
  for (const p of parts) {
    if (p.value === undefined) marked += p.text;
    else if (p.text !== "") {
      safe.push(source.safe[p.value] as boolean);
      marked += `${MARK_OPEN}${values.push(p.text) - 1}${MARK_CLOSE}`;
    }
  }
  return new MarkedText(marked, values, safe);
}

/** indent over a capture: the pad of each line goes to the piece its first character is in. */
function indentMarked(text: MarkedText, pad: string, first: boolean, blank: boolean): unknown {
  const parts = pieces(text);
  const whole = parts.map((p) => p.text).join("");
  const PAD = "\uE002";
  if (whole.includes(PAD)) return indentText(whole, pad, first, blank);
  const result = indentText(whole, PAD, first, blank);
  // Which piece each character of the whole text is in.
  const owner: number[] = [];
  parts.forEach((p, n) => {
    for (let i = 0; i < p.text.length; i++) owner.push(n);
  });
  const out = parts.map((p) => ({ text: "", value: p.value }));
  let o = 0;
  let pads = 0;
  for (const c of result) {
    if (c === PAD) {
      pads++;
      continue;
    }
    const n = owner[o] ?? parts.length - 1;
    (out[n] as { text: string }).text += pad.repeat(pads) + c;
    pads = 0;
    // Python's splitlines joins every line break as "\n"; "\r\n" was two characters.
    o += c === "\n" && whole.startsWith("\r\n", o) ? 2 : c.length;
  }
  if (pads) (out[out.length - 1] as { text: string }).text += pad.repeat(pads);
  return joinPieces(out, text);
}

function trimMarked(text: MarkedText): MarkedText {
  const parts = pieces(text).map((p) => ({ ...p }));
  for (const p of parts) {
    p.text = p.text.replace(LEADING_SPACE, "");
    if (p.text !== "") break;
  }
  for (const p of [...parts].reverse()) {
    p.text = p.text.replace(TRAILING_SPACE, "");
    if (p.text !== "") break;
  }
  return joinPieces(parts, text);
}

// -----------------------------------------------------------------------------------
// Tests

export type TestFn = (value: unknown, args: unknown[], kwargs: Map<string, unknown>, root: RenderContext) => boolean;

function one(name: string, fn: (value: unknown, other: unknown) => boolean): TestFn {
  return (v, a, k) => {
    const [other] = bind(name, [["other"]], a, k);
    return fn(v, other);
  };
}

/** `value in env.filters`: a str is looked up; an unhashable value is Python's TypeError. */
function isKnownName(value: unknown, known: (name: string) => boolean): boolean {
  const unhashable = (v: unknown): boolean => isList(v) || isDict(v) || (isTuple(v) && v.some(unhashable));
  if (unhashable(plain(value))) throw pyError("TypeError", `unhashable type: '${typeName(value)}'`);
  return isStr(value) && known(strOf(value));
}

const lt = (a: unknown, b: unknown) => compare(a, b, "<") < 0;
const le = (a: unknown, b: unknown) => compare(a, b, "<=") <= 0;
const gt = (a: unknown, b: unknown) => compare(a, b, ">") > 0;
const ge = (a: unknown, b: unknown) => compare(a, b, ">=") >= 0;

export const TESTS: Map<string, TestFn> = new Map<string, TestFn>([
  ["odd", (v) => eq(mod(v, 2), 1)],
  ["even", (v) => eq(mod(v, 2), 0)],
  ["divisibleby", one("divisibleby", (v, n) => eq(mod(v, n), 0))],
  ["defined", (v) => !(v instanceof Undefined)],
  ["undefined", (v) => v instanceof Undefined],
  ["filter", (v) => isKnownName(v, (n) => FILTERS.has(n) || Object.hasOwn(REFUSED_FILTERS, n))],
  ["test", (v) => isKnownName(v, (n) => TESTS.has(n) || Object.hasOwn(REFUSED_TESTS, n))],
  ["none", (v) => v === null],
  ["boolean", (v) => typeof v === "boolean"],
  ["false", (v) => v === false],
  ["true", (v) => v === true],
  ["integer", (v) => isInt(v)],
  ["float", (v) => isFloat(v)],
  ["lower", (v) => isLower(str(v))],
  ["upper", (v) => isUpper(str(v))],
  ["string", (v) => isStr(v)],
  ["mapping", (v) => isDict(v)],
  ["number", (v) => isNumber(v)],
  ["sequence", (v) => isStr(v) || Array.isArray(v) || isDict(v) || v instanceof PyRange],
  ["iterable", (v) => isStr(v) || Array.isArray(v) || isDict(v) || v instanceof PyRange || v instanceof PyIter || v instanceof DictView],
  ["callable", (v) => isCallable(v)],
  ["sameas", one("sameas", (v, other) => {
    if (other === null || typeof other === "boolean" || v === null || typeof v === "boolean") return v === other;
    throw refused("sameas compares Python object identity, which only None, True and False have reliably; compare with == instead");
  })],
  ["escaped", (v) => isMarkup(v)],
  ["in", one("in", (v, seq) => contains(seq, v))],
  ["==", one("==", eq)],
  ["eq", one("eq", eq)],
  ["equalto", one("equalto", eq)],
  ["!=", one("!=", (a, b) => !eq(a, b))],
  ["ne", one("ne", (a, b) => !eq(a, b))],
  [">", one(">", gt)],
  ["gt", one("gt", gt)],
  ["greaterthan", one("greaterthan", gt)],
  ["ge", one("ge", ge)],
  [">=", one(">=", ge)],
  ["<", one("<", lt)],
  ["lt", one("lt", lt)],
  ["lessthan", one("lessthan", lt)],
  ["<=", one("<=", le)],
  ["le", one("le", le)],
]);

export const REFUSED_TESTS: Record<string, string> = {};

// -----------------------------------------------------------------------------------
// Globals: range, dict, namespace, cycler, joiner (lipsum is refused)

class Cycler {
  pos = 0;
  constructor(readonly items: unknown[]) {}
}

class Joiner implements Callable {
  readonly callableName = "joiner";
  used = false;
  constructor(readonly sep: unknown) {}
  call(): unknown {
    if (!this.used) {
      this.used = true;
      return "";
    }
    return this.sep;
  }
}

function toDict(args: unknown[], kwargs: Map<string, unknown>, name: string): PyDict {
  if (args.length > 1) throw pyError("TypeError", `${name} expected at most 1 argument, got ${args.length}`);
  const d = newDict();
  if (args.length === 1) {
    const source = args[0];
    if (isDict(source)) for (const [k, v] of dictItems(source)) dictSet(d, k, v);
    else for (const pair of iterate(source)) {
      const kv = iterate(pair);
      if (kv.length !== 2) throw pyError("ValueError", `dictionary update sequence element has length ${kv.length}; 2 is required`);
      dictSet(d, kv[0], kv[1]);
    }
  }
  for (const [k, v] of kwargs) dictSet(d, k, v);
  return d;
}

export const GLOBALS = new Map<string, unknown>([
  ["range", callable("range", (args, kwargs) => {
    if (kwargs.size) throw pyError("TypeError", "range() takes no keyword arguments");
    const ints = args.map((a) => {
      const v = plain(a);
      if (typeof v === "boolean" || isInt(v)) return numberOf(v);
      if (v instanceof Undefined) throw undefinedError(v);
      throw pyError("TypeError", `'${typeName(v)}' object cannot be interpreted as an integer`);
    });
    if (ints.length === 0 || ints.length > 3) throw pyError("TypeError", `range expected at most 3 arguments, got ${ints.length}`);
    const [start, stop, step] = ints.length === 1 ? [0, ints[0] as number, 1] : [ints[0] as number, ints[1] as number, ints[2] ?? 1];
    if (step === 0) throw pyError("ValueError", "range() arg 3 must not be zero");
    return new PyRange(start, stop, step);
  })],
  ["dict", callable("dict", (args, kwargs) => toDict(args, kwargs, "dict"))],
  ["namespace", callable("namespace", (args, kwargs) => {
    const ns = new Namespace();
    for (const [k, v] of dictItems(toDict(args, kwargs, "namespace"))) dictSet(ns.attrs, k, v);
    return ns;
  })],
  ["cycler", callable("cycler", (args) => {
    if (args.length === 0) throw pyError("RuntimeError", "at least one item has to be provided");
    return new Cycler(args);
  })],
  ["joiner", callable("joiner", (args, kwargs) => new Joiner(bind("joiner", [["sep", ", "]], args, kwargs)[0]))],
  ["lipsum", callable("lipsum", () => {
    throw refused("lipsum() writes random text, and a jobx expansion is reproducible; write the text you want");
  })],
]);

// -----------------------------------------------------------------------------------
// Methods of str, dict, list and tuple

type Method = (self: unknown, args: unknown[], kwargs: Map<string, unknown>) => unknown;

function strMethod(fn: (s: string, args: unknown[], kwargs: Map<string, unknown>, self: PyStr) => unknown): Method {
  return (self, args, kwargs) => fn(strOf(self as PyStr), args, kwargs, self as PyStr);
}

function findIndex(name: string, s: string, args: unknown[], kwargs: Map<string, unknown>, fromRight: boolean): number {
  const [sub, start, end] = bind(name, [["sub"], ["start", null], ["end", null]], args, kwargs);
  const cps = codePoints(s);
  const norm = (v: unknown, d: number) => {
    if (v === null) return d;
    let i = intArg(name, "start", v);
    if (i < 0) i = Math.max(0, i + cps.length);
    return Math.min(i, cps.length);
  };
  const from = norm(start, 0);
  const to = norm(end, cps.length);
  const hay = cps.slice(from, to).join("");
  const needle = str(sub);
  if (to - from < strLength(needle)) return -1;
  const i = fromRight ? hay.lastIndexOf(needle) : hay.indexOf(needle);
  return i < 0 ? -1 : from + codePoints(hay.slice(0, i)).length;
}

const STR_METHODS: Record<string, Method> = {
  upper: strMethod((s, a, k, self) => (bind("upper", [], a, k), keepMarkup(self, s.toUpperCase()))),
  lower: strMethod((s, a, k, self) => (bind("lower", [], a, k), keepMarkup(self, s.toLowerCase()))),
  casefold: strMethod((s) => s.toLowerCase().replace(/ß/g, "ss")),
  capitalize: strMethod((s, _a, _k, self) => keepMarkup(self, capitalize(s))),
  title: strMethod((s, _a, _k, self) => keepMarkup(self, pyTitle(s))),
  swapcase: strMethod((s, _a, _k, self) => keepMarkup(self, swapcase(s))),
  strip: strMethod((s, a, k, self) => keepMarkup(self, strip(s, bind("strip", [["chars", null]], a, k)[0], true, true))),
  lstrip: strMethod((s, a, k, self) => keepMarkup(self, strip(s, bind("lstrip", [["chars", null]], a, k)[0], true, false))),
  rstrip: strMethod((s, a, k, self) => keepMarkup(self, strip(s, bind("rstrip", [["chars", null]], a, k)[0], false, true))),
  split: strMethod((s, a, k) => {
    const [sep, maxsplit] = bind("split", [["sep", null], ["maxsplit", -1]], a, k);
    return owned(split(s, sep, intArg("split", "maxsplit", maxsplit)));
  }),
  rsplit: strMethod((s, a, k) => {
    const [sep, maxsplit] = bind("rsplit", [["sep", null], ["maxsplit", -1]], a, k);
    return owned(split(s, sep, intArg("rsplit", "maxsplit", maxsplit), true));
  }),
  splitlines: strMethod((s, a, k) => owned(splitlines(s, pyBool(bind("splitlines", [["keepends", false]], a, k)[0])))),
  join: strMethod((s, a, k) => {
    const [items] = bind("join", [["iterable"]], a, k);
    return iterate(items)
      .map((x) => {
        if (!isStr(x)) throw pyError("TypeError", `sequence item: expected str instance, ${typeName(x)} found`);
        return strOf(x);
      })
      .join(s);
  }),
  replace: strMethod((s, a, k) => {
    const [old, replacement, count] = bind("replace", [["old"], ["new"], ["count", -1]], a, k);
    if (!isStr(old) || !isStr(replacement)) throw pyError("TypeError", "replace() argument must be str");
    return replace(s, strOf(old), strOf(replacement), intArg("replace", "count", count));
  }),
  startswith: strMethod((s, a, k) => {
    const [prefix] = bind("startswith", [["prefix"]], a, k);
    const p = plain(prefix);
    return p instanceof PyTuple ? p.some((x) => s.startsWith(str(x))) : s.startsWith(str(p));
  }),
  endswith: strMethod((s, a, k) => {
    const [suffix] = bind("endswith", [["suffix"]], a, k);
    const p = plain(suffix);
    return p instanceof PyTuple ? p.some((x) => s.endsWith(str(x))) : s.endsWith(str(p));
  }),
  find: strMethod((s, a, k) => findIndex("find", s, a, k, false)),
  rfind: strMethod((s, a, k) => findIndex("rfind", s, a, k, true)),
  index: strMethod((s, a, k) => {
    const i = findIndex("index", s, a, k, false);
    if (i < 0) throw pyError("ValueError", "substring not found");
    return i;
  }),
  rindex: strMethod((s, a, k) => {
    const i = findIndex("rindex", s, a, k, true);
    if (i < 0) throw pyError("ValueError", "substring not found");
    return i;
  }),
  count: strMethod((s, a, k) => {
    const [sub] = bind("count", [["sub"]], a, k);
    const needle = str(sub);
    return needle === "" ? strLength(s) + 1 : s.split(needle).length - 1;
  }),
  center: strMethod((s, a, k) => {
    const [width, fill] = bind("center", [["width"], ["fillchar", " "]], a, k);
    return center(s, intArg("center", "width", width), str(fill));
  }),
  ljust: strMethod((s, a, k) => {
    const [width, fill] = bind("ljust", [["width"], ["fillchar", " "]], a, k);
    return s + str(fill).repeat(Math.max(0, intArg("ljust", "width", width) - strLength(s)));
  }),
  rjust: strMethod((s, a, k) => {
    const [width, fill] = bind("rjust", [["width"], ["fillchar", " "]], a, k);
    return str(fill).repeat(Math.max(0, intArg("rjust", "width", width) - strLength(s))) + s;
  }),
  zfill: strMethod((s, a, k) => {
    const width = intArg("zfill", "width", bind("zfill", [["width"]], a, k)[0]);
    const sign = /^[+-]/.test(s) ? (s[0] as string) : "";
    const body = sign ? s.slice(1) : s;
    return sign + "0".repeat(Math.max(0, width - strLength(s))) + body;
  }),
  partition: strMethod((s, a, k) => {
    const sep = str(bind("partition", [["sep"]], a, k)[0]);
    const i = s.indexOf(sep);
    return i < 0 ? tuple([s, "", ""]) : tuple([s.slice(0, i), sep, s.slice(i + sep.length)]);
  }),
  rpartition: strMethod((s, a, k) => {
    const sep = str(bind("rpartition", [["sep"]], a, k)[0]);
    const i = s.lastIndexOf(sep);
    return i < 0 ? tuple(["", "", s]) : tuple([s.slice(0, i), sep, s.slice(i + sep.length)]);
  }),
  removeprefix: strMethod((s, a, k) => {
    const p = str(bind("removeprefix", [["prefix"]], a, k)[0]);
    return p && s.startsWith(p) ? s.slice(p.length) : s;
  }),
  removesuffix: strMethod((s, a, k) => {
    const p = str(bind("removesuffix", [["suffix"]], a, k)[0]);
    return p && s.endsWith(p) ? s.slice(0, -p.length) : s;
  }),
  format: strMethod((s, a, k) => strFormat(s, a, k)),
  format_map: strMethod((s, a, k) => {
    const [mapping] = bind("format_map", [["mapping"]], a, k);
    if (!isDict(mapping)) throw pyError("TypeError", "format_map() argument must be a mapping");
    return strFormat(s, [], new Map(dictItems(mapping).map(([key, v]) => [str(key), v])));
  }),
  isdigit: strMethod((s) => s.length > 0 && /^\p{Nd}+$/u.test(s)),
  isdecimal: strMethod((s) => s.length > 0 && /^\p{Nd}+$/u.test(s)),
  isnumeric: strMethod((s) => s.length > 0 && /^\p{N}+$/u.test(s)),
  isalpha: strMethod((s) => s.length > 0 && /^\p{L}+$/u.test(s)),
  isalnum: strMethod((s) => s.length > 0 && /^[\p{L}\p{N}]+$/u.test(s)),
  isspace: strMethod((s) => s.length > 0 && new RegExp(`^${SPACE_CLASS}+$`).test(s)),
  islower: strMethod((s) => isLower(s)),
  isupper: strMethod((s) => isUpper(s)),
  istitle: strMethod((s) => /[\p{Lu}\p{Lt}]/u.test(s) && pyTitle(s) === s),
  // eslint-disable-next-line no-control-regex -- ASCII is U+0000 to U+007F
  isascii: strMethod((s) => /^[\x00-\x7f]*$/.test(s)),
  isidentifier: strMethod((s) => /^[\p{XID_Start}_][\p{XID_Continue}]*$/u.test(s)),
  isprintable: strMethod((s) => !/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]|(?! )\p{Zs}/u.test(s)),
  expandtabs: strMethod((s, a, k) => {
    const size = intArg("expandtabs", "tabsize", bind("expandtabs", [["tabsize", 8]], a, k)[0]);
    let out = "";
    let column = 0;
    for (const c of codePoints(s)) {
      if (c === "\t") {
        const n = size > 0 ? size - (column % size) : 0;
        out += " ".repeat(n);
        column += n;
      } else {
        out += c;
        column = c === "\n" || c === "\r" ? 0 : column + 1;
      }
    }
    return out;
  }),
};

const REFUSED_STR_METHODS: Record<string, string> = {
  encode: "it makes bytes; jobx templates write text (use | b64encode for base64)",
  maketrans: "use | replace for each character",
  translate: "use | replace for each character",
};

function mutable(self: unknown, what: string): void {
  if (!OWNED.has(self as object)) {
    throw refused(`${what} would change a parameter's value in place, which jobx keeps as given; copy it first ({% set xs = xs | list %} or {% set d = dict(d) %})`);
  }
}

const DICT_METHODS: Record<string, Method> = {
  items: (self) => new DictView("dict_items", dictItems(self as PyDict).map((kv) => tuple(kv))),
  keys: (self) => new DictView("dict_keys", dictKeys(self as PyDict)),
  values: (self) => new DictView("dict_values", dictItems(self as PyDict).map(([, v]) => v)),
  get: (self, a, k) => {
    const [key, fallback] = bind("get", [["key"], ["default", null]], a, k);
    const v = dictGet(self as PyDict, key);
    return v === MISSING ? fallback : v;
  },
  copy: (self) => newDict(dictItems(self as PyDict)),
  update: (self, a, k) => {
    mutable(self, "dict.update()");
    for (const [key, v] of dictItems(toDict(a, k, "update"))) dictSet(self as PyDict, key, v);
    return null;
  },
  setdefault: (self, a, k) => {
    const [key, fallback] = bind("setdefault", [["key"], ["default", null]], a, k);
    const v = dictGet(self as PyDict, key);
    if (v !== MISSING) return v;
    mutable(self, "dict.setdefault()");
    dictSet(self as PyDict, key, fallback);
    return fallback;
  },
  pop: (self, a, k) => {
    const [key, fallback] = bind("pop", [["key"], ["default", MISSING]], a, k);
    mutable(self, "dict.pop()");
    const d = self as PyDict;
    const h = hashKey(key);
    const entry = d.entries.get(h);
    if (!entry) {
      if (fallback === MISSING) throw pyError("KeyError", repr(key));
      return fallback;
    }
    d.entries.delete(h);
    return entry[1];
  },
  clear: (self) => {
    mutable(self, "dict.clear()");
    (self as PyDict).entries.clear();
    return null;
  },
};

function listIndex(self: unknown[], args: unknown[], kwargs: Map<string, unknown>): number {
  const [x] = bind("index", [["value"]], args, kwargs);
  const i = self.findIndex((v) => eq(v, x));
  if (i < 0) throw pyError("ValueError", `${repr(x)} is not in list`);
  return i;
}

const TUPLE_METHODS: Record<string, Method> = {
  count: (self, a, k) => {
    const [x] = bind("count", [["value"]], a, k);
    return (self as unknown[]).filter((v) => eq(v, x)).length;
  },
  index: (self, a, k) => listIndex(self as unknown[], a, k),
};

const LIST_METHODS: Record<string, Method> = {
  ...TUPLE_METHODS,
  copy: (self) => owned([...(self as unknown[])]),
  append: (self, a, k) => {
    mutable(self, "list.append()");
    (self as unknown[]).push(bind("append", [["object"]], a, k)[0]);
    return null;
  },
  extend: (self, a, k) => {
    mutable(self, "list.extend()");
    (self as unknown[]).push(...iterate(bind("extend", [["iterable"]], a, k)[0]));
    return null;
  },
  insert: (self, a, k) => {
    mutable(self, "list.insert()");
    const [index, x] = bind("insert", [["index"], ["object"]], a, k);
    const list = self as unknown[];
    let i = intArg("insert", "index", index);
    if (i < 0) i = Math.max(0, i + list.length);
    list.splice(Math.min(i, list.length), 0, x);
    return null;
  },
  pop: (self, a, k) => {
    mutable(self, "list.pop()");
    const list = self as unknown[];
    const [index] = bind("pop", [["index", -1]], a, k);
    if (list.length === 0) throw pyError("IndexError", "pop from empty list");
    let i = intArg("pop", "index", index);
    if (i < 0) i += list.length;
    if (i < 0 || i >= list.length) throw pyError("IndexError", "pop index out of range");
    return list.splice(i, 1)[0];
  },
  remove: (self, a, k) => {
    mutable(self, "list.remove()");
    const list = self as unknown[];
    const [x] = bind("remove", [["value"]], a, k);
    const i = list.findIndex((v) => eq(v, x));
    if (i < 0) throw pyError("ValueError", "list.remove(x): x not in list");
    list.splice(i, 1);
    return null;
  },
  reverse: (self) => {
    mutable(self, "list.reverse()");
    (self as unknown[]).reverse();
    return null;
  },
  sort: (self, a, k) => {
    mutable(self, "list.sort()");
    if (a.length) throw pyError("TypeError", "sort() takes no positional arguments");
    const [key, reverse] = bind("sort", [["key", null], ["reverse", false]], a, k);
    if (key !== null) throw refused("list.sort(key=…) is not supported by jobx; use the sort filter: xs | sort(attribute=…)");
    const list = self as unknown[];
    const out = sorted(list, (x) => x, pyBool(reverse));
    list.splice(0, list.length, ...out);
    return null;
  },
  clear: (self) => {
    mutable(self, "list.clear()");
    (self as unknown[]).length = 0;
    return null;
  },
};

const PYTHON_METHODS: Record<string, readonly string[]> = {
  str: ["format_map", "maketrans", "translate", "encode"],
  dict: ["fromkeys", "popitem"],
  int: ["as_integer_ratio", "bit_count", "bit_length", "conjugate", "denominator", "from_bytes", "imag", "numerator", "real", "to_bytes"],
  float: ["as_integer_ratio", "conjugate", "fromhex", "hex", "imag", "is_integer", "real"],
};

function bound(name: string, self: unknown, method: Method): Callable {
  return callable(name, (args, kwargs) => method(self, args, kwargs));
}

function describe(obj: unknown): string {
  return `'${typeName(obj)} object'`;
}

/** getattr(obj, name) alone, without the item fallback (what the attr filter does); MISSING when absent. */
export function attributeOnly(obj: unknown, name: string): unknown {
  const o = obj instanceof MarkedText ? flatten(obj) : obj;
  if (isStr(o)) {
    const m = STR_METHODS[name];
    if (m) return bound(`str.${name}`, o, m);
    if (REFUSED_STR_METHODS[name]) throw refused(`str.${name}() is not supported: ${REFUSED_STR_METHODS[name]}`);
    return MISSING;
  }
  if (isDict(o)) {
    const m = DICT_METHODS[name];
    if (m) return bound(`dict.${name}`, o, m);
    if (PYTHON_METHODS.dict?.includes(name)) throw refused(`dict.${name}() is not supported by jobx`);
    return MISSING;
  }
  if (o instanceof GroupTuple && (name === "grouper" || name === "list")) return name === "grouper" ? o[0] : o[1];
  if (isTuple(o)) {
    const m = TUPLE_METHODS[name];
    return m ? bound(`tuple.${name}`, o, m) : MISSING;
  }
  if (isList(o)) {
    const m = LIST_METHODS[name];
    return m ? bound(`list.${name}`, o, m) : MISSING;
  }
  if (o instanceof Namespace) {
    const v = dictGet(o.attrs, name);
    return v;
  }
  if (o instanceof Cycler) {
    if (name === "next") {
      return callable("cycler.next", () => {
        const v = o.items[o.pos];
        o.pos = (o.pos + 1) % o.items.length;
        return v;
      });
    }
    if (name === "reset") return callable("cycler.reset", () => ((o.pos = 0), null));
    if (name === "current") return o.items[o.pos];
    if (name === "items") return tuple(o.items);
    return MISSING;
  }
  if (o instanceof PyRange) {
    if (name === "start" || name === "stop" || name === "step") return o[name];
    return MISSING;
  }
  if (typeof o === "object" && o !== null && typeof (o as { attribute?: unknown }).attribute === "function") {
    return (o as { attribute(n: string): unknown }).attribute(name);
  }
  const kind = isInt(o) || typeof o === "boolean" ? "int" : isFloat(o) ? "float" : undefined;
  if (kind) {
    const n = numberOf(o);
    const asKind = (x: number) => (kind === "int" ? x : float(x));
    switch (name) {
      case "real":
        return asKind(n);
      case "imag":
        return asKind(0);
      case "conjugate":
        return callable(`${kind}.conjugate`, () => asKind(n));
      case "is_integer":
        if (kind === "float") return callable("float.is_integer", () => Number.isInteger(n));
        break;
      case "numerator":
        if (kind === "int") return n;
        break;
      case "denominator":
        if (kind === "int") return 1;
        break;
      case "bit_length":
        if (kind === "int") return callable("int.bit_length", () => (n === 0 ? 0 : Math.abs(n).toString(2).length));
        break;
    }
    if (PYTHON_METHODS[kind]?.includes(name)) throw refused(`${kind}.${name} is not supported by jobx`);
  }
  return MISSING;
}

/** `obj.name`: Jinja2's environment.getattr — the attribute, else the item of that name, else undefined. */
export function attribute(obj: unknown, name: string, line?: number, column?: number): unknown {
  if (obj instanceof Undefined) throw undefinedError(obj);
  const found = attributeOnly(obj, name);
  if (found !== MISSING) return found;
  if (isDict(obj)) {
    const v = dictGet(obj, name);
    if (v !== MISSING) return v;
  }
  return new Undefined(`${describe(obj)} has no attribute '${name}'`, undefined, line, column);
}

/** `obj[key]`, for filters that look attributes up (make_attrgetter uses environment.getitem). */
function getItem(obj: unknown, key: unknown): unknown {
  if (obj instanceof Undefined) throw undefinedError(obj);
  if (Array.isArray(obj) || isStr(obj)) {
    const k = plain(key);
    if (typeof k === "number" || typeof k === "boolean") {
      const items = Array.isArray(obj) ? obj : codePoints(strOf(obj));
      let i = numberOf(k);
      if (i < 0) i += items.length;
      if (i >= 0 && i < items.length) return items[i];
    }
  } else if (isDict(obj)) {
    let v: unknown = MISSING;
    try {
      v = dictGet(obj, key);
    } catch {
      v = MISSING;
    }
    if (v !== MISSING) return v;
  }
  if (isStr(key)) return attribute(obj, strOf(key));
  return new Undefined(`${describe(obj)} has no element ${str(key)}`);
}

export function callValue(fn: unknown, args: unknown[], kwargs: Map<string, unknown>): unknown {
  if (isCallable(fn)) return fn.call(args, kwargs);
  if (fn instanceof Undefined) throw undefinedError(fn);
  throw pyError("TypeError", `'${typeName(fn)}' object is not callable`);
}

// -----------------------------------------------------------------------------------
// str.format

function fieldValue(field: string, args: unknown[], kwargs: Map<string, unknown>, auto: { next: number; mode?: "auto" | "manual" }): unknown {
  const m = /^([^.[]*)(.*)$/s.exec(field) as RegExpExecArray;
  const head = m[1] as string;
  let value: unknown;
  if (head === "" || /^\d+$/.test(head)) {
    let index: number;
    if (head === "") {
      if (auto.mode === "manual") throw pyError("ValueError", "cannot switch from manual field specification to automatic field numbering");
      auto.mode = "auto";
      index = auto.next++;
    } else {
      if (auto.mode === "auto") throw pyError("ValueError", "cannot switch from automatic field numbering to manual field specification");
      auto.mode = "manual";
      index = Number(head);
    }
    if (index >= args.length) throw pyError("IndexError", `Replacement index ${index} out of range for positional args tuple`);
    value = args[index];
  } else {
    if (!kwargs.has(head)) throw pyError("KeyError", repr(head));
    value = kwargs.get(head);
  }
  let rest = m[2] as string;
  while (rest) {
    const a = /^\.([^.[]+)/.exec(rest);
    if (a) {
      value = attribute(value, a[1] as string);
      rest = rest.slice(a[0].length);
      continue;
    }
    const i = /^\[([^\]]+)\]/.exec(rest);
    if (i) {
      const key = /^\d+$/.test(i[1] as string) ? Number(i[1]) : (i[1] as string);
      value = getItem(value, key);
      rest = rest.slice(i[0].length);
      continue;
    }
    throw pyError("ValueError", "Only '.' or '[' may follow ']' in format field specifier");
  }
  if (value instanceof Undefined) throw undefinedError(value);
  return value;
}

function strFormat(format: string, args: unknown[], kwargs: Map<string, unknown>): string {
  const auto: { next: number; mode?: "auto" | "manual" } = { next: 0 };
  const formatField = (body: string): string => {
    const m = /^([^!:]*)(?:!([rsa]))?(?::(.*))?$/s.exec(body);
    if (!m) throw pyError("ValueError", `invalid format field {${body}}`);
    let value = fieldValue(m[1] as string, args, kwargs, auto);
    if (m[2] === "r") value = repr(value);
    else if (m[2] === "s") value = str(value);
    // eslint-disable-next-line no-control-regex -- everything outside ASCII is escaped
    else if (m[2] === "a") value = repr(value).replace(/[^\x00-\x7f]/gu, (c) => {
      const code = c.codePointAt(0) as number;
      return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : code < 0x10000 ? `\\u${code.toString(16).padStart(4, "0")}` : `\\U${code.toString(16).padStart(8, "0")}`;
    });
    // A nested {} inside the spec is itself replaced first.
    const spec = (m[3] ?? "").replace(/\{([^{}]*)\}/g, (_, inner: string) => str(fieldValue(inner, args, kwargs, auto)));
    if (spec === "") return str(value);
    if (isStr(value) || isNumber(plain(value))) return formatSpec(plain(value), spec, CONVERSIONS);
    throw pyError("TypeError", `unsupported format string passed to ${typeName(value)}.__format__`);
  };
  let out = "";
  let i = 0;
  while (i < format.length) {
    const c = format[i] as string;
    if (c === "{") {
      if (format[i + 1] === "{") {
        out += "{";
        i += 2;
        continue;
      }
      let depth = 1;
      let j = i + 1;
      while (j < format.length && depth > 0) {
        if (format[j] === "{") depth++;
        else if (format[j] === "}") depth--;
        if (depth > 0) j++;
      }
      if (depth > 0) throw pyError("ValueError", "expected '}' before end of string");
      out += formatField(format.slice(i + 1, j));
      i = j + 1;
    } else if (c === "}") {
      if (format[i + 1] !== "}") throw pyError("ValueError", "Single '}' encountered in format string");
      out += "}";
      i += 2;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

// -----------------------------------------------------------------------------------

export { percentFormat, dictSize, compareStrings, nearestName };
