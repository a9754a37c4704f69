/**
 * Parsing parameter files (text already read by the caller) into axes of rows.
 * YAML and JSON keep their types; CSV values stay strings, because guessing types
 * from CSV turns version numbers like 1.10 into 1.1 and zip codes into numbers.
 */
import { parse as parseCsv } from "csv-parse/sync";
import { loadAll } from "js-yaml";
import { InputError, UsageError } from "../errors";
import { checkKey, quote } from "./keys";
import type { Axis, Entry } from "./product";
import type { ParamFile, Row } from "./types";

export type FileFormat = NonNullable<ParamFile["format"]>;

const FORMATS: readonly FileFormat[] = ["yaml", "json", "csv", "ndjson"];

const EXTENSIONS: Readonly<Record<string, FileFormat>> = {
  ".yaml": "yaml",
  ".yml": "yaml",
  ".json": "json",
  ".csv": "csv",
  ".ndjson": "ndjson",
  ".jsonl": "ndjson",
};

/** How messages name a file: stdin has no name of its own. */
export function displayName(file: ParamFile): string {
  return file.name === "-" ? "stdin" : file.name;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Guesses the format from the content, for stdin and unknown extensions:
 * `[` first → JSON; every non-blank line starts with `{` → NDJSON; a first line with
 * commas that looks like neither a YAML mapping (`key: value`), a list item (`- `) nor
 * a comment → CSV; anything else → YAML.
 */
export function sniffFormat(text: string): FileFormat {
  const body = stripBom(text).trimStart();
  if (body.startsWith("[")) return "json";
  const lines = body.split(/\r?\n/).filter((line) => line.trim() !== "");
  if (lines.length > 0 && lines.every((line) => line.trimStart().startsWith("{"))) return "ndjson";
  const first = lines[0] ?? "";
  if (first.includes(",") && !first.includes(": ") && !first.startsWith("- ") && !first.startsWith("#")) return "csv";
  return "yaml";
}

/** The format a file is read as: forced, else by extension, else by content. */
export function detectFormat(file: ParamFile): { format: FileFormat; sniffed: boolean } {
  if (file.format !== undefined) {
    if (!FORMATS.includes(file.format)) {
      throw new UsageError(`${displayName(file)}: unknown parameter file format ${quote(String(file.format))}; use one of ${FORMATS.join(", ")}.`);
    }
    return { format: file.format, sniffed: false };
  }
  const dot = file.name.lastIndexOf(".");
  const slash = Math.max(file.name.lastIndexOf("/"), file.name.lastIndexOf("\\"));
  if (dot > slash + 1) {
    const format = EXTENSIONS[file.name.slice(dot).toLowerCase()];
    if (format) return { format, sniffed: false };
  }
  return { format: sniffFormat(file.text), sniffed: true };
}

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
  if (typeof value === "string") return `the text ${quote(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  return `a ${typeof value} (${String(value)})`;
}

/** Builds an axis from parsed rows, checking each key once. */
function rowsAxis(source: string, rows: readonly (readonly Entry[])[], rowWhere: (index: number) => string): Axis {
  if (rows.length === 0) {
    throw new InputError(`no rows in ${source}: a parameter file needs at least one row. Add rows, or leave out --params ${source === "stdin" ? "-" : source} to render once.`);
  }
  const keys: string[] = [];
  const seen = new Set<string>();
  rows.forEach((entries, index) => {
    for (const [key] of entries) {
      if (seen.has(key)) continue;
      checkKey(key, rowWhere(index));
      seen.add(key);
      keys.push(key);
    }
  });
  return {
    source,
    length: rows.length,
    keys,
    keySources: keys.map(() => source),
    entries: (position) => rows[position] ?? [],
  };
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
    throw new InputError(`not valid ${label}: ${reason.replace(/ \(\d+:\d+\)$/, "")}${at}.${fix}`, { where });
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
  let starts = new Uint32Array(1024);
  let ends = new Uint32Array(1024);
  let count = 0;
  const keys: string[] = [];
  const seen = new Set<string>();
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
    for (const key of Object.keys(value)) {
      if (seen.has(key)) continue;
      try {
        checkKey(key, source);
      } catch {
        return undefined;
      }
      seen.add(key);
      keys.push(key);
    }
    if (count === starts.length) {
      const grow = (a: Uint32Array) => {
        const b = new Uint32Array(a.length * 2);
        b.set(a);
        return b;
      };
      starts = grow(starts);
      ends = grow(ends);
    }
    starts[count] = start;
    ends[count] = end;
    count++;
    if (text[at] === "]") break;
    at++; // the comma
  }
  at++;
  skipSpace();
  if (at < text.length) return undefined;
  return {
    source,
    length: count,
    keys,
    keySources: keys.map(() => source),
    entries: (position) => mappingEntries(JSON.parse(text.slice(starts[position], ends[position]))) ?? [],
  };
}

function parseStructured(text: string, source: string, format: "yaml" | "json", sniffed: boolean): Axis {
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
    throw new InputError(`not valid JSON: ${(error as Error).message}. Fix the JSON syntax there.`, { where });
  }
  const duplicate = duplicateJsonKey(line);
  if (duplicate !== undefined) {
    throw new InputError(`not valid JSON: duplicated mapping key ${quote(duplicate)}. Each key may appear once per row; remove or rename the repeated one.`, { where });
  }
  return value;
}

/**
 * NDJSON is checked line by line up front (JSON, an object, no repeated key, valid keys),
 * keeping only where each row's line starts and ends; a row is parsed again when it is
 * used, so a million rows never sit in memory as objects.
 */
function parseNdjson(text: string, source: string): Axis {
  let lines = 1;
  for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", nl + 1)) lines++;
  const starts = new Uint32Array(lines);
  const ends = new Uint32Array(lines);
  const keys: string[] = [];
  const seen = new Set<string>();
  let count = 0;
  for (let at = 0, lineNumber = 1; at <= text.length; lineNumber++) {
    let nl = text.indexOf("\n", at);
    if (nl < 0) nl = text.length;
    const end = nl > at && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    const line = text.slice(at, end);
    if (line.trim() !== "") {
      const where = `${source} line ${lineNumber}`;
      if (!line.trimStart().startsWith("{")) {
        throw new InputError(`expected one JSON object per line, like {"name": "a", "size": 1}, got ${quote(line.length > 40 ? `${line.slice(0, 40)}...` : line)}.`, { where });
      }
      const value = parseJsonLine(line, source, lineNumber - 1, where);
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        throw new InputError(`expected a JSON object like {"name": "a", "size": 1}, got ${describeValue(value)}.`, { where });
      }
      for (const key of Object.keys(value)) {
        if (seen.has(key)) continue;
        checkKey(key, where);
        seen.add(key);
        keys.push(key);
      }
      starts[count] = at;
      ends[count] = end;
      count++;
    }
    at = nl + 1;
  }
  if (count === 0) return rowsAxis(source, [], () => source);
  return {
    source,
    length: count,
    keys,
    keySources: keys.map(() => source),
    entries: (position) => mappingEntries(JSON.parse(text.slice(starts[position], ends[position]))) ?? [],
  };
}

/**
 * A CSV file with no quote character and no lone CR is a grid split on "," and line
 * ends. Such files — the million-row kind — are read lazily: line offsets are kept in
 * typed arrays and a row's values are cut out of the text when the row is used, so the
 * rows never sit in memory as objects. Anything else goes through csv-parse.
 */
function isPlainCsv(text: string): boolean {
  return !text.includes('"') && !/\r(?!\n)/.test(text);
}

function lazyCsvAxis(text: string, source: string): Axis | undefined {
  // Where every non-empty line starts and ends (without its line break), in arrays made
  // once at their size: the lines are counted first.
  let lines = 1;
  for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", nl + 1)) lines++;
  const starts = new Uint32Array(lines);
  const ends = new Uint32Array(lines);
  let count = 0;
  for (let at = 0; at <= text.length; ) {
    let nl = text.indexOf("\n", at);
    if (nl < 0) nl = text.length;
    const end = nl > at && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    if (end > at) {
      starts[count] = at;
      ends[count] = end;
      count++;
    }
    at = nl + 1;
  }
  if (count === 0) return undefined;
  // Line numbers only for messages: counted when one is needed.
  const lineOf = (i: number): number => text.slice(0, starts[i]).split("\n").length;
  const names = text.slice(starts[0], ends[0]).split(",");
  verifyHeader(names, `${source} line ${lineOf(0)}`);
  for (let i = 1; i < count; i++) {
    // Count within the line only (an indexOf past it would rescan the rest of the file).
    let columns = 1;
    for (let at = starts[i] ?? 0, end = ends[i] ?? 0; at < end; at++) if (text.charCodeAt(at) === 44) columns++;
    if (columns !== names.length) {
      throw new InputError(
        `row ${i} has ${columns} column${columns === 1 ? "" : "s"} but the header has ${names.length}. Give every row one value per header column; quote values that contain commas.`,
        { where: `${source} line ${lineOf(i)}` },
      );
    }
  }
  if (count === 1) return undefined; // no rows: the common path says so
  return {
    source,
    length: count - 1,
    keys: names,
    keySources: names.map(() => source),
    // Sliced from the text per row (a per-row indexOf on the whole text measured 40 MB more at a million rows).
    entries: (position) => {
      const values = text.slice(starts[position + 1], ends[position + 1]).split(",");
      return names.map((name, column): Entry => [name, values[column] ?? ""]);
    },
  };
}

function verifyHeader(names: readonly string[], headerWhere: string): void {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  const duplicates = [...counts].filter(([, n]) => n > 1).map(([name]) => quote(name));
  if (duplicates.length > 0) {
    throw new InputError(`the header repeats the column name${duplicates.length > 1 ? "s" : ""} ${duplicates.join(", ")}. Every column needs its own name; rename or remove the repeated column.`, { where: headerWhere });
  }
  names.forEach((name, column) => {
    if (name === "") {
      throw new InputError(`column ${column + 1} of the header has no name. The first line must name every column, like: name,size`, { where: headerWhere });
    }
    checkKey(name, headerWhere);
  });
}

const CSV_OPTIONS = { relax_column_count: true, skip_empty_lines: true } as const;
/** Rows of a quoted CSV are parsed again this many at a time, as they are used. */
const CSV_BATCH = 512;

/**
 * A CSV file with quotes goes through csv-parse twice: once up front to check every
 * record and keep only the byte offset where each ends, and again a batch at a time
 * as rows are used, so a million rows never sit in memory as arrays.
 */
function parseCsvFile(text: string, source: string): Axis {
  if (isPlainCsv(text)) {
    const lazy = lazyCsvAxis(text, source);
    if (lazy) return lazy;
  }
  // csv-parse counts bytes: rows are cut from the same bytes later.
  const bytes = Buffer.from(text);
  let names: string[] | undefined;
  let headerEnd = 0;
  let ends = new Uint32Array(1024);
  let count = 0;
  // csv-parse reports the line a record ends on; a quoted value may span lines, so the
  // start is one past the previous record's end plus any blank lines skipped between.
  let previousEnd = 0;
  let previousEmpty = 0;
  try {
    parseCsv(bytes, {
      ...CSV_OPTIONS,
      bom: true,
      on_record: (record: string[], context: { bytes: number; lines: number; empty_lines: number }) => {
        const start = previousEnd + 1 + (context.empty_lines - previousEmpty);
        previousEnd = context.lines;
        previousEmpty = context.empty_lines;
        if (names === undefined) {
          names = record;
          headerEnd = context.bytes;
          verifyHeader(names, `${source} line ${context.lines}`);
          return null;
        }
        if (record.length !== names.length) {
          throw new InputError(
            `row ${count + 1} has ${record.length} column${record.length === 1 ? "" : "s"} but the header has ${names.length}. Give every row one value per header column; quote values that contain commas.`,
            { where: `${source} line ${start}` },
          );
        }
        if (count === ends.length) {
          const grown = new Uint32Array(ends.length * 2);
          grown.set(ends);
          ends = grown;
        }
        ends[count++] = context.bytes;
        return null;
      },
    });
  } catch (error) {
    if (error instanceof InputError) throw error;
    const e = error as { message?: unknown; lines?: unknown };
    const line = typeof e.lines === "number" ? e.lines : undefined;
    throw new InputError(`not valid CSV: ${String(e.message ?? error)}. Quote values that hold commas, quotes or line breaks ("a ""quoted"" word"), and close every quote.`, {
      where: line === undefined ? source : `${source} line ${line}`,
    });
  }
  const header = names;
  if (header === undefined || count === 0) return rowsAxis(source, [], () => source);
  let batch: { first: number; records: string[][] } | undefined;
  return {
    source,
    length: count,
    keys: header,
    keySources: header.map(() => source),
    entries: (position) => {
      if (!batch || position < batch.first || position >= batch.first + batch.records.length) {
        const first = position - (position % CSV_BATCH);
        const last = Math.min(first + CSV_BATCH, count) - 1;
        const from = first === 0 ? headerEnd : (ends[first - 1] ?? 0);
        batch = { first, records: parseCsv(bytes.subarray(from, ends[last]), CSV_OPTIONS) as string[][] };
      }
      const record = batch.records[position - batch.first] ?? [];
      return header.map((name, column): Entry => [name, record[column] ?? ""]);
    },
  };
}

/** Parses one parameter file into one axis; each row of the file is one position. */
export function fileAxis(file: ParamFile): Axis {
  const source = displayName(file);
  const { format, sniffed } = detectFormat(file);
  const text = stripBom(file.text);
  switch (format) {
    case "yaml":
    case "json":
      return parseStructured(text, source, format, sniffed);
    case "ndjson":
      return parseNdjson(text, source);
    case "csv":
      return parseCsvFile(text, source);
  }
}

/** For tests and reports: the rows of one file, each a fresh object. */
export function fileRows(file: ParamFile): Row[] {
  const axis = fileAxis(file);
  return Array.from({ length: axis.length }, (_, i) => Object.fromEntries(axis.entries(i)) as Row);
}
