/**
 * Parsing the parameter flags typed on the command line: --items, --param, --range, --set.
 * Flag syntax problems are UsageErrors whose message starts with the flag, so the user
 * sees which of several repeated flags is wrong.
 */
import { UsageError } from "../errors";
import { showText, terminalSafe } from "../text/show";

/** Ranges longer than this are almost certainly a typo (an extra zero) and would take ages. */
export const MAX_RANGE_VALUES = 10_000_000;

/**
 * Splits a comma-separated flag value. `\,` is a comma inside a value and `\\` a
 * backslash; any other backslash is kept as typed, so Windows paths and regular
 * expressions need no escaping. Empty values are refused: they are nearly always a
 * doubled or trailing comma.
 */
export function splitList(text: string, flag: string): string[] {
  const values: string[] = [];
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const next = text[i + 1];
    if (ch === "\\" && (next === "," || next === "\\")) {
      current += next;
      i++;
    } else if (ch === ",") {
      values.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  values.push(current);
  const empty = values.findIndex((value) => value === "");
  if (empty !== -1) {
    const what = values.length === 1 ? "the list is empty" : `value ${empty + 1} of ${values.length} is empty`;
    throw new UsageError(
      `${flag} ${showText(text)}: ${what}. Remove the extra comma (a doubled, leading or trailing one); to put a comma inside a value write \\, as in a\\,b.`,
    );
  }
  return values;
}

/** The inverse of splitList for one value: what to type so that the value comes back unchanged. */
export function escapeListItem(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/,/g, "\\,");
}

/** Splits KEY=REST at the first "="; `form` shows the expected syntax in the message. */
export function splitAssignment(text: string, flag: string, form: string, example: string): { key: string; rest: string } {
  const at = text.indexOf("=");
  if (at === -1) {
    throw new UsageError(`${flag} ${showText(text)}: missing "=". Write ${flag} ${form}, for example ${flag} ${example}.`);
  }
  const key = text.slice(0, at);
  if (key === "") {
    throw new UsageError(`${flag} ${showText(text)}: the name before "=" is empty. Write ${flag} ${form}, for example ${flag} ${example}.`);
  }
  return { key, rest: text.slice(at + 1) };
}

export interface ParsedList {
  key: string;
  values: string[];
}

/** --param KEY=V1,V2,... */
export function parseParam(text: string): ParsedList {
  const { key, rest } = splitAssignment(text, "--param", "KEY=VALUE[,VALUE...]", "size=small,large");
  return { key, values: splitList(rest, `--param ${terminalSafe(key)}`) };
}

/** --set KEY=VALUE: the value is everything after the first "=", commas and all, as a string. */
export function parseSet(text: string): { key: string; value: string } {
  const { key, rest } = splitAssignment(text, "--set", "KEY=VALUE", "region=eu-west-1");
  return { key, value: rest };
}

export interface ParsedRange {
  key: string;
  start: number;
  end: number;
  step: number;
  count: number;
}

const RANGE = /^([+-]?\d+)\.\.([+-]?\d+)(?::([+-]?\d+))?$/;

/**
 * --range KEY=START..END[:STEP]: integers from START up to and including END (when a step
 * lands on it), like seq(1). STEP defaults to 1, or -1 when END is below START.
 */
export function parseRange(text: string): ParsedRange {
  const form = "KEY=START..END[:STEP]";
  const { key, rest } = splitAssignment(text, "--range", form, "shard=0..9");
  const flag = `--range ${terminalSafe(key)}`;
  const match = RANGE.exec(rest.trim());
  if (!match) {
    throw new UsageError(
      `${flag} ${showText(rest)}: expected START..END or START..END:STEP with whole numbers, for example ${flag}=0..9 or ${flag}=0..100:10 (END is included).`,
    );
  }
  const [start, end] = [Number(match[1]), Number(match[2])];
  const step = match[3] === undefined ? (end < start ? -1 : 1) : Number(match[3]);
  for (const n of [start, end, step]) {
    if (!Number.isSafeInteger(n)) {
      throw new UsageError(`${flag} ${showText(rest)}: ${n} is too large; use numbers between ${Number.MIN_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}.`);
    }
  }
  if (step === 0) {
    throw new UsageError(`${flag} ${showText(rest)}: the step is 0, so the range would never end. Use a step like 1 or -1.`);
  }
  if ((end > start && step < 0) || (end < start && step > 0)) {
    const fixed = `${start}..${end}:${-step}`;
    throw new UsageError(
      `${flag} ${showText(rest)}: a step of ${step} never gets from ${start} to ${end}. Use ${flag}=${fixed}, or swap START and END.`,
    );
  }
  const count = Math.floor((end - start) / step) + 1;
  if (count > MAX_RANGE_VALUES) {
    throw new UsageError(
      `${flag} ${showText(rest)}: that is ${count} values, more than the limit of ${MAX_RANGE_VALUES}. Check START and END for a typo, or use a larger STEP.`,
    );
  }
  return { key, start, end, step, count };
}
