/**
 * YAML, JSON and NDJSON parameter files: a list of objects (one per line for NDJSON),
 * each object one row. Types are kept (the YAML core schema: `yes` and dates stay
 * strings). A JSON list and NDJSON are read lazily (see lazyJsonAxis, parseNdjson).
 */
import { loadAll } from "js-yaml";
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
 * The loader for YAML and JSON: the core schema (JSON-compatible types) and no duplicate
 * keys. Returns the one document, or `undefined` when there is none (only comments).
 */
function loadDocument(text: string, source: string, label: "YAML" | "JSON", lineOffset = 0, fallbackWhere = source): unknown {
  let documents: unknown[];
  try {
    documents = loadAll(text, { filename: source });
  } catch (error) {
    const e = error as { reason?: unknown; mark?: { line?: unknown; column?: unknown }; message?: unknown };
    const reason = typeof e.reason === "string" ? e.reason : String(e.message ?? error);
    const line = typeof e.mark?.line === "number" ? e.mark.line + 1 + lineOffset : undefined;
    const column = typeof e.mark?.column === "number" ? e.mark.column + 1 : undefined;
    const where = line === undefined ? fallbackWhere : `${source} line ${line}`;
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
      } else if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) {
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
 * The first key that appears twice in one object of already-valid JSON text, if any.
 * JSON.parse silently keeps the last of duplicate keys; a scan is far cheaper than
 * parsing every line with the YAML loader, which would catch them.
 */
export function duplicateJsonKey(json: string): string | undefined {
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
        if (keys.has(name)) return name;
        keys.add(name);
      }
      continue;
    }
    if (ch === "{") objects.push(new Set());
    else if (ch === "[") objects.push(undefined);
    else if (ch === "}" || ch === "]") objects.pop();
    i++;
  }
  return undefined;
}

function parseJsonLine(line: string, source: string, index: number, where: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    // The YAML loader says where in the line the problem is; JSON.parse's wording varies by Node version.
    loadDocument(line, source, "JSON", index, where);
    throw new InputError(`not valid JSON: ${terminalSafe((error as Error).message)}. Fix the JSON syntax there.`, { where });
  }
  const duplicate = duplicateJsonKey(line);
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
