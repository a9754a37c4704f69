/**
 * Reading parameter files, templates and stdin for the pure stages, as UTF-8 text only
 * when they are UTF-8. Node's own decoding turns a byte that is not UTF-8
 * into U+FFFD without a word, and reads a UTF-16 file as text with a NUL after every
 * letter; both then fail later, far from the cause, or not at all.
 */
import { readFileSync } from "node:fs";
import { isUtf8 } from "node:buffer";
import { InputError, UsageError } from "../errors";
import type { ParamFile } from "../params/types";
import { BOMS, startsWith, utf16WithoutBom } from "./encoding";
import { openLineFile } from "./line-file";
import { terminalSafe } from "../text/show";

let stdinText: string | undefined;
let stdinUser: string | undefined;

/** Where the first byte is that does not start a well-formed UTF-8 sequence (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    const length = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    const second = bytes[i + 1] as number;
    const low = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const high = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    if (second < low || second > high) return i;
    for (let k = 2; k < length; k++) if (((bytes[i + k] as number) & 0xc0) !== 0x80) return i;
    i += length;
  }
  return -1;
}

/** The 1-based line of a byte offset. */
function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = bytes.indexOf(10); i >= 0 && i < offset; i = bytes.indexOf(10, i + 1)) line++;
  return line;
}

/** The bytes around an offset on its line, ASCII as it is and every other byte as \xNN. */
function bytesAround(bytes: Uint8Array, offset: number): string {
  let start = offset;
  while (start > 0 && offset - start < 20 && bytes[start - 1] !== 10) start--;
  let end = offset;
  while (end < bytes.length && end - offset < 20 && bytes[end] !== 10 && bytes[end] !== 13) end++;
  let out = "";
  for (let i = start; i < end; i++) {
    const b = bytes[i] as number;
    out += b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** The iconv command that converts the file: `rows.csv` → `rows-utf8.csv`. */
function converted(name: string, from: string): string {
  if (name === "stdin") return `pipe it through iconv -f ${from} -t UTF-8`;
  const dot = name.lastIndexOf(".");
  const target = dot > name.lastIndexOf("/") + 1 ? `${name.slice(0, dot)}-utf8${name.slice(dot)}` : `${name}-utf8`;
  return `iconv -f ${from} -t UTF-8 ${name} > ${target}`;
}

/**
 * A file's bytes as text, when they are UTF-8 (a UTF-8 byte-order mark is kept; the
 * readers drop it). A UTF-16 or UTF-32 file, a NUL byte, or bytes that are not UTF-8 are
 * an input error naming the file, the line and the byte offset, and how to convert it.
 * `name` is how messages name the file.
 */
export function decodeText(bytes: Buffer, shownName: string): string {
  const name = terminalSafe(shownName);
  const convert = (from: string) => `Convert it to UTF-8, for example: ${converted(name, from)}`;
  for (const bom of BOMS) {
    if (startsWith(bytes, bom.bytes)) {
      throw new InputError(`the file is ${bom.encoding} text (it starts with that byte-order mark); jobx reads UTF-8. ${convert(bom.iconv)}`, { where: name });
    }
  }
  const utf16 = utf16WithoutBom(bytes);
  if (utf16) throw new InputError(`the file looks like UTF-16 (${utf16}) text without a byte-order mark: every other byte is NUL; jobx reads UTF-8. ${convert(utf16 === "little-endian" ? "UTF-16LE" : "UTF-16BE")}`, { where: name });
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    throw new InputError(`a NUL byte at byte offset ${nul}: this is not a text file. Give a UTF-8 text file (CSV, YAML, JSON or NDJSON)`, { where: `${name} line ${lineAt(bytes, nul)}` });
  }
  if (!isUtf8(bytes)) {
    const bad = firstInvalidUtf8(bytes);
    const at = bad >= 0 ? bad : 0;
    throw new InputError(
      `the byte 0x${(bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, "0")} at byte offset ${at} is not UTF-8 (the line holds "${bytesAround(bytes, at)}"). ` +
        `The file was saved in another encoding, most often Latin-1 or Windows-1252. ${convert("WINDOWS-1252")}`,
      { where: `${name} line ${lineAt(bytes, at)}` },
    );
  }
  return bytes.toString("utf8");
}

/**
 * A file's text, when it is UTF-8 (see decodeText). Read straight into a string, as
 * Node reads UTF-8 without a buffer in between: a million-row file is not held twice.
 * Node's decoding writes U+FFFD for every byte that is not UTF-8, and a UTF-16 or UTF-32
 * file holds NULs (or starts with bytes that are not UTF-8), so only a text holding
 * either is read again as bytes, to say what is wrong and where.
 */
export function readTextFile(path: string, name: string): string {
  const text = readFileSync(path, "utf8");
  if (!text.includes("\ufffd") && !text.includes("\u0000")) return text;
  return decodeText(readFileSync(path), name);
}

/** Standard input, read once; a second reader (template and params both '-') is refused. */
export function readStdinOnce(user: string): string {
  if (stdinUser !== undefined && stdinUser !== user) {
    throw new UsageError(`standard input can feed only one input, but both ${stdinUser} and ${user} ask for '-'. Save one to a file`);
  }
  stdinUser = user;
  if (stdinText === undefined) {
    if (process.stdin.isTTY) {
      throw new UsageError(`${user} reads standard input ('-'), but it is a terminal. Pipe the data in, or name a file`);
    }
    stdinText = decodeText(readFileSync(0), "stdin");
  }
  return stdinText;
}

export function readParamFiles(names: string[]): ParamFile[] {
  return names.map((name) => {
    if (name === "-") return { name: "<stdin>", text: readStdinOnce("--params -") };
    try {
      // A CSV is read a line at a time as its rows are used, when it is plain UTF-8 lines.
      if (/\.csv$/i.test(name)) {
        const lines = openLineFile(name, name, () => readTextFile(name, name));
        if (lines) return { name, lines };
      }
      return { name, text: readTextFile(name, name) };
    } catch (err) {
      if (err instanceof InputError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (err as Error).message;
      throw new InputError(`cannot read the parameter file: ${why}`, { where: `--params ${name}` });
    }
  });
}
