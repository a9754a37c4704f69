/**
 * YAML, JSON and NDJSON parameter files: a list of objects (one per line for NDJSON),
 * each object one row. Types are kept (the YAML core schema: `yes` and dates stay
 * strings). A JSON list and NDJSON are read lazily (see lazyJsonAxis, parseNdjson).
 */
import { EVENT_ID, constructFromEvents, parseEvents } from "js-yaml";
import { InputError } from "../errors";
import { FileKeys, Spans, eachLine, fileAxisOf, lineCount, rowsAxis } from "./reader-kit";
import { showText, terminalSafe } from "../text/show";
import type { Axis, Entry } from "./product";
import type { FileFormat } from "./types";

/**
 * Copies a loaded value into plain objects and arrays and freezes it: the YAML loader
 * makes null-prototype objects, which surprise template code, and one value is shared
 * by every row of the product, so no row may change it for the others. Each distinct
 * object is copied once, so YAML aliases stay shared instead of multiplying (a small
 * file of nested aliases would otherwise expand to billions of values).
 */
function plain(value: unknown, copies = new Map<object, unknown>()): unknown {
  if (value === null || typeof value !== "object") return value;
  const done = copies.get(value);
  if (done !== undefined) return done;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    copies.set(value, copy);
    for (const item of value) copy.push(plain(item, copies));
    return Object.freeze(copy);
  }
  const copy: Record<string, unknown> = {};
  copies.set(value, copy);
  for (const [key, item] of Object.entries(value)) {
    // defineProperty, not assignment: a nested "__proto__" key must stay an ordinary key.
    Object.defineProperty(copy, key, { value: plain(item, copies), enumerable: true, writable: true, configurable: true });
  }
  return Object.freeze(copy);
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a single object";
  if (typeof value === "string") return `the text ${showText(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  return `a ${typeof value} (${String(value)})`;
}

function exampleFor(format: FileFormat): string[] {
  return format === "yaml"
    ? ["- {name: a, size: 1}", "- {name: b, size: 2}"]
    : ['[{"name": "a", "size": 1},', ' {"name": "b", "size": 2}]'];
}

/**
 * How deep a row's values may nest: the lists and objects a value sits in, the row's own
 * object included. Parameters are values for a template, and none needs this many; a file
 * nested thousands deep is refused here rather than overflowing the stack later.
 */
export const MAX_NESTING = 100;
/**
 * What YAML aliases may add to a file's rows, in characters of the values they repeat:
 * 64 MiB, or ten times the file's own size when that is more. A small file of nested
 * aliases (an alias bomb) would otherwise expand to billions of values when its rows are
 * rendered and recorded.
 */
export const ALIAS_BUDGET = 64 * 1024 * 1024;
const ALIAS_RATIO = 10;

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

function mebibytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round(n / (1024 * 1024))} MiB` : `${Math.max(1, Math.round(n / 1024))} KiB`;
}

function tooDeep(where: string): InputError {
  return new InputError(
    `values nest more than ${MAX_NESTING} levels deep (lists and objects inside each other, the row's own object included). Parameters are values for a template: flatten them, or pass the data by reference (a file name, a URL)`,
    { where },
  );
}

type YamlEvents = ReturnType<typeof parseEvents>;

/**
 * Refuses YAML whose values nest more than MAX_NESTING deep (aliases included: they bring
 * the levels of what they repeat), or whose aliases repeat more than ALIAS_BUDGET of
 * values. `rowLevel` is how many collections hold a row: 1 in a file (its list), 0 for one
 * NDJSON line. Each anchored node's size and depth is measured once, so the check is one
 * pass over the events, whatever the aliases would expand to.
 */
function verifyStructure(events: YamlEvents, text: string, source: string, rowLevel: number): void {
  const maxCollections = MAX_NESTING + rowLevel;
  const budget = Math.max(ALIAS_BUDGET, ALIAS_RATIO * text.length);
  const anchors = new Map<string, { size: number; depth: number }>();
  // Open nodes: their size so far, the levels below them so far, their anchor.
  const open: { size: number; depth: number; anchor: string | undefined }[] = [];
  let collections = 0;
  let added = 0;
  const done = (size: number, depth: number, anchor: string | undefined) => {
    if (anchor !== undefined) anchors.set(anchor, { size, depth });
    const parent = open[open.length - 1];
    if (parent) {
      parent.size += size;
      parent.depth = Math.max(parent.depth, depth);
    }
  };
  const anchorOf = (e: { anchorStart: number; anchorEnd: number }) => (e.anchorStart < 0 ? undefined : text.slice(e.anchorStart, e.anchorEnd));
  for (const event of events) {
    if (event.type === EVENT_ID.DOCUMENT) open.push({ size: 0, depth: 0, anchor: undefined });
    else if (event.type === EVENT_ID.MAPPING || event.type === EVENT_ID.SEQUENCE) {
      if (++collections > maxCollections) throw tooDeep(`${source} line ${lineOf(text, event.start)}`);
      open.push({ size: 1, depth: 0, anchor: anchorOf(event) });
    } else if (event.type === EVENT_ID.SCALAR) done(event.valueEnd - event.valueStart + 1, 0, anchorOf(event));
    else if (event.type === EVENT_ID.ALIAS) {
      const target = anchors.get(text.slice(event.anchorStart, event.anchorEnd));
      if (!target) continue; // an unknown alias: the loader says so
      const where = `${source} line ${lineOf(text, event.anchorStart)}`;
      added += target.size;
      if (added > budget) {
        throw new InputError(
          `the file's aliases (*name) repeat values until its rows would hold more than ${mebibytes(budget)}, from ${mebibytes(text.length)} of text: an alias bomb, not parameters. ` +
            "Write the repeated values out where they are needed, or use fewer aliases",
          { where },
        );
      }
      if (collections + target.depth > maxCollections) throw tooDeep(where);
      done(target.size, target.depth, undefined);
    } else if (event.type === EVENT_ID.POP) {
      const frame = open.pop();
      if (frame && open.length > 0) {
        collections--;
        done(frame.size, frame.depth + 1, frame.anchor);
      }
    }
  }
}

/**
 * The loader for YAML and JSON: the core schema (JSON-compatible types), no duplicate
 * keys, and the structural limits of verifyStructure (`rowLevel`: 1 for a file of rows, 0
 * for one NDJSON line). Returns the one document, or `undefined` when there is none.
 */
function loadDocument(text: string, source: string, label: "YAML" | "JSON", lineOffset = 0, fallbackWhere = source, rowLevel = 1): unknown {
  let documents: unknown[];
  try {
    // The parser's own depth limit counts its recursion, not collections: a guard against
    // overflowing the stack, set above the limit verifyStructure checks exactly.
    const events = parseEvents(text, { filename: source, maxDepth: 2 * MAX_NESTING + 10 });
    verifyStructure(events, text, source, rowLevel);
    documents = constructFromEvents(events, { source: text, filename: source });
  } catch (error) {
    if (error instanceof InputError) throw error;
    const e = error as { reason?: unknown; mark?: { line?: unknown; column?: unknown }; message?: unknown };
    const reason = typeof e.reason === "string" ? e.reason : String(e.message ?? error);
    const line = typeof e.mark?.line === "number" ? e.mark.line + 1 + lineOffset : undefined;
    const column = typeof e.mark?.column === "number" ? e.mark.column + 1 : undefined;
    const where = line === undefined ? fallbackWhere : `${source} line ${line}`;
    if (reason.startsWith("nesting exceeded maxDepth")) throw tooDeep(where);
    const at = column === undefined ? "" : ` (column ${column})`;
    const fix = reason.includes("duplicated mapping key")
      ? " Each key may appear once per row; remove or rename the repeated one."
      : ` Fix the ${label} syntax there.`;
    throw new InputError(`not valid ${label}: ${terminalSafe(reason.replace(/ \(\d+:\d+\)$/, ""))}${at}.${fix}`, { where });
  }
  if (documents.length > 1) {
    throw new InputError(`the file holds ${documents.length} ${label} documents (separated by ---), but jobx reads one. Put all rows in one list.`, { where: fallbackWhere });
  }
  return documents[0];
}

function mappingEntries(value: unknown): Entry[] | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const copies = new Map<object, unknown>();
  return Object.entries(value).map(([key, v]) => [key, plain(v, copies)] as const);
}

/**
 * A JSON file that is one list of objects, read lazily: one scan finds where each item
 * starts and ends (strings and nesting followed), each item is checked (JSON, an object,
 * no repeated key, valid keys), and only the offsets are kept; an item is parsed again
 * when its row is used. Undefined for anything else, or at the first problem: the whole
 * file is then read by the YAML loader, whose messages say where the problem is.
 */
function lazyJsonAxis(text: string, source: string): Axis | undefined {
  let at = 0;
  const skipSpace = () => {
    while (at < text.length && " \t\r\n".includes(text[at] as string)) at++;
  };
  skipSpace();
  if (text[at] !== "[") return undefined;
  at++;
  const items = new Spans();
  const keys = new FileKeys();
  skipSpace();
  if (text[at] === "]") return undefined; // an empty list: the common path says so
  for (;;) {
    skipSpace();
    const start = at;
    // To the comma or bracket that ends this item, past strings and nested lists and objects.
    let depth = 0;
    for (; at < text.length; at++) {
      const c = text.charCodeAt(at);
      if (c === 34) {
        for (at++; at < text.length && text.charCodeAt(at) !== 34; at++) if (text.charCodeAt(at) === 92) at++;
      } else if (c === 123 || c === 91) {
        if (++depth > MAX_NESTING) throw tooDeep(`${source} line ${lineOf(text, at)}`);
      } else if (c === 125 || c === 93) {
        if (depth === 0) break;
        depth--;
      } else if (c === 44 && depth === 0) break;
    }
    if (at >= text.length) return undefined;
    let end = at;
    while (end > start && " \t\r\n".includes(text[end - 1] as string)) end--;
    const item = text.slice(start, end);
    if (!item.startsWith("{")) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(item);
    } catch {
      return undefined;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value) || duplicateJsonKey(item) !== undefined) return undefined;
    try {
      for (const key of Object.keys(value)) keys.add(key, source);
    } catch {
      return undefined;
    }
    items.push(start, end);
    if (text[at] === "]") break;
    at++; // the comma
  }
  at++;
  skipSpace();
  if (at < text.length) return undefined;
  return jsonObjectsAxis(source, text, items, keys.list);
}

/** An axis over JSON objects at known spans of the text, each parsed again when its row is used. */
function jsonObjectsAxis(source: string, text: string, objects: Spans, keys: readonly string[]): Axis {
  return fileAxisOf(source, keys, objects.count, (position) => mappingEntries(JSON.parse(text.slice(objects.start(position), objects.end(position)))) ?? []);
}

export function parseStructured(text: string, source: string, format: "yaml" | "json", sniffed: boolean): Axis {
  const label = format === "yaml" ? "YAML" : "JSON";
  if (format === "json") {
    const lazy = lazyJsonAxis(text, source);
    if (lazy) return lazy;
  }
  const document = loadDocument(text, source, label);
  if (document === undefined) return rowsAxis(source, [], () => source);
  if (!Array.isArray(document)) {
    const hint = sniffed && format === "yaml" ? ["(If this is CSV or NDJSON, give the file a .csv or .ndjson name so it is read as such.)"] : [];
    throw new InputError(`expected a list of objects, like:`, {
      where: `${source}`,
      details: [...exampleFor(format), `but the file holds ${describeValue(document)}.`, ...hint],
    });
  }
  const rows = document.map((item, index) => {
    const entries = mappingEntries(item);
    if (!entries) {
      throw new InputError(`expected an object (key: value pairs), got ${describeValue(item)}. Every item of the list must be one row of named values.`, {
        where: `${source} row ${index + 1}`,
        details: exampleFor(format),
      });
    }
    return entries;
  });
  return rowsAxis(source, rows, (index) => `${source} row ${index + 1}`);
}

/**
 * One scan of already-valid JSON text for what JSON.parse lets through: the first key that
 * appears twice in one object (JSON.parse silently keeps the last), and where the nesting
 * first goes deeper than `maxNesting`. A scan is far cheaper than parsing every line with
 * the YAML loader, which would catch both.
 */
export function scanJson(json: string, maxNesting = Infinity): { duplicate?: string; tooDeepAt?: number } {
  const objects: (Set<string> | undefined)[] = [];
  let i = 0;
  while (i < json.length) {
    const ch = json[i];
    if (ch === '"') {
      let end = i + 1;
      while (end < json.length && json[end] !== '"') end += json[end] === "\\" ? 2 : 1;
      const literal = json.slice(i, end + 1);
      i = end + 1;
      while (i < json.length && " \t\r\n".includes(json[i] ?? "")) i++;
      const keys = objects[objects.length - 1];
      if (json[i] === ":" && keys) {
        const name = JSON.parse(literal) as string;
        if (keys.has(name)) return { duplicate: name };
        keys.add(name);
      }
      continue;
    }
    if (ch === "{" || ch === "[") {
      objects.push(ch === "{" ? new Set() : undefined);
      if (objects.length > maxNesting) return { tooDeepAt: i };
    } else if (ch === "}" || ch === "]") objects.pop();
    i++;
  }
  return {};
}

/** The first key that appears twice in one object of already-valid JSON text, if any. */
export function duplicateJsonKey(json: string): string | undefined {
  return scanJson(json).duplicate;
}

function parseJsonLine(line: string, source: string, index: number, where: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    // The YAML loader says where in the line the problem is; JSON.parse's wording varies by Node version.
    loadDocument(line, source, "JSON", index, where, 0);
    throw new InputError(`not valid JSON: ${terminalSafe((error as Error).message)}. Fix the JSON syntax there.`, { where });
  }
  const { duplicate, tooDeepAt } = scanJson(line, MAX_NESTING);
  if (tooDeepAt !== undefined) throw tooDeep(where);
  if (duplicate !== undefined) {
    throw new InputError(`not valid JSON: duplicated mapping key ${showText(duplicate)}. Each key may appear once per row; remove or rename the repeated one.`, { where });
  }
  return value;
}

/**
 * NDJSON is checked line by line up front (JSON, an object, no repeated key, valid keys),
 * keeping only where each row's line starts and ends; a row is parsed again when it is
 * used, so a million rows never sit in memory as objects.
 */
export function parseNdjson(text: string, source: string): Axis {
  const rows = new Spans(lineCount(text));
  const keys = new FileKeys();
  eachLine(text, (start, end, lineNumber) => {
    const line = text.slice(start, end);
    if (line.trim() === "") return;
    const where = `${source} line ${lineNumber}`;
    if (!line.trimStart().startsWith("{")) {
      throw new InputError(`expected one JSON object per line, like {"name": "a", "size": 1}, got ${showText(line.length > 40 ? `${line.slice(0, 40)}...` : line)}.`, { where });
    }
    const value = parseJsonLine(line, source, lineNumber - 1, where);
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new InputError(`expected a JSON object like {"name": "a", "size": 1}, got ${describeValue(value)}.`, { where });
    }
    for (const key of Object.keys(value)) keys.add(key, where);
    rows.push(start, end);
  });
  if (rows.count === 0) return rowsAxis(source, [], () => source);
  return jsonObjectsAxis(source, text, rows, keys.list);
}
