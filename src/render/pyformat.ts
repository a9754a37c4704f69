/**
 * Python's number printing and string formatting, byte for byte: repr() of a float,
 * round(), `"%03d" % n` (printf-style, as str.__mod__), and the format-spec
 * mini-language that str.format uses. Floats are rounded from their exact binary value,
 * half to even, as CPython's dtoa does (JavaScript's toFixed rounds ties away from zero).
 */
import { pyError } from "./errors";

/** The exact decimal value of a finite double: digits × 10^-scale (digits without sign). */
function exactDecimal(x: number): { negative: boolean; digits: bigint; scale: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const negative = hi >>> 31 === 1;
  const exponent = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (exponent === 0) e = -1074;
  else {
    mantissa |= 1n << 52n;
    e = exponent - 1075;
  }
  if (e >= 0) return { negative, digits: mantissa << BigInt(e), scale: 0 };
  return { negative, digits: mantissa * 5n ** BigInt(-e), scale: -e };
}

function roundHalfEven(q: bigint, r: bigint, unit: bigint): bigint {
  const twice = 2n * r;
  if (twice > unit || (twice === unit && q % 2n === 1n)) return q + 1n;
  return q;
}

/** |x| rounded to `places` decimal places (may be negative), as a BigInt of units of 10^-places. */
function roundedUnits(x: number, places: number): { negative: boolean; units: bigint } {
  const { negative, digits, scale } = exactDecimal(x);
  const cut = scale - places;
  if (cut <= 0) return { negative, units: digits * 10n ** BigInt(-cut) };
  const unit = 10n ** BigInt(cut);
  return { negative, units: roundHalfEven(digits / unit, digits % unit, unit) };
}

/** Fixed notation with `places` digits after the point (Python's '%.Nf'), without sign. */
export function fixedDigits(x: number, places: number): { negative: boolean; text: string } {
  const { negative, units } = roundedUnits(x, places);
  let text = units.toString();
  if (places > 0) {
    text = text.padStart(places + 1, "0");
    text = `${text.slice(0, -places)}.${text.slice(-places)}`;
  }
  return { negative, text };
}

/** `significant` digits and the decimal exponent of the first, correctly rounded. */
function significantDigits(x: number, significant: number): { negative: boolean; digits: string; exponent: number } {
  const { negative, digits } = exactDecimal(x);
  if (digits === 0n) return { negative, digits: "0".repeat(significant), exponent: 0 };
  const exact = exactDecimal(x);
  const length = exact.digits.toString().length;
  let exponent = length - 1 - exact.scale;
  const places = significant - 1 - exponent;
  let units = roundedUnits(x, places).units.toString();
  if (units.length > significant) {
    exponent++;
    units = units.slice(0, significant);
  }
  return { negative, digits: units, exponent };
}

function exponentSuffix(exponent: number, upper: boolean): string {
  return `${upper ? "E" : "e"}${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
}

/** Python's '%.Ne' without sign. */
export function exponentDigits(x: number, precision: number, upper = false, alternate = false): { negative: boolean; text: string } {
  const { negative, digits, exponent } = significantDigits(x, precision + 1);
  const mantissa = precision > 0 || alternate ? `${digits[0]}.${digits.slice(1)}` : digits;
  return { negative, text: mantissa + exponentSuffix(exponent, upper) };
}

/** Python's '%.Ng' without sign. */
export function generalDigits(x: number, precision: number, upper = false, alternate = false): { negative: boolean; text: string } {
  const p = precision === 0 ? 1 : precision;
  const { negative, exponent } = significantDigits(x, p);
  let text: string;
  if (exponent >= -4 && exponent < p) text = fixedDigits(x, p - 1 - exponent).text;
  else text = exponentDigits(x, p - 1, upper, alternate).text;
  if (!alternate) {
    const [mantissa, suffix = ""] = text.split(/(?=[eE])/);
    const trimmed = (mantissa as string).includes(".") ? (mantissa as string).replace(/0+$/, "").replace(/\.$/, "") : (mantissa as string);
    text = trimmed + suffix;
  } else if (!text.includes(".") && !/[eE]/.test(text)) text += ".";
  return { negative, text };
}

/** Python's repr(float): the shortest digits that read back, fixed between 1e-4 and 1e16. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, exp] = Math.abs(x).toExponential().split("e") as [string, string];
  const digits = mantissa.replace(".", "");
  const exponent = Number(exp);
  const sign = x < 0 ? "-" : "";
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
    const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
    const fraction = digits.slice(exponent + 1);
    return `${sign}${whole}.${fraction || "0"}`;
  }
  return `${sign}${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ""}${exponentSuffix(exponent, false)}`;
}

/** Python's round(x, ndigits) for a float: half to even on the exact value. */
export function roundFloat(x: number, ndigits: number): number {
  if (!Number.isFinite(x)) return x;
  if (ndigits > 300) return x;
  const { negative, text } = fixedDigits(x, Math.max(0, ndigits));
  if (ndigits >= 0) return (negative ? -1 : 1) * Number(text) || (negative ? -0 : 0);
  const { units } = roundedUnits(x, ndigits);
  const value = Number(units) * 10 ** -ndigits;
  return negative ? -value : value;
}

// -----------------------------------------------------------------------------------
// printf-style formatting: str % args

export interface Conversions {
  str(value: unknown): string;
  repr(value: unknown): string;
  ascii(value: unknown): string;
  /** The value as a number for %d and %f, or undefined when it is not one (with Python's type name). */
  number(value: unknown): { value: number; isInt: boolean } | { type: string };
  /** Whether the right side of % is a tuple (its items are the arguments) or a mapping. */
  asArguments(value: unknown): { positional: unknown[] } | { single: unknown; mapping?: (key: string) => unknown };
}

interface Spec {
  flags: string;
  width?: number;
  precision?: number;
  type: string;
}

function pad(body: string, sign: string, spec: Spec, numeric: boolean): string {
  const width = spec.width ?? 0;
  const left = spec.flags.includes("-");
  const length = [...sign].length + [...body].length;
  if (length >= width) return sign + body;
  const fill = width - length;
  if (left) return sign + body + " ".repeat(fill);
  if (numeric && spec.flags.includes("0")) return sign + "0".repeat(fill) + body;
  return " ".repeat(fill) + sign + body;
}

function signOf(negative: boolean, flags: string): string {
  if (negative) return "-";
  if (flags.includes("+")) return "+";
  if (flags.includes(" ")) return " ";
  return "";
}

function intDigits(n: number, base: number): string {
  return BigInt(Math.trunc(Math.abs(n))).toString(base);
}

function formatOne(value: unknown, spec: Spec, conv: Conversions): string {
  const { type, flags, precision } = spec;
  if (type === "s" || type === "r" || type === "a") {
    let text = type === "s" ? conv.str(value) : type === "r" ? conv.repr(value) : conv.ascii(value);
    if (precision !== undefined) text = [...text].slice(0, precision).join("");
    return pad(text, "", spec, false);
  }
  if (type === "c") {
    let ch: string;
    if (typeof value === "string") {
      if ([...value].length !== 1) throw pyError("TypeError", "%c requires an int or a unicode character, not a string of length " + [...value].length);
      ch = value;
    } else {
      const n = conv.number(value);
      if (!("value" in n) || !n.isInt) throw pyError("TypeError", `%c requires an int or a unicode character, not ${"type" in n ? n.type : "float"}`);
      if (n.value < 0 || n.value > 0x10ffff) throw pyError("OverflowError", "%c arg not in range(0x110000)");
      ch = String.fromCodePoint(n.value);
    }
    return pad(ch, "", spec, false);
  }
  const n = conv.number(value);
  if (!("value" in n)) {
    const kind = "diouxXc".includes(type) ? (type === "x" || type === "X" || type === "o" ? "an integer is required" : "a real number is required") : "must be real number";
    throw pyError("TypeError", type === "d" || type === "i" || type === "u" ? `%${type} format: a real number is required, not ${n.type}` : "xXo".includes(type) ? `%${type} format: ${kind}, not ${n.type}` : `${kind}, not ${n.type}`);
  }
  const x = n.value;
  if ("diuxXo".includes(type)) {
    if ("xXo".includes(type) && !n.isInt) throw pyError("TypeError", `%${type} format: an integer is required, not float`);
    if (!Number.isFinite(x)) throw pyError(Number.isNaN(x) ? "ValueError" : "OverflowError", Number.isNaN(x) ? "cannot convert float NaN to integer" : "cannot convert float infinity to integer");
    const base = type === "o" ? 8 : type === "x" || type === "X" ? 16 : 10;
    let digits = intDigits(x, base);
    if (type === "X") digits = digits.toUpperCase();
    if (precision !== undefined) digits = digits.padStart(precision, "0");
    const prefix = flags.includes("#") && base !== 10 ? (type === "o" ? "0o" : type === "x" ? "0x" : "0X") : "";
    return pad(digits, signOf(Math.trunc(x) < 0, flags) + prefix, spec, true);
  }
  const upper = type === "E" || type === "F" || type === "G";
  if (!Number.isFinite(x)) {
    const text = Number.isNaN(x) ? "nan" : "inf";
    return pad(upper ? text.toUpperCase() : text, signOf(x < 0, flags), { ...spec, flags: flags.replace("0", "") }, false);
  }
  const p = precision ?? 6;
  const alternate = flags.includes("#");
  const formatted =
    type === "f" || type === "F"
      ? fixedDigits(x, p)
      : type === "e" || type === "E"
        ? exponentDigits(x, p, upper, alternate)
        : generalDigits(x, p, upper, alternate);
  let text = formatted.text;
  if ((type === "f" || type === "F") && alternate && p === 0) text += ".";
  return pad(text, signOf(formatted.negative, flags), spec, true);
}

const SPEC = /%(?:\(([^)]*)\))?([#0\- +]*)(\*|\d+)?(?:\.(\*|\d+)?)?[hlL]?([diouxXeEfFgGcrsa%])?/g;

/** `format % args` as Python's str.__mod__ does it. */
export function percentFormat(format: string, args: unknown, conv: Conversions): string {
  const given = conv.asArguments(args);
  const positional = "positional" in given ? given.positional : [given.single];
  let next = 0;
  let usedMapping = false;
  const take = (): unknown => {
    if (next >= positional.length) throw pyError("TypeError", "not enough arguments for format string");
    return positional[next++];
  };
  let out = "";
  let last = 0;
  SPEC.lastIndex = 0;
  for (let m = SPEC.exec(format); m; m = SPEC.exec(format)) {
    out += format.slice(last, m.index);
    last = m.index + m[0].length;
    const [, key, flags = "", width, precision, type] = m;
    if (type === undefined) throw pyError("ValueError", `incomplete format`);
    if (type === "%" && key === undefined && width === undefined && precision === undefined && flags === "") {
      out += "%";
      continue;
    }
    let value: unknown;
    const spec: Spec = { flags, type };
    if (width === "*") {
      const w = conv.number(take());
      if (!("value" in w) || !w.isInt) throw pyError("TypeError", "* wants int");
      spec.width = Math.abs(w.value);
      if (w.value < 0) spec.flags += "-";
    } else if (width !== undefined) spec.width = Number(width);
    if (precision === "*") {
      const pr = conv.number(take());
      if (!("value" in pr) || !pr.isInt) throw pyError("TypeError", "* wants int");
      spec.precision = Math.max(0, pr.value);
    } else if (m[0].includes(".")) spec.precision = precision === undefined ? 0 : Number(precision);
    if (key !== undefined) {
      if (!("single" in given) || given.mapping === undefined) throw pyError("TypeError", "format requires a mapping");
      usedMapping = true;
      value = given.mapping(key);
    } else if (type === "%") {
      out += pad("%", "", spec, false);
      continue;
    } else value = take();
    out += formatOne(value, spec, conv);
  }
  out += format.slice(last);
  if (!usedMapping && "positional" in given && next < positional.length) {
    throw pyError("TypeError", "not all arguments converted during string formatting");
  }
  // A single argument that is not a mapping (nor a list, which Python counts as one) must be used.
  if (!usedMapping && "single" in given && next === 0 && given.mapping === undefined) {
    throw pyError("TypeError", "not all arguments converted during string formatting");
  }
  return out;
}

// -----------------------------------------------------------------------------------
// The format-spec mini-language (str.format, format())

const FORMAT_SPEC = /^(?:([\s\S])?([<>=^]))?([-+ ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/;

function group(intPart: string, separator: string | undefined, every: number): string {
  if (!separator) return intPart;
  let out = "";
  for (let i = intPart.length; i > 0; i -= every) out = intPart.slice(Math.max(0, i - every), i) + (out ? separator + out : "");
  return out;
}

function align(body: string, sign: string, fill: string, alignment: string, width: number): string {
  const length = [...sign].length + [...body].length;
  if (length >= width) return sign + body;
  const n = width - length;
  if (alignment === "<") return sign + body + fill.repeat(n);
  if (alignment === ">") return fill.repeat(n) + sign + body;
  if (alignment === "^") return fill.repeat(n >> 1) + sign + body + fill.repeat(n - (n >> 1));
  return sign + fill.repeat(n) + body; // "="
}

function isStringValue(value: unknown, conv: Conversions): boolean {
  return typeof value === "string" || (value !== null && typeof value === "object" && !("value" in conv.number(value)));
}

/** format(value, spec) for str, int, float and bool, as Python's __format__ does. */
export function formatSpec(value: unknown, spec: string, conv: Conversions): string {
  const m = FORMAT_SPEC.exec(spec);
  if (!m) throw pyError("ValueError", `Invalid format specifier '${spec}'`);
  const [, fillChar, alignChar, signChar, , alternate, zero, widthText, grouping, precisionText, typeChar] = m;
  const width = widthText === undefined ? 0 : Number(widthText);
  const precision = precisionText === undefined ? undefined : Number(precisionText);
  let fill = fillChar ?? " ";
  let alignment = alignChar;
  const numeric = !isStringValue(value, conv);
  if (zero && !alignChar) {
    fill = "0";
    alignment = numeric ? "=" : undefined;
  }
  if (typeChar === "n") throw pyError("ValueError", "the 'n' (locale) format type is not supported by jobx; use 'd' or 'g'");
  const isString = typeof value === "string";
  if (isString || (value !== null && typeof value === "object" && !("value" in conv.number(value)))) {
    const text = conv.str(value);
    if (typeChar !== undefined && typeChar !== "s") throw pyError("ValueError", `Unknown format code '${typeChar}' for object of type 'str'`);
    if (grouping) throw pyError("ValueError", `Cannot specify '${grouping}' with 's'.`);
    if (signChar) throw pyError("ValueError", "Sign not allowed in string format specifier");
    if (alignment === "=") throw pyError("ValueError", "'=' alignment not allowed in string format specifier");
    const cut = precision === undefined ? text : [...text].slice(0, precision).join("");
    return align(cut, "", fill, alignment ?? "<", width);
  }
  const n = conv.number(value);
  if (!("value" in n)) throw pyError("TypeError", `unsupported format string passed to ${n.type}.__format__`);
  const x = n.value;
  const sign = (negative: boolean) => (negative ? "-" : signChar === "+" ? "+" : signChar === " " ? " " : "");
  const defaultAlign = alignment ?? ">";
  if (typeChar === "s") throw pyError("ValueError", `Unknown format code 's' for object of type '${typeof value === "boolean" ? "bool" : n.isInt ? "int" : "float"}'`);
  const type = typeChar ?? (n.isInt ? "d" : "");
  if (typeof value === "boolean" && typeChar === undefined && !spec) return conv.str(value);
  if ("bcdoxX".includes(type) && type !== "") {
    if (!n.isInt) throw pyError("ValueError", `Unknown format code '${type}' for object of type 'float'`);
    if (precision !== undefined) throw pyError("ValueError", "Precision not allowed in integer format specifier");
    if (type === "c") {
      if (x < 0 || x > 0x10ffff) throw pyError("OverflowError", "%c arg not in range(0x110000)");
      return align(String.fromCodePoint(x), "", fill, defaultAlign, width);
    }
    const base = type === "b" ? 2 : type === "o" ? 8 : type === "x" || type === "X" ? 16 : 10;
    let digits = intDigits(x, base);
    if (type === "X") digits = digits.toUpperCase();
    digits = group(digits, grouping, base === 10 ? 3 : 4);
    const prefix = alternate && base !== 10 ? `0${type === "b" ? "b" : type === "o" ? "o" : type}` : "";
    return align(digits, sign(x < 0) + prefix, fill, defaultAlign, width);
  }
  // Floats (and ints formatted as floats).
  if (!Number.isFinite(x)) {
    const text = Number.isNaN(x) ? "nan" : "inf";
    return align("EFG".includes(type) && type !== "" ? text.toUpperCase() : text, sign(x < 0), fill === "0" && alignment === "=" && zero ? " " : fill, defaultAlign, width);
  }
  let formatted: { negative: boolean; text: string };
  let percent = "";
  if (type === "f" || type === "F") formatted = fixedDigits(x, precision ?? 6);
  else if (type === "e" || type === "E") formatted = exponentDigits(x, precision ?? 6, type === "E", Boolean(alternate));
  else if (type === "g" || type === "G") formatted = generalDigits(x, precision ?? 6, type === "G", Boolean(alternate));
  else if (type === "%") {
    formatted = fixedDigits(x * 100, precision ?? 6);
    percent = "%";
  } else if (precision === undefined) {
    formatted = { negative: x < 0 || Object.is(x, -0), text: floatRepr(Math.abs(x)) };
  } else {
    // No type, a precision: 'g' that keeps a digit after the point, and switches to an
    // exponent one digit earlier (CPython's format_float_short with ADD_DOT_0).
    const p = precision === 0 ? 1 : precision;
    const { exponent } = significantDigits(x, p);
    if (exponent < -4 || exponent >= p - 1) {
      const e = exponentDigits(x, p - 1, false, Boolean(alternate));
      const [mantissa, suffix] = e.text.split("e") as [string, string];
      formatted = { negative: e.negative, text: `${alternate || !mantissa.includes(".") ? mantissa : mantissa.replace(/0+$/, "").replace(/\.$/, "")}e${suffix}` };
    } else {
      const f = fixedDigits(x, p - 1 - exponent);
      let t = alternate ? f.text : f.text.includes(".") ? f.text.replace(/0+$/, "").replace(/\.$/, "") : f.text;
      if (!t.includes(".")) t += ".0";
      formatted = { negative: f.negative, text: t };
    }
  }
  let text = formatted.text;
  if ((type === "f" || type === "F" || type === "%") && alternate && !text.includes(".")) text += ".";
  const [intPart, rest = ""] = text.split(/(?=[.eE])/, 2).length === 2 ? [text.slice(0, text.search(/[.eE]/)), text.slice(text.search(/[.eE]/))] : [text, ""];
  return align(group(intPart as string, grouping, 3) + rest + percent, sign(formatted.negative), fill, defaultAlign, width);
}
