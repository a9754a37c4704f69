/**
 * A text file read a line at a time, as its lines are used: a million-row CSV is never
 * held whole. One pass up front checks that it is UTF-8 text with LF or CRLF line ends
 * and keeps where each non-empty line starts (4 bytes a line); a line is then read from
 * a window of the file around it. Anything the pass does not take (a byte-order mark,
 * UTF-16, a NUL, bytes that are not UTF-8, a lone CR, a file of 4 GiB or more) makes
 * `openLineFile` return undefined, and the caller reads the file whole, as before, with
 * the messages that explain it.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";
import { isUtf8 } from "node:buffer";
import { InputError } from "../errors";
import { startsInAnotherEncoding, startsWith } from "./encoding";
import type { LineSource } from "../params/types";

/** How much of the file the pass reads at a time (into one buffer). */
const BLOCK = 1024 * 1024;
/**
 * How much of the file the window lines are read from holds, and the chunks its bytes are
 * given in. Kept under the size V8 puts straight into its old generation, so a window's
 * buffer and text are freed by the young generation's frequent collections, not left to
 * pile up until a full one (at a million rows, that held 30 MB more at the peak).
 */
const WINDOW = 64 * 1024;
const LF = 10;
const CR = 13;

/** Where each non-empty line starts, in a typed array that grows as lines are found. */
class Starts {
  private at = new Uint32Array(4096);
  count = 0;

  push(offset: number): void {
    if (this.count === this.at.length) {
      const grown = new Uint32Array(this.at.length * 2);
      grown.set(this.at);
      this.at = grown;
    }
    this.at[this.count++] = offset;
  }

  get(n: number): number {
    return this.at[n] ?? 0;
  }
}

/** `length` bytes from `position`, read into `into` when given (it must hold them), else into a new buffer. */
function readAt(path: string, position: number, length: number, into?: Buffer): Buffer {
  const fd = openSync(path, "r");
  try {
    const buffer = into ?? Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const n = readSync(fd, buffer, filled, length - filled, position + filled);
      if (n === 0) break;
      filled += n;
    }
    return buffer.subarray(0, filled);
  } finally {
    closeSync(fd);
  }
}

/** A UTF-8 byte-order mark, which the whole-file reader's readers drop. */
const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** The file's lines, or undefined when it needs the whole-file reader (see above). `name` is how messages name it; `text` reads it whole. */
export function openLineFile(path: string, name: string, text: () => string): LineSource | undefined {
  const fd = openSync(path, "r");
  let size: number;
  let mtime: number;
  const starts = new Starts();
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size >= 2 ** 32) return undefined;
    size = stat.size;
    mtime = stat.mtimeMs;
    const block = Buffer.allocUnsafe(BLOCK);
    // The pass: whole lines of each block (a line break is never inside a UTF-8 sequence).
    let offset = 0;
    let carry = 0;
    while (offset + carry < size || carry > 0) {
      const room = block.length - carry;
      const read = offset + carry < size ? readSync(fd, block, carry, room, offset + carry) : 0;
      const end = carry + read;
      const atEof = offset + end >= size;
      let last = end;
      if (!atEof) {
        last = block.lastIndexOf(LF, end - 1) + 1;
        if (last === 0) return undefined; // a line longer than a block: the whole-file reader
      }
      const lines = block.subarray(0, last);
      if (offset === 0 && (startsInAnotherEncoding(lines) || startsWith(lines, UTF8_BOM))) return undefined;
      if (lines.indexOf(0) >= 0 || !isUtf8(lines)) return undefined;
      // The next CR, looked for again only once passed: a search per line would scan the rest of the block each time.
      let cr = lines.indexOf(CR);
      for (let at = 0; at < last; ) {
        let nl = lines.indexOf(LF, at);
        if (nl < 0) nl = last;
        let stop = nl;
        if (stop > at && lines[stop - 1] === CR) stop--;
        if (cr >= 0 && cr < at) cr = lines.indexOf(CR, at);
        if (cr >= 0 && cr < stop) return undefined; // a lone CR
        if (stop > at) starts.push(offset + at);
        at = nl + 1;
      }
      // The unfinished line goes to the front of the next block.
      block.copy(block, 0, last, end);
      carry = end - last;
      offset += last;
      if (atEof) break;
    }
  } finally {
    closeSync(fd);
  }

  // The window is read into one buffer, again and again, and each line decoded on its own:
  // a new buffer per window, or lines sliced from a window's text (which keeps all of it
  // alive while any row holds a value), was promoted to the old generation at every young
  // collection that found a row in progress, and piled up there between full ones.
  let held = Buffer.allocUnsafe(WINDOW);
  let window: { from: number; bytes: Buffer } = { from: 0, bytes: held.subarray(0, 0) };
  const load = (from: number, atLeast: number) => {
    const stat = statSync(path);
    if (stat.size !== size || stat.mtimeMs !== mtime) {
      throw new InputError("the file changed while jobx was reading it: its rows cannot be trusted. Let whatever writes it finish, then run jobx again", { where: name });
    }
    const length = Math.min(Math.max(WINDOW, atLeast), size - from);
    if (held.length < length) held = Buffer.allocUnsafe(length);
    window = { from, bytes: readAt(path, from, length, held) };
  };
  /** Line n, from its start to its line break (without a CR before it). */
  const lineText = (n: number): string => {
    const start = starts.get(n);
    if (start < window.from || start >= window.from + window.bytes.length) load(start, WINDOW);
    for (let want = 2 * WINDOW; ; want *= 2) {
      const at = start - window.from;
      const nl = window.bytes.indexOf(LF, at);
      if (nl >= 0 || window.from + window.bytes.length >= size) {
        let stop = nl >= 0 ? nl : window.bytes.length;
        if (stop > at && window.bytes[stop - 1] === CR) stop--;
        return window.bytes.toString("utf8", at, stop);
      }
      load(start, want); // the line runs past the window
    }
  };
  function* bytes(): Generator<Uint8Array> {
    const chunk = Buffer.allocUnsafe(WINDOW);
    for (let from = 0; from < size; from += WINDOW) yield readAt(path, from, Math.min(WINDOW, size - from), chunk);
  }
  return {
    count: starts.count,
    text,
    bytes,
    line: lineText,
    lineNumber: (n) => {
      // Only for messages: the line breaks before the line, counted again.
      const before = starts.get(n);
      let count = 1;
      for (let from = 0; from < before; from += BLOCK) {
        const bytes = readAt(path, from, Math.min(BLOCK, before - from));
        for (let nl = bytes.indexOf(LF); nl >= 0; nl = bytes.indexOf(LF, nl + 1)) count++;
      }
      return count;
    },
  };
}
