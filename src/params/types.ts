/**
 * The contract of src/params: parameter sources in, a lazy stream of rows out.
 * Pure: the CLI reads files and stdin and hands their text here.
 */

/** One parameter set: the variables one rendering of the template sees. */
export type Row = Record<string, unknown>;

/**
 * A parameter file: its text, already read by the caller, or (a large CSV) its lines,
 * which the caller reads as they are used.
 */
export type ParamFile = {
  /** What the user typed (a path, or "-" for stdin); used in messages and, by its extension, for the format. */
  name: string;
} & ({ text: string; lines?: undefined } | { lines: LineSource; text?: undefined });

/** A text read a line at a time; only its non-empty lines are counted and given. */
export interface LineSource {
  /** How many non-empty lines. */
  readonly count: number;
  /** The n-th non-empty line (0-based), without its line break. */
  line(n: number): string;
  /** Its 1-based line number in the text, for messages. */
  lineNumber(n: number): number;
  /** The whole text, for a reader that needs it (a CSV whose quoted values span lines). */
  text(): string;
  /** The whole text as UTF-8 bytes, a chunk at a time, each valid until the next is asked for: for what reads it once (the default group name's hash). */
  bytes(): Iterable<Uint8Array>;
}

/** Everything the command line said about parameters, as raw strings. */
export interface ParamSpec {
  /** --items a,b,c (repeatable: lists concatenate) */
  items: string[];
  /** --param key=v1,v2 (repeatable) */
  params: string[];
  /** --range key=START..END[:STEP] (repeatable) */
  ranges: string[];
  /** --zip: pair inline lists position by position instead of a product */
  zip: boolean;
  /** --params FILE (repeatable), already read */
  files: ParamFile[];
  /** --set key=value (repeatable) */
  sets: string[];
}

/** The rows, produced lazily so that a million rows need not sit in memory at once. */
export interface RowPlan {
  /** How many rows there will be (known up front: sources are finite). */
  count: number;
  /** The keys every row has, in order, for messages and reports. */
  keys: string[];
  /** True when no parameter option was given: render the template once with no row variables. */
  empty: boolean;
  rows(): Iterable<Row>;
}

/** How a parameter file is read: by its extension, else by its content. */
export type FileFormat = "yaml" | "json" | "csv" | "ndjson";
