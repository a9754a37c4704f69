/**
 * CSV parameter files: the first line names the columns, every row has one value per
 * column, values stay strings (guessing types turns version 1.10 into 1.1 and zip
 * codes into numbers). Read lazily, whatever the size.
 */
import { parse as parseCsv } from "csv-parse/sync";
import { InputError } from "../errors";
import { Spans, fileAxisOf, rowsAxis, textLines } from "./reader-kit";
import type { LineSource } from "./types";
import { showText, terminalSafe } from "../text/show";
import { checkKey } from "./keys";
import type { Axis, Entry } from "./product";

/**
 * A CSV file with no quote character and no lone CR is a grid split on "," and line
 * ends; one whose quoted values hold no line break (every line closes its quotes) is one
 * record per line too. Such files — the million-row kind — are read lazily: line offsets
 * are kept in typed arrays and a row's values are cut out of the text when the row is
 * used, so the rows never sit in memory as objects. Anything else goes through csv-parse.
 */
function isLineCsv(text: string): boolean {
  return !/\r(?!\n)/.test(text) && !text.startsWith("\ufeff");
}

/**
 * One line of a quoted CSV as RFC 4180 (and csv-parse) reads it: values split on ",", a
 * value in quotes taking "" as one quote. Undefined for anything else — a quote left open
 * (the value goes on past the line), text after a closing quote, a quote inside an
 * unquoted value — which csv-parse then reads, or reports.
 */
export function splitCsvLine(text: string, start: number, end: number): string[] | undefined {
  const values: string[] = [];
  let at = start;
  for (;;) {
    if (at < end && text.charCodeAt(at) === 34) {
      let value = "";
      let from = at + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote < 0 || quote >= end) return undefined;
        if (quote + 1 < end && text.charCodeAt(quote + 1) === 34) {
          value += text.slice(from, quote + 1);
          from = quote + 2;
          continue;
        }
        value += text.slice(from, quote);
        at = quote + 1;
        break;
      }
      values.push(value);
      if (at === end) return values;
      if (text.charCodeAt(at) !== 44) return undefined;
      at++;
    } else {
      let stop = text.indexOf(",", at);
      if (stop < 0 || stop > end) stop = end;
      const value = text.slice(at, stop);
      if (value.includes('"')) return undefined;
      values.push(value);
      if (stop === end) return values;
      at = stop + 1;
    }
  }
}

/** A line's values: split on "," or, when it holds a quote, as RFC 4180 reads it (undefined: see splitCsvLine). */
function lineValues(line: string): string[] | undefined {
  return line.includes('"') ? splitCsvLine(line, 0, line.length) : line.split(",");
}

function lazyCsvAxis(lines: LineSource, source: string): Axis | undefined {
  if (lines.count === 0) return undefined;
  const valuesOf = (i: number) => lineValues(lines.line(i));
  // Line numbers only for messages: counted when one is needed.
  const lineOf = (i: number): number => lines.lineNumber(i);
  const names = valuesOf(0);
  if (names === undefined) return undefined;
  verifyHeader(names, `${source} line ${lineOf(0)}`);
  for (let i = 1; i < lines.count; i++) {
    const line = lines.line(i);
    let columns = 1;
    if (line.includes('"')) {
      const values = splitCsvLine(line, 0, line.length);
      if (values === undefined) return undefined;
      columns = values.length;
    } else {
      for (let at = line.indexOf(","); at >= 0; at = line.indexOf(",", at + 1)) columns++;
    }
    if (columns !== names.length) {
      throw new InputError(
        `row ${i} has ${columns} column${columns === 1 ? "" : "s"} but the header has ${names.length}. Give every row one value per header column; quote values that contain commas.`,
        { where: `${source} line ${lineOf(i)}` },
      );
    }
  }
  if (lines.count === 1) return undefined; // no rows: the common path says so
  // Cut from the line per row, as the row is used.
  return fileAxisOf(
    source,
    names,
    lines.count - 1,
    (position) => {
      const values = valuesOf(position + 1) ?? [];
      return names.map((name, column): Entry => [name, values[column] ?? ""]);
    },
    (position, row) => {
      const values = valuesOf(position + 1) ?? [];
      for (let column = 0; column < names.length; column++) row[names[column] as string] = values[column] ?? "";
    },
  );
}

function verifyHeader(names: readonly string[], headerWhere: string): void {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  const duplicates = [...counts].filter(([, n]) => n > 1).map(([name]) => showText(name));
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

/**
 * A CSV file given as its lines (a large file, read as rows are used): one record per
 * line as above, else the whole text through csv-parse.
 */
export function parseCsvLines(lines: LineSource, source: string): Axis {
  return lazyCsvAxis(lines, source) ?? parseCsvFile(lines.text(), source);
}

const CSV_OPTIONS = { relax_column_count: true, skip_empty_lines: true } as const;
/** Rows of a quoted CSV are parsed again this many at a time, as they are used. */
const CSV_BATCH = 512;

/**
 * A CSV file with quotes goes through csv-parse twice: once up front to check every
 * record and keep only where each batch of CSV_BATCH records starts and ends (in bytes),
 * and again a batch at a time as rows are used, so a million rows never sit in memory as
 * arrays.
 */
export function parseCsvFile(text: string, source: string): Axis {
  if (isLineCsv(text)) {
    const lazy = lazyCsvAxis(textLines(text), source);
    if (lazy) return lazy;
  }
  // csv-parse counts bytes: rows are cut from the same bytes later.
  const bytes = Buffer.from(text);
  let names: string[] | undefined;
  const batches = new Spans();
  let count = 0;
  let batchStart = 0;
  // csv-parse reports the line a record ends on; a quoted value may span lines, so the
  // start is one past the previous record's end plus any blank lines skipped between.
  let previousEnd = 0;
  let previousEmpty = 0;
  let lastEnd = 0;
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
          batchStart = context.bytes;
          verifyHeader(names, `${source} line ${context.lines}`);
          return null;
        }
        if (record.length !== names.length) {
          throw new InputError(
            `row ${count + 1} has ${record.length} column${record.length === 1 ? "" : "s"} but the header has ${names.length}. Give every row one value per header column; quote values that contain commas.`,
            { where: `${source} line ${start}` },
          );
        }
        count++;
        lastEnd = context.bytes;
        if (count % CSV_BATCH === 0) {
          batches.push(batchStart, lastEnd);
          batchStart = lastEnd;
        }
        return null;
      },
    });
  } catch (error) {
    if (error instanceof InputError) throw error;
    const e = error as { message?: unknown; lines?: unknown };
    const line = typeof e.lines === "number" ? e.lines : undefined;
    throw new InputError(`not valid CSV: ${terminalSafe(String(e.message ?? error))}. Quote values that hold commas, quotes or line breaks ("a ""quoted"" word"), and close every quote.`, {
      where: line === undefined ? source : `${source} line ${line}`,
    });
  }
  const header = names;
  if (header === undefined || count === 0) return rowsAxis(source, [], () => source);
  if (count % CSV_BATCH !== 0) batches.push(batchStart, lastEnd);
  let batch: { index: number; records: string[][] } | undefined;
  return fileAxisOf(source, header, count, (position) => {
    const index = Math.floor(position / CSV_BATCH);
    if (batch?.index !== index) batch = { index, records: parseCsv(bytes.subarray(batches.start(index), batches.end(index)), CSV_OPTIONS) as string[][] };
    const record = batch.records[position % CSV_BATCH] ?? [];
    return header.map((name, column): Entry => [name, record[column] ?? ""]);
  });
}
