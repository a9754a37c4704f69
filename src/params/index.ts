/**
 * Turns the parameter options into a plan of rows, in the order the rules page gives
 * (src/params/README.md, "Combination"): fixed, so row numbers are stable between runs.
 */
import { InputError, UsageError } from "../errors";
import { fileAxis } from "./files";
import { parseParam, parseRange, parseSet, splitList } from "./inline";
import { showText, terminalSafe } from "../text/show";
import { checkKey } from "./keys";
import { listAxis, productRows, zipAxes, type Axis, type Entry } from "./product";
import type { ParamSpec, Row, RowPlan } from "./types";

export type { ParamFile, ParamSpec, Row, RowPlan } from "./types";

/** More rows than this is a mistake (a product of two big files, say), not a batch to submit. */
export const MAX_ROWS = 100_000_000;

function rangeAxis(text: string): Axis {
  const { key, start, step, count } = parseRange(text);
  const source = `--range ${terminalSafe(key)}`;
  return {
    source,
    length: count,
    keys: [key],
    keySources: [source],
    // Computed on demand: a ten-million value range costs nothing until it is walked.
    entries: (position) => [[key, start + position * step]],
  };
}

function inlineAxes(spec: ParamSpec): Axis[] {
  const axes: Axis[] = [];
  if (spec.items.length > 0) {
    axes.push(listAxis("--items", "item", spec.items.flatMap((text) => splitList(text, "--items"))));
  }
  const given = new Map<string, string>();
  for (const text of spec.params) {
    const { key, values } = parseParam(text);
    const earlier = given.get(key);
    if (earlier !== undefined) {
      throw new UsageError(
        `--param ${terminalSafe(key)} is given twice (${showText(earlier)} and ${showText(text)}). Put all its values in one flag, like ${terminalSafe(`--param ${key}=${earlier.slice(key.length + 1)},${text.slice(key.length + 1)}`)}`,
      );
    }
    given.set(key, text);
    axes.push(listAxis(`--param ${terminalSafe(key)}`, key, values));
  }
  const ranges = new Map<string, string>();
  for (const text of spec.ranges) {
    const axis = rangeAxis(text);
    const key = axis.keys[0] ?? "";
    const earlier = ranges.get(key);
    if (earlier !== undefined) {
      throw new UsageError(`--range ${terminalSafe(key)} is given twice (${showText(earlier)} and ${showText(text)}). Keep one, or give the second range another name.`);
    }
    ranges.set(key, text);
    axes.push(axis);
  }
  return axes;
}

function zipped(axes: Axis[]): Axis {
  if (axes.length < 2) {
    throw new UsageError(
      `--zip needs at least two lists to pair up (from --items, --param or --range), but got ${axes.length === 0 ? "none" : `only ${axes[0]?.source}`}. Add another list, or drop --zip.`,
    );
  }
  const lengths = new Set(axes.map((axis) => axis.length));
  if (lengths.size > 1) {
    throw new UsageError(
      "--zip pairs lists position by position, so they must be the same length, but they are not:",
      [...axes.map((axis) => `  ${axis.keys.join(", ")} (${axis.source}): ${axis.length}`), "Make the lists the same length, or drop --zip to combine every value with every other."],
    );
  }
  return zipAxes("--zip", axes);
}

/** Refuses a key that two sources give: which one should win is a guess jobx won't make. */
function checkOwners(axes: readonly Axis[], sets: readonly { key: string; source: string }[]): void {
  const owner = new Map<string, string>();
  const claim = (key: string, source: string) => {
    const first = owner.get(key);
    if (first === undefined) {
      checkKey(key, source);
      owner.set(key, source);
      return;
    }
    if (first === source) {
      throw new InputError(`${source} is given twice with --params, so every key would come from it twice. Give each file once.`, { where: source });
    }
    throw new InputError(
      `key '${terminalSafe(key)}' comes from both ${first} and ${source}. Each key may come from one source only: rename it in one of them, or drop one.`,
    );
  };
  for (const axis of axes) {
    axis.keys.forEach((key, k) => claim(key, axis.keySources[k] ?? axis.source));
  }
  for (const { key, source } of sets) claim(key, source);
}

function rowCount(axes: readonly Axis[]): number {
  let count = 1;
  for (const axis of axes) {
    count *= axis.length;
    if (count > MAX_ROWS) {
      throw new InputError(
        `the parameters make more than ${MAX_ROWS.toLocaleString("en-US")} rows (${axes.map((a) => `${a.source}: ${a.length}`).join(" × ")}). Use fewer values, or --zip to pair lists instead of combining every value with every other.`,
      );
    }
  }
  return count;
}

/** The rows to render, from everything the command line said about parameters. */
export function planRows(spec: ParamSpec): RowPlan {
  const nothingGiven =
    spec.items.length === 0 && spec.params.length === 0 && spec.ranges.length === 0 && spec.files.length === 0 && spec.sets.length === 0;
  if (nothingGiven && !spec.zip) {
    return { count: 1, keys: [], empty: true, rows: () => [{}] };
  }

  const files = spec.files.map(fileAxis);
  const inline = inlineAxes(spec);
  const axes = [...files, ...(spec.zip ? [zipped(inline)] : inline)];

  const constants: Entry[] = [];
  const setText = new Map<string, string>();
  for (const text of spec.sets) {
    const { key, value } = parseSet(text);
    const earlier = setText.get(key);
    if (earlier !== undefined) {
      throw new UsageError(`--set ${terminalSafe(key)} is given twice (${showText(earlier)} and ${showText(text)}). Keep the one you mean.`);
    }
    setText.set(key, text);
    constants.push([key, value]);
  }

  checkOwners(axes, constants.map(([key]) => ({ key, source: `--set ${terminalSafe(key)}` })));
  const count = rowCount(axes);
  const keys = [...axes.flatMap((axis) => axis.keys), ...constants.map(([key]) => key)];
  return {
    count,
    keys,
    empty: false,
    rows: (): Iterable<Row> => ({ [Symbol.iterator]: () => productRows(axes, constants) }),
  };
}
