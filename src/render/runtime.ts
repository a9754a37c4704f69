/**
 * Python's semantics for the values a template handles (see values.ts): truth, str() and
 * repr(), ==, <, the arithmetic operators, len(), iteration, and Jinja2's attribute and
 * item lookup (environment.getattr / getitem). Errors are Python's, as Jinja2 would raise
 * them; a use of an undefined value is an error naming where it came from.
 */
import { TemplateRenderError, pyError, refused } from "./errors";
import { MARK } from "./marks";
import { floatRepr, percentFormat, type Conversions } from "./pyformat";
import { decimal } from "../text/decimal";
import {
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
  isCallable,
  tuple,
} from "./values";

/** Lists and dicts the template made: only these may be changed by append(), update(), … */
export const OWNED = new WeakSet<object>();

export function owned<T extends object>(value: T): T {
  OWNED.add(value);
  return value;
}

export const MAX_ITEMS = 10_000_000;

/** The text of a traced capture, its values written in. */
export function flatten(text: MarkedText): string {
  if (text.values.length === 0) return text.marked;
  return text.marked.replace(MARK, (_, n: string) => text.values[Number(n)] ?? "");
}

export type PyStr = string | TaggedStr | MarkedText;

export function isStr(value: unknown): value is PyStr {
  return typeof value === "string" || value instanceof TaggedStr || value instanceof MarkedText;
}

export function strOf(value: PyStr): string {
  return typeof value === "string" ? value : value instanceof TaggedStr ? value.s : flatten(value);
}

export function isMarkup(value: unknown): value is TaggedStr {
  return value instanceof TaggedStr && value.markup;
}

/** A value as Python sees it: strings of every origin as plain strings. */
export function plain(value: unknown): unknown {
  return isStr(value) ? strOf(value) : value;
}

export function isInt(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value);
}

export function isFloat(value: unknown): boolean {
  return value instanceof PyFloat || (typeof value === "number" && !Number.isInteger(value));
}

/** int, float or bool (Python's bool is an int). */
export function isNumber(value: unknown): boolean {
  return typeof value === "number" || typeof value === "boolean" || value instanceof PyFloat;
}

export function numberOf(value: unknown): number {
  if (value instanceof PyFloat) return value.v;
  if (typeof value === "boolean") return value ? 1 : 0;
  return value as number;
}

/** int or bool: the values Python's integer operations keep integral. */
function isIntLike(value: unknown): boolean {
  return typeof value === "boolean" || isInt(value);
}

export function float(x: number): PyFloat {
  return new PyFloat(x);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function isDict(value: unknown): value is PyDict | Record<string, unknown> {
  return value instanceof PyDict || isPlainObject(value);
}

export function isList(value: unknown): value is unknown[] {
  return Array.isArray(value) && !(value instanceof PyTuple);
}

export function isTuple(value: unknown): value is PyTuple {
  return value instanceof PyTuple;
}

type HashKey = string | number | boolean | null;

/** The key a PyDict files a Python key under: equal keys (1, 1.0, True) share one. */
export function hashKey(key: unknown): HashKey {
  const k = plain(key);
  if (typeof k === "string" || k === null) return k;
  if (isNumber(k)) {
    const n = numberOf(k);
    return n === 0 ? 0 : n;
  }
  if (Array.isArray(k) && !(k instanceof PyTuple)) throw pyError("TypeError", "unhashable type: 'list'");
  if (isDict(k)) throw pyError("TypeError", "unhashable type: 'dict'");
  if (k instanceof PyTuple) throw refused("tuples as dict keys or set members are not supported by jobx; join the parts into one string key");
  if (k instanceof Undefined) throw undefinedError(k);
  throw refused(`a ${typeName(k)} cannot be a dict key in jobx; use a string`);
}

export function dictKeys(dict: PyDict | Record<string, unknown>): unknown[] {
  if (dict instanceof PyDict) return [...dict.entries.values()].map((e) => e[0]);
  return Object.keys(dict);
}

export function dictItems(dict: PyDict | Record<string, unknown>): [unknown, unknown][] {
  if (dict instanceof PyDict) return [...dict.entries.values()].map(([k, v]) => [k, v]);
  return Object.entries(dict);
}

const MISSING = Symbol("missing");

export function dictGet(dict: PyDict | Record<string, unknown>, key: unknown): unknown {
  if (dict instanceof PyDict) {
    const entry = dict.entries.get(hashKey(key));
    return entry ? entry[1] : MISSING;
  }
  const k = plain(key);
  if (typeof k !== "string") {
    hashKey(k); // unhashable keys are a TypeError, as in Python
    return MISSING;
  }
  return Object.hasOwn(dict, k) ? dict[k] : MISSING;
}

export function isMissing(value: unknown): boolean {
  return value === MISSING;
}

export function dictSet(dict: PyDict, key: unknown, value: unknown): void {
  const h = hashKey(key);
  const entry = dict.entries.get(h);
  if (entry) entry[1] = value;
  else dict.entries.set(h, [key, value]);
}

export function dictSize(dict: PyDict | Record<string, unknown>): number {
  return dict instanceof PyDict ? dict.entries.size : Object.keys(dict).length;
}

export function newDict(items: Iterable<[unknown, unknown]> = []): PyDict {
  const dict = owned(new PyDict());
  for (const [k, v] of items) dictSet(dict, k, v);
  return dict;
}

// -----------------------------------------------------------------------------------

export function undefinedError(value: Undefined): TemplateRenderError {
  return new TemplateRenderError(value.hint, "undefined", value.line, value.column, value.name);
}

/** Python's type name, for messages. */
export function typeName(value: unknown): string {
  if (value === null) return "NoneType";
  if (typeof value === "boolean") return "bool";
  if (isInt(value)) return "int";
  if (isFloat(value)) return "float";
  if (isMarkup(value)) return "Markup";
  if (isStr(value)) return "str";
  if (value instanceof GroupTuple) return "_GroupTuple";
  if (value instanceof PyTuple) return "tuple";
  if (Array.isArray(value)) return "list";
  if (isDict(value)) return "dict";
  if (value instanceof Undefined) return "Undefined";
  if (value instanceof PyIter) return value.typeName;
  if (value instanceof PyRange) return "range";
  if (value instanceof DictView) return value.kind;
  if (value instanceof Namespace) return "Namespace";
  if (isCallable(value)) return "function";
  if (typeof value === "object") return (value as object).constructor?.name ?? "object";
  return typeof value;
}

/** Python's truth. A generator is always true in Python, even when empty: refused, with the fix. */
export function truthy(value: unknown): boolean {
  if (value === null || value === false || value === undefined) return false;
  if (value === true) return true;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") return value.length > 0;
  if (value instanceof PyFloat) return value.v !== 0;
  if (value instanceof Undefined) return false;
  if (value instanceof TaggedStr) return value.s.length > 0;
  if (value instanceof MarkedText) return value.marked.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof PyDict) return value.entries.size > 0;
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  if (value instanceof PyRange) return value.length > 0;
  if (value instanceof DictView) return value.items.length > 0;
  if (value instanceof PyIter) {
    throw refused(`a ${value.typeName} (what map, select, reject, batch, slice, unique and reverse give) is always true in Jinja2, even when empty: add | list first, e.g. {% if xs | select("odd") | list %}`);
  }
  return true;
}

/** Python's bool() as the filters use it internally, where a generator is simply true. */
export function pyBool(value: unknown): boolean {
  return value instanceof PyIter ? true : truthy(value);
}

// -----------------------------------------------------------------------------------
// str() and repr()

// Python's str.isprintable(): everything but Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs (space excepted).
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function hexEscape(code: number): string {
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, "0")}`;
  if (code < 0x10000) return `\\u${code.toString(16).padStart(4, "0")}`;
  return `\\U${code.toString(16).padStart(8, "0")}`;
}

/** Python's repr() of a str. */
export function reprStr(s: string, asciiOnly = false): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (let i = 0; i < s.length; i++) {
    let code = s.charCodeAt(i);
    if (code >= 0xd800 && code < 0xdc00 && i + 1 < s.length) {
      const low = s.charCodeAt(i + 1);
      if (low >= 0xdc00 && low < 0xe000) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    const ch = String.fromCodePoint(code);
    if (ch === quote || ch === "\\") out += `\\${ch}`;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (code < 0x20 || code === 0x7f) out += hexEscape(code);
    else if (code < 0x7f) out += ch;
    else if (asciiOnly || (ch !== " " && NOT_PRINTABLE.test(ch))) out += hexEscape(code);
    else out += ch;
  }
  return out + quote;
}

function reprOf(value: unknown, seen: Set<object>, asciiOnly: boolean): string {
  if (isMarkup(value)) return `Markup(${reprStr(value.s, asciiOnly)})`;
  if (isStr(value)) return reprStr(strOf(value), asciiOnly);
  if (value !== null && typeof value === "object" && (Array.isArray(value) || isDict(value))) {
    if (seen.has(value)) return Array.isArray(value) ? (value instanceof PyTuple ? "(...)" : "[...]") : "{...}";
    seen.add(value);
    try {
      if (value instanceof PyTuple) {
        const items = value.map((v) => reprOf(v, seen, asciiOnly));
        return `(${items.join(", ")}${items.length === 1 ? "," : ""})`;
      }
      if (Array.isArray(value)) return `[${value.map((v) => reprOf(v, seen, asciiOnly)).join(", ")}]`;
      return `{${dictItems(value as PyDict).map(([k, v]) => `${reprOf(k, seen, asciiOnly)}: ${reprOf(v, seen, asciiOnly)}`).join(", ")}}`;
    } finally {
      seen.delete(value);
    }
  }
  if (value instanceof DictView) return `${value.kind}([${value.items.map((v) => reprOf(v, seen, asciiOnly)).join(", ")}])`;
  if (value instanceof Namespace) return `<Namespace ${reprOf(value.attrs, seen, asciiOnly)}>`;
  return strScalar(value);
}

function strScalar(value: unknown): string {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return Number.isInteger(value) ? decimal(value) : floatRepr(value);
  if (value instanceof PyFloat) return floatRepr(value.v);
  if (value instanceof PyRange) return `range(${value.start}, ${value.stop}${value.step !== 1 ? `, ${value.step}` : ""})`;
  if (value instanceof Undefined) throw undefinedError(value);
  if (value instanceof PyIter) {
    throw refused(`this is a ${value.typeName}, which Jinja2 prints as <${value.typeName} object at 0x…>: add | list to print its items, or | join(", ")`);
  }
  if (value === undefined) throw new Error("jobx bug: a JavaScript undefined reached a template value");
  if (isCallable(value)) throw refused(`'${value.callableName}' is a function, which Jinja2 prints as <… object at 0x…>: call it, like ${value.callableName}()`);
  throw refused(`a ${typeName(value)} object cannot be printed: Jinja2 prints it as <… object at 0x…>`);
}

/** Python's str(). */
export function str(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof TaggedStr) return value.s;
  if (value instanceof MarkedText) return flatten(value);
  if (Array.isArray(value) || isDict(value) || value instanceof DictView || value instanceof Namespace) return reprOf(value, new Set(), false);
  return strScalar(value);
}

export function repr(value: unknown): string {
  return reprOf(value, new Set(), false);
}

export function ascii(value: unknown): string {
  return reprOf(value, new Set(), true);
}

// -----------------------------------------------------------------------------------
// Equality and order

export function eq(a: unknown, b: unknown): boolean {
  a = plain(a);
  b = plain(b);
  if (isNumber(a) && isNumber(b)) return numberOf(a) === numberOf(b);
  if (a === b) return true;
  if (a instanceof Undefined || b instanceof Undefined) return a instanceof Undefined && b instanceof Undefined;
  if (typeof a === "string" || typeof b === "string" || a === null || b === null) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a instanceof PyTuple !== b instanceof PyTuple || a.length !== b.length) return false;
    return a.every((x, i) => eq(x, b[i]));
  }
  if (isDict(a) && isDict(b)) {
    if (dictSize(a) !== dictSize(b)) return false;
    return dictItems(a).every(([k, v]) => {
      const other = dictGet(b, k);
      return other !== MISSING && eq(v, other);
    });
  }
  if (a instanceof PyRange && b instanceof PyRange) return eq(a.items(), b.items());
  return false;
}

/** Compares code points, as Python compares strings (JavaScript compares UTF-16 units). */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if ((x >= 0xd800 && x < 0xe000) || (y >= 0xd800 && y < 0xe000)) {
        return (a.codePointAt(i) as number) - (b.codePointAt(i) as number) || (x - y);
      }
      return x - y;
    }
  }
  return a.length - b.length;
}

/** Negative, zero or positive as Python's < and > order a and b; NaN when a float NaN is involved. */
export function compare(a: unknown, b: unknown, op = "<"): number {
  a = plain(a);
  b = plain(b);
  if (isNumber(a) && isNumber(b)) {
    const x = numberOf(a);
    const y = numberOf(b);
    return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
  }
  if (typeof a === "string" && typeof b === "string") return compareStrings(a, b);
  if (Array.isArray(a) && Array.isArray(b) && a instanceof PyTuple === b instanceof PyTuple) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (!eq(a[i], b[i])) return compare(a[i], b[i], op);
    return a.length - b.length;
  }
  if (a instanceof Undefined) throw undefinedError(a);
  if (b instanceof Undefined) throw undefinedError(b);
  throw pyError("TypeError", `'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

// -----------------------------------------------------------------------------------
// Arithmetic

function checkedInt(n: number, what: string): number {
  if (!Number.isSafeInteger(n)) throw refused(`${what} gives an integer beyond ±2**53, which jobx does not compute exactly (Python would); keep the numbers smaller`);
  return n === 0 ? 0 : n;
}

function operandError(op: string, a: unknown, b: unknown): TemplateRenderError {
  if (a instanceof Undefined) return undefinedError(a);
  if (b instanceof Undefined) return undefinedError(b);
  if (op === "+" && typeof a === "string") return pyError("TypeError", `can only concatenate str (not "${typeName(b)}") to str`);
  if (op === "+" && Array.isArray(a) && !(a instanceof PyTuple)) return pyError("TypeError", `can only concatenate list (not "${typeName(b)}") to list`);
  return pyError("TypeError", `unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

// markupsafe's escape(): & < > " ' as entities.
const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;" };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}

/** markupsafe.escape(value): Markup stays as it is, anything else is str()'d and escaped. */
export function escape(value: unknown): TaggedStr {
  if (isMarkup(value)) return value;
  return new TaggedStr(escapeHtml(str(value)), true, false);
}

export function add(a: unknown, b: unknown): unknown {
  if (isMarkup(a) || isMarkup(b)) {
    // Markup + str escapes the str (Markup.__add__ / __radd__).
    if (isStr(a) && isStr(b)) return new TaggedStr((isMarkup(a) ? a.s : escapeHtml(strOf(a))) + (isMarkup(b) ? b.s : escapeHtml(strOf(b))), true, false);
    throw operandError("+", plain(a), plain(b));
  }
  a = plain(a);
  b = plain(b);
  if (isNumber(a) && isNumber(b)) {
    if (isIntLike(a) && isIntLike(b)) return checkedInt(numberOf(a) + numberOf(b), "this addition");
    return float(numberOf(a) + numberOf(b));
  }
  if (typeof a === "string" && typeof b === "string") return a + b;
  if (Array.isArray(a) && Array.isArray(b) && a instanceof PyTuple === b instanceof PyTuple) {
    const joined = [...a, ...b];
    return a instanceof PyTuple ? tuple(joined) : owned(joined);
  }
  throw operandError("+", a, b);
}

export function sub(a: unknown, b: unknown): unknown {
  a = plain(a);
  b = plain(b);
  if (isNumber(a) && isNumber(b)) {
    if (isIntLike(a) && isIntLike(b)) return checkedInt(numberOf(a) - numberOf(b), "this subtraction");
    return float(numberOf(a) - numberOf(b));
  }
  throw operandError("-", a, b);
}

function repeat(seq: unknown, times: number): unknown {
  const n = Math.max(0, times);
  if (isStr(seq)) {
    const s = strOf(seq);
    if (s.length * n > 100_000_000) throw refused("this string repetition is over 100 million characters");
    const out = s.repeat(n);
    return isMarkup(seq) ? new TaggedStr(out, true, false) : out;
  }
  const items = seq as unknown[];
  if (items.length * n > MAX_ITEMS) throw refused("this list repetition is over 10 million items");
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push(...items);
  return seq instanceof PyTuple ? tuple(out) : owned(out);
}

export function mul(a: unknown, b: unknown): unknown {
  const pa = plain(a);
  const pb = plain(b);
  if (isNumber(pa) && isNumber(pb)) {
    if (isIntLike(pa) && isIntLike(pb)) return checkedInt(numberOf(pa) * numberOf(pb), "this multiplication");
    return float(numberOf(pa) * numberOf(pb));
  }
  if ((isStr(a) || Array.isArray(pa)) && isIntLike(pb)) return repeat(a, numberOf(pb));
  if ((isStr(b) || Array.isArray(pb)) && isIntLike(pa)) return repeat(b, numberOf(pa));
  throw operandError("*", pa, pb);
}

export function truediv(a: unknown, b: unknown): unknown {
  a = plain(a);
  b = plain(b);
  if (isNumber(a) && isNumber(b)) {
    if (numberOf(b) === 0) throw pyError("ZeroDivisionError", isIntLike(a) && isIntLike(b) ? "division by zero" : "float division by zero");
    return float(numberOf(a) / numberOf(b));
  }
  throw operandError("/", a, b);
}

/** Python's float divmod (Objects/floatobject.c), which // and % of floats follow. */
function floatDivmod(x: number, y: number): [number, number] {
  let mod = x % y;
  let div = (x - mod) / y;
  if (mod) {
    if (y < 0 !== mod < 0) {
      mod += y;
      div -= 1;
    }
  } else mod = y < 0 ? -0 : 0;
  let floordiv: number;
  if (div) {
    floordiv = Math.floor(div);
    if (div - floordiv > 0.5) floordiv += 1;
  } else floordiv = x / y < 0 || Object.is(x / y, -0) ? -0 : 0;
  return [floordiv, mod];
}

function intDivmod(x: number, y: number): [number, number] {
  const bx = BigInt(x);
  const by = BigInt(y);
  let q = bx / by;
  let r = bx % by;
  if (r !== 0n && r < 0n !== by < 0n) {
    q -= 1n;
    r += by;
  }
  return [Number(q), Number(r)];
}

export function floordiv(a: unknown, b: unknown): unknown {
  a = plain(a);
  b = plain(b);
  if (isNumber(a) && isNumber(b)) {
    if (numberOf(b) === 0) throw pyError("ZeroDivisionError", isIntLike(a) && isIntLike(b) ? "integer division or modulo by zero" : "float floor division by zero");
    if (isIntLike(a) && isIntLike(b)) return intDivmod(numberOf(a), numberOf(b))[0];
    return float(floatDivmod(numberOf(a), numberOf(b))[0]);
  }
  throw operandError("//", a, b);
}

export const CONVERSIONS: Conversions = {
  str,
  repr,
  ascii,
  number(value) {
    const v = plain(value);
    if (isNumber(v)) return { value: numberOf(v), isInt: isIntLike(v) };
    if (v instanceof Undefined) throw undefinedError(v);
    return { type: typeName(v) };
  },
  asArguments(value) {
    const v = isMarkup(value) ? value : plain(value);
    if (v instanceof PyTuple) return { positional: [...v] };
    if (isDict(v)) {
      return {
        single: v,
        mapping: (key: string) => {
          const found = dictGet(v, key);
          if (found === MISSING) throw pyError("KeyError", reprStr(key));
          return found;
        },
      };
    }
    if (Array.isArray(v)) return { single: v, mapping: () => { throw pyError("TypeError", "list indices must be integers or slices, not str"); } };
    return { single: v };
  },
};

export function mod(a: unknown, b: unknown): unknown {
  if (isMarkup(a)) {
    // Markup % args escapes each argument (markupsafe's _MarkupEscapeHelper).
    const pb = plain(b);
    const escapeArg = (x: unknown) => (isNumber(plain(x)) ? x : escape(x));
    const args = pb instanceof PyTuple ? tuple(pb.map(escapeArg)) : isDict(pb) ? pb : escapeArg(b);
    if (isDict(pb)) throw refused("formatting an escaped (Markup) string with a mapping is not supported by jobx; format first, then | escape");
    return new TaggedStr(percentFormat(a.s, args, CONVERSIONS), true, false);
  }
  const pa = plain(a);
  if (typeof pa === "string") return percentFormat(pa, b, CONVERSIONS);
  const pb = plain(b);
  if (isNumber(pa) && isNumber(pb)) {
    if (numberOf(pb) === 0) throw pyError("ZeroDivisionError", isIntLike(pa) && isIntLike(pb) ? "integer division or modulo by zero" : "float modulo");
    if (isIntLike(pa) && isIntLike(pb)) return intDivmod(numberOf(pa), numberOf(pb))[1];
    return float(floatDivmod(numberOf(pa), numberOf(pb))[1]);
  }
  throw operandError("%", pa, pb);
}

export function pow(a: unknown, b: unknown): unknown {
  a = plain(a);
  b = plain(b);
  if (isNumber(a) && isNumber(b)) {
    const x = numberOf(a);
    const y = numberOf(b);
    if (isIntLike(a) && isIntLike(b) && y >= 0) {
      const exact = BigInt(x) ** BigInt(y);
      if (exact > BigInt(Number.MAX_SAFE_INTEGER) || exact < -BigInt(Number.MAX_SAFE_INTEGER)) return checkedInt(Infinity, "this power");
      return Number(exact);
    }
    if (x === 0 && y < 0) throw pyError("ZeroDivisionError", "0.0 cannot be raised to a negative power");
    if (x < 0 && !Number.isInteger(y)) throw refused("a negative number to a fractional power is a complex number in Python, which jobx does not have");
    const result = x ** y;
    if (!Number.isFinite(result) && Number.isFinite(x) && Number.isFinite(y)) throw pyError("OverflowError", "(34, 'Numerical result out of range')");
    return float(result);
  }
  throw operandError("**", a, b);
}

export function neg(a: unknown): unknown {
  a = plain(a);
  if (isIntLike(a)) return checkedInt(-numberOf(a), "this negation");
  if (isNumber(a)) return float(-numberOf(a));
  if (a instanceof Undefined) throw undefinedError(a);
  throw pyError("TypeError", `bad operand type for unary -: '${typeName(a)}'`);
}

export function pos(a: unknown): unknown {
  a = plain(a);
  if (isIntLike(a)) return numberOf(a);
  if (isNumber(a)) return a;
  if (a instanceof Undefined) throw undefinedError(a);
  throw pyError("TypeError", `bad operand type for unary +: '${typeName(a)}'`);
}

// -----------------------------------------------------------------------------------
// Sequences

const SURROGATE = /[\ud800-\udfff]/;

/** A string's code points (what Python indexes and counts). */
export function codePoints(s: string): string[] {
  return SURROGATE.test(s) ? Array.from(s) : s.split("");
}

export function strLength(s: string): number {
  return SURROGATE.test(s) ? Array.from(s).length : s.length;
}

/** The items a `for` loop over the value sees. */
export function iterate(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (isStr(value)) return codePoints(strOf(value));
  if (isDict(value)) return dictKeys(value);
  if (value instanceof PyIter) return value.take();
  if (value instanceof PyRange) {
    if (value.length > MAX_ITEMS) throw refused(`this range has ${value.length} items, more than jobx iterates (10 million)`);
    return value.items();
  }
  if (value instanceof DictView) return value.items;
  if (value instanceof Undefined) throw undefinedError(value);
  throw pyError("TypeError", `'${typeName(value)}' object is not iterable`);
}

export function len(value: unknown): number {
  if (isStr(value)) return strLength(strOf(value));
  if (Array.isArray(value)) return value.length;
  if (isDict(value)) return dictSize(value);
  if (value instanceof PyRange) return value.length;
  if (value instanceof DictView) return value.items.length;
  if (value instanceof Undefined) throw undefinedError(value);
  throw pyError("TypeError", `object of type '${typeName(value)}' has no len()`);
}

export function contains(container: unknown, item: unknown): boolean {
  const c = plain(container);
  if (typeof c === "string") {
    const i = plain(item);
    if (typeof i !== "string") {
      if (i instanceof Undefined) throw undefinedError(i);
      throw pyError("TypeError", `'in <string>' requires string as left operand, not ${typeName(i)}`);
    }
    return c.includes(i);
  }
  if (isDict(c)) return dictGet(c, item) !== MISSING;
  if (c instanceof Undefined) throw undefinedError(c);
  if (c instanceof PyRange) {
    const i = plain(item);
    if (!isNumber(i)) return false;
    const n = numberOf(i);
    return Number.isInteger(n) && (c.step > 0 ? n >= c.start && n < c.stop : n <= c.start && n > c.stop) && (n - c.start) % c.step === 0;
  }
  if (c instanceof Namespace || isNumber(c) || c === null) throw pyError("TypeError", `argument of type '${typeName(c)}' is not iterable`);
  return iterate(c).some((x) => eq(x, item));
}

/** Python's slice object, made by `xs[a:b:c]`. */
export class PySlice {
  constructor(
    readonly start: unknown,
    readonly stop: unknown,
    readonly step: unknown,
  ) {}
}

function sliceIndex(value: unknown): number | undefined {
  const v = plain(value);
  if (v === null || v === undefined) return undefined;
  if (isIntLike(v)) return numberOf(v);
  if (v instanceof Undefined) throw undefinedError(v);
  throw pyError("TypeError", "slice indices must be integers or None or have an __index__ method");
}

/** start, stop and step of a slice over `length` items (PySlice_AdjustIndices). */
function sliceIndices(slice: PySlice, length: number): [number, number, number] {
  const step = sliceIndex(slice.step) ?? 1;
  if (step === 0) throw pyError("ValueError", "slice step cannot be zero");
  let start = sliceIndex(slice.start);
  let stop = sliceIndex(slice.stop);
  if (start === undefined) start = step < 0 ? length - 1 : 0;
  else if (start < 0) start = Math.max(start + length, step < 0 ? -1 : 0);
  else if (start >= length) start = step < 0 ? length - 1 : length;
  if (stop === undefined) stop = step < 0 ? -1 : length;
  else if (stop < 0) stop = Math.max(stop + length, step < 0 ? -1 : 0);
  else if (stop >= length) stop = step < 0 ? length - 1 : length;
  return [start, stop, step];
}

/** The positions a slice takes from a sequence of `length` items. */
function sliceRange(slice: PySlice, length: number): number[] {
  const [start, stop, step] = sliceIndices(slice, length);
  const out: number[] = [];
  if (step > 0) for (let i = start; i < stop; i += step) out.push(i);
  else for (let i = start; i > stop; i += step) out.push(i);
  return out;
}

export function sliceOf(value: unknown, slice: PySlice): unknown {
  if (isStr(value)) {
    const chars = codePoints(strOf(value));
    const out = sliceRange(slice, chars.length).map((i) => chars[i]).join("");
    return isMarkup(value) ? new TaggedStr(out, true, false) : out;
  }
  if (Array.isArray(value)) {
    const out = sliceRange(slice, value.length).map((i) => value[i]);
    return value instanceof PyTuple ? tuple(out) : owned(out);
  }
  if (value instanceof PyRange) {
    const [start, stop, step] = sliceIndices(slice, value.length);
    return new PyRange(value.start + start * value.step, value.start + stop * value.step, value.step * step);
  }
  if (value instanceof Undefined) throw undefinedError(value);
  throw pyError("TypeError", `'${typeName(value)}' object is not subscriptable`);
}

/** One item by position: the index as Python takes it, or undefined when out of range. */
export function indexOf(length: number, key: unknown): number | undefined {
  const k = plain(key);
  if (!isIntLike(k)) return undefined;
  let i = numberOf(k);
  if (i < 0) i += length;
  return i >= 0 && i < length ? i : undefined;
}

export { MISSING };
