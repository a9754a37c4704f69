/**
 * Jinja2's lexer, as jinja2/lexer.py reads a template with the default environment:
 * `{{ }}`, `{% %}`, `{# #}`, `{% raw %}`, whitespace control with `-` (and `+`, which
 * only matters with trim_blocks/lstrip_blocks, both off by default), no line statements.
 * Tokens carry a line and a column (Jinja2's carry only a line).
 */
import { TemplateSyntaxError } from "./errors";

export type TokenType =
  | "data"
  | "variable_begin"
  | "variable_end"
  | "block_begin"
  | "block_end"
  | "name"
  | "string"
  | "integer"
  | "float"
  | "operator"
  | "eof";

export interface Token {
  type: TokenType;
  /** The text of a data, name or operator token; the decoded value of a string. */
  value: string;
  /** The value of an integer or float literal. */
  number?: number;
  line: number;
  column: number;
}

// Python's str.isspace() characters: what \s, strip() and rstrip() mean in Jinja2.
export const PY_SPACE = "\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const SPACE_RUN = new RegExp(`[${PY_SPACE}]+`, "y");
const TRAILING_SPACE = new RegExp(`[${PY_SPACE}]+$`);

const FLOAT = /(?<!\.)(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?[eE][+-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+)/y;
const INTEGER = /(?:0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0[xX](?:_?[\da-fA-F])+|[1-9](?:_?\d)*|0(?:_?0)*)/y;
// Jinja2 reads a run of word characters (and combining marks) and then requires
// str.isidentifier(); XID_Start/XID_Continue is that test.
const NAME_RUN = /[\p{L}\p{N}\p{Mn}\p{Mc}\p{Pc}\u00b7\u2e31]+/uy;
const IDENTIFIER = /^[\p{XID_Start}_][\p{XID_Continue}]*$/u;
const STRING = /'([^'\\]*(?:\\[\s\S][^'\\]*)*)'|"([^"\\]*(?:\\[\s\S][^"\\]*)*)"/y;
const OPERATORS = ["//", "**", "==", "!=", ">=", "<=", "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}", ">", "<", "=", ".", ":", "|", ",", ";"];

// The start of the next tag: raw (before the others, as in Jinja2's root rule), comment, block, variable.
const TAG_START = new RegExp(`\\{%([-+]?)[${PY_SPACE}]*raw[${PY_SPACE}]*(-%\\}[${PY_SPACE}]*|%\\})|\\{([#%{])([-+]?)`, "g");
const RAW_END = new RegExp(`\\{%([-+]?)[${PY_SPACE}]*endraw[${PY_SPACE}]*(?:\\+%\\}|-%\\}[${PY_SPACE}]*|%\\})`, "g");
const COMMENT_END = new RegExp(`(?:\\+#\\}|-#\\}[${PY_SPACE}]*|#\\})`, "g");

/** Line and column (1-based) of each offset, from the line starts. */
export class Positions {
  private readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) this.starts.push(i + 1);
  }
  at(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.starts[lo] as number) + 1 };
  }
}

/** Python's unicode-escape decoding of a string literal's body, as Jinja2 applies it. */
function decodeString(body: string, fail: (message: string) => never): string {
  if (!body.includes("\\")) return body;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const next = body[++i];
    if (next === undefined) fail("the string literal ends with a backslash");
    const simple: Record<string, string> = { "\n": "", "\\": "\\", "'": "'", '"': '"', a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };
    if (next in simple) {
      out += simple[next];
      continue;
    }
    if (next >= "0" && next <= "7") {
      let digits = next;
      while (digits.length < 3 && /[0-7]/.test(body[i + 1] ?? "")) digits += body[++i];
      out += String.fromCodePoint(parseInt(digits, 8));
      continue;
    }
    const hexLength = next === "x" ? 2 : next === "u" ? 4 : next === "U" ? 8 : 0;
    if (hexLength) {
      const hex = body.slice(i + 1, i + 1 + hexLength);
      if (hex.length < hexLength || !/^[0-9a-fA-F]+$/.test(hex)) fail(`truncated \\${next}${"X".repeat(hexLength)} escape in a string literal`);
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) fail(`illegal Unicode character \\${next}${hex} in a string literal`);
      out += String.fromCodePoint(code);
      i += hexLength;
      continue;
    }
    if (next === "N") throw new TemplateSyntaxError("\\N{…} escapes in string literals are not supported; write the character itself or \\uXXXX");
    out += `\\${next}`; // Python keeps an unknown escape as it is
  }
  return out;
}

export function tokenize(source: string): Token[] {
  const positions = new Positions(source);
  const tokens: Token[] = [];
  const push = (type: TokenType, value: string, offset: number, number?: number) => {
    const { line, column } = positions.at(offset);
    tokens.push(number === undefined ? { type, value, line, column } : { type, value, number, line, column });
  };
  const failAt = (offset: number, message: string): never => {
    const { line, column } = positions.at(offset);
    throw new TemplateSyntaxError(message, line, column);
  };
  let pos = 0;
  // Data is pushed once the next tag's whitespace control is known.
  const pushData = (text: string, offset: number, strip: string) => {
    const data = strip === "-" ? text.replace(TRAILING_SPACE, "") : text;
    if (data) push("data", data, offset);
  };
  while (pos < source.length) {
    TAG_START.lastIndex = pos;
    const m = TAG_START.exec(source);
    if (!m) {
      pushData(source.slice(pos), pos, "");
      break;
    }
    const isRaw = m[3] === undefined;
    pushData(source.slice(pos, m.index), pos, isRaw ? (m[1] as string) : (m[4] as string));
    const tagStart = m.index;
    pos = m.index + m[0].length;
    if (isRaw) {
      RAW_END.lastIndex = pos;
      const end = RAW_END.exec(source);
      if (!end) failAt(tagStart, "missing end of raw directive: add {% endraw %}");
      const e = end as RegExpExecArray;
      pushData(source.slice(pos, e.index), pos, e[1] as string);
      pos = e.index + e[0].length;
      continue;
    }
    const kind = m[3];
    if (kind === "#") {
      COMMENT_END.lastIndex = pos;
      const end = COMMENT_END.exec(source);
      if (!end) failAt(tagStart, "missing end of comment tag: close it with #}");
      pos = (end as RegExpExecArray).index + (end as RegExpExecArray)[0].length;
      continue;
    }
    const isBlock = kind === "%";
    push(isBlock ? "block_begin" : "variable_begin", m[0], tagStart);
    const closer = isBlock ? "%}" : "}}";
    const balance: string[] = [];
    for (;;) {
      if (pos >= source.length) failAt(tagStart, `unexpected end of template: the tag opened here is never closed with ${closer}`);
      if (balance.length === 0) {
        const endMatch = isBlock ? /(?:\+%\}|-%\}|%\})/y : /(?:-\}\}|\}\})/y;
        endMatch.lastIndex = pos;
        const e = endMatch.exec(source);
        if (e) {
          push(isBlock ? "block_end" : "variable_end", e[0], pos);
          pos += e[0].length;
          if (e[0].startsWith("-")) {
            SPACE_RUN.lastIndex = pos;
            const ws = SPACE_RUN.exec(source);
            if (ws) pos += ws[0].length;
          }
          break;
        }
      }
      SPACE_RUN.lastIndex = pos;
      const ws = SPACE_RUN.exec(source);
      if (ws) {
        pos += ws[0].length;
        continue;
      }
      FLOAT.lastIndex = pos;
      const f = FLOAT.exec(source);
      if (f) {
        push("float", f[0], pos, Number(f[0].replace(/_/g, "")));
        pos += f[0].length;
        continue;
      }
      INTEGER.lastIndex = pos;
      const int = INTEGER.exec(source);
      if (int) {
        const text = int[0].replace(/_/g, "");
        const value = /^0[bB]/.test(text) ? parseInt(text.slice(2), 2) : /^0[oO]/.test(text) ? parseInt(text.slice(2), 8) : Number(text);
        if (!Number.isSafeInteger(value)) failAt(pos, `the integer ${int[0]} is beyond ±2**53, which jobx does not compute with exactly; write it as a string`);
        push("integer", int[0], pos, value);
        pos += int[0].length;
        continue;
      }
      NAME_RUN.lastIndex = pos;
      const name = NAME_RUN.exec(source);
      if (name) {
        if (!IDENTIFIER.test(name[0])) failAt(pos, `invalid character in identifier '${name[0]}'`);
        push("name", name[0], pos);
        pos += name[0].length;
        continue;
      }
      STRING.lastIndex = pos;
      const str = STRING.exec(source);
      if (str) {
        const body = (str[1] ?? str[2] ?? "").replace(/\r\n?/g, "\n");
        const at = pos;
        push("string", decodeString(body, (message) => failAt(at, message)), pos);
        pos += str[0].length;
        continue;
      }
      const op = OPERATORS.find((o) => source.startsWith(o, pos));
      if (op) {
        if (op === "{" || op === "(" || op === "[") balance.push(op === "{" ? "}" : op === "(" ? ")" : "]");
        else if (op === "}" || op === ")" || op === "]") {
          const expected = balance.pop();
          if (expected === undefined) failAt(pos, `unexpected '${op}'`);
          if (expected !== op) failAt(pos, `unexpected '${op}', expected '${expected}'`);
        }
        push("operator", op, pos);
        pos += op.length;
        continue;
      }
      failAt(pos, `unexpected character ${JSON.stringify(source[pos])}`);
    }
  }
  push("eof", "", source.length);
  return tokens;
}
