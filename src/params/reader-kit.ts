/** What every file reader needs to make its axis: the keys it found, where its rows are, the axis itself. */
import { InputError } from "../errors";
import { checkKey } from "./keys";
import type { Axis, Entry } from "./product";
import type { LineSource } from "./types";

/** A file's keys in the order they first appear, each checked once. */
export class FileKeys {
  readonly list: string[] = [];
  private readonly seen = new Set<string>();

  /** `where` names the place for the message when the key is refused. */
  add(key: string, where: string | (() => string)): void {
    if (this.seen.has(key)) return;
    checkKey(key, typeof where === "string" ? where : where());
    this.seen.add(key);
    this.list.push(key);
  }
}

/**
 * Where each row of a file's text starts and ends, in typed arrays (nothing for the
 * garbage collector to trace) that grow as rows are found, or are made at their size
 * when the caller has counted the rows.
 */
export class Spans {
  private starts: Uint32Array;
  private ends: Uint32Array;
  count = 0;

  constructor(capacity = 1024) {
    this.starts = new Uint32Array(Math.max(1, capacity));
    this.ends = new Uint32Array(Math.max(1, capacity));
  }

  push(start: number, end: number): void {
    if (this.count === this.starts.length) {
      const grow = (a: Uint32Array) => {
        const b = new Uint32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
    }
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.count++;
  }

  start(n: number): number {
    return this.starts[n] ?? 0;
  }

  end(n: number): number {
    return this.ends[n] ?? 0;
  }
}

/** How many lines the text has, counting a last one without a line break: enough Spans for them. */
export function lineCount(text: string): number {
  let lines = 1;
  for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", nl + 1)) lines++;
  return lines;
}

/** Calls `visit` with every line: where it starts, where it ends without its line break (LF or CRLF), and its 1-based number. */
export function eachLine(text: string, visit: (start: number, end: number, line: number) => void): void {
  for (let at = 0, line = 1; at <= text.length; line++) {
    let nl = text.indexOf("\n", at);
    if (nl < 0) nl = text.length;
    visit(at, nl > at && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl, line);
    at = nl + 1;
  }
}

/** A text's non-empty lines as a LineSource, their places kept in typed arrays. */
export function textLines(text: string): LineSource {
  const spans = new Spans(lineCount(text));
  eachLine(text, (start, end) => {
    if (end > start) spans.push(start, end);
  });
  return {
    count: spans.count,
    line: (n) => text.slice(spans.start(n), spans.end(n)),
    lineNumber: (n) => text.slice(0, spans.start(n)).split("\n").length,
    text: () => text,
    bytes: () => [Buffer.from(text)],
  };
}

/** A file's axis: every key from this one file, and each position's entries (and, for a reader that can, a way to set them on a row directly). */
export function fileAxisOf(source: string, keys: readonly string[], length: number, entries: (position: number) => readonly Entry[], assign?: Axis["assign"]): Axis {
  return { source, length, keys, keySources: keys.map(() => source), entries, ...(assign ? { assign } : {}) };
}

/** Builds an axis from parsed rows, checking each key once. */
export function rowsAxis(source: string, rows: readonly (readonly Entry[])[], rowWhere: (index: number) => string): Axis {
  if (rows.length === 0) {
    throw new InputError(`no rows in ${source}: a parameter file needs at least one row. Add rows, or leave out --params ${source === "stdin" ? "-" : source} to render once.`);
  }
  const keys = new FileKeys();
  rows.forEach((entries, index) => {
    for (const [key] of entries) keys.add(key, () => rowWhere(index));
  });
  return fileAxisOf(source, keys.list, rows.length, (position) => rows[position] ?? []);
}
