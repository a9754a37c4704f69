/**
 * Parameter files (text already read by the caller) into axes of rows: which format a
 * file is in, then its reader — csv.ts for CSV, structured.ts for YAML, JSON and NDJSON.
 */
import { parseCsvFile, parseCsvLines } from "./csv";
import type { Axis } from "./product";
import { parseNdjson, parseStructured } from "./structured";
import type { FileFormat, ParamFile, Row } from "./types";

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

/** The format a file is read as: by extension, else by content. */
export function detectFormat(file: ParamFile): { format: FileFormat; sniffed: boolean } {
  if (file.lines) return { format: "csv", sniffed: false }; // given as lines only when named .csv
  const dot = file.name.lastIndexOf(".");
  const slash = Math.max(file.name.lastIndexOf("/"), file.name.lastIndexOf("\\"));
  if (dot > slash + 1) {
    const format = EXTENSIONS[file.name.slice(dot).toLowerCase()];
    if (format) return { format, sniffed: false };
  }
  return { format: sniffFormat(file.text ?? ""), sniffed: true };
}

/** Parses one parameter file into one axis; each row of the file is one position. */
export function fileAxis(file: ParamFile): Axis {
  const source = displayName(file);
  if (file.lines) return parseCsvLines(file.lines, source);
  const { format, sniffed } = detectFormat(file);
  const text = stripBom(file.text ?? "");
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
