/**
 * Parsing many renderings of one template without parsing each from scratch.
 *
 * Every `{{ … }}` result is traced during the render (see src/render/nunjucks-compat.ts).
 * With each one replaced by a token — `jobx0tok` for a value written bare, `"jobx0tok"`
 * for a simple double-quoted string from tojson/quote — most rows of a template give the
 * same text, the skeleton, which is parsed once into YAML events. A row whose bare values
 * are all plain (nothing that could change YAML's reading of the text around them; see
 * isRiskyOutput) and whose quoted ones need no unescaping tokenises exactly as its
 * skeleton does, so its documents are built from the skeleton's events with their source
 * offsets moved to the row's real text: the values js-yaml would read, at a fraction of
 * the cost. Other rows are parsed in full and checked by the value guard.
 */
import { constructFromEvents, parseEvents } from "js-yaml";
import type { MarkedRendering } from "../render/template";
import { PLACEHOLDER, token as skeletonToken } from "./placeholders";

type YamlEvent = ReturnType<typeof parseEvents>[number];


interface Skeleton {
  events: YamlEvent[] | undefined;
  /** Start offset of each token in the skeleton text, in order, and its length. */
  tokens: { at: number; length: number; value: number }[];
}

/** Skeletons seen so far; a template has few. Bounded, in case every row differs. */
const cache = new Map<string, Skeleton>();
const CACHE_LIMIT = 256;

const OFFSET_KEYS = ["start", "valueStart", "valueEnd", "anchorStart", "anchorEnd", "tagStart", "tagEnd"] as const;

// One double-quoted JSON string, as quote and tojson write a string value.
const QUOTED = /^"(?:[^"\\\n]|\\.)*"$/;

/** What stands in the skeleton for value n: a token, a quoted token, or the value itself. */
function stand(rendering: MarkedRendering, n: number): string {
  const value = rendering.values[n] ?? "";
  if (!rendering.safe[n]) return skeletonToken(n);
  return QUOTED.test(value) ? `"${skeletonToken(n)}"` : value;
}

/** The text between the token's ends in the real output: the value, or a quoted value's inside. */
function inner(rendering: MarkedRendering, n: number): string | undefined {
  const value = rendering.values[n] ?? "";
  if (!rendering.safe[n]) return value;
  return QUOTED.test(value) ? value.slice(1, -1) : undefined;
}

export function skeletonText(rendering: MarkedRendering): string {
  return rendering.marked.replace(PLACEHOLDER, (_, n: string) => stand(rendering, Number(n)));
}

function skeletonOf(rendering: MarkedRendering): Skeleton {
  const text = skeletonText(rendering);
  let skeleton = cache.get(text);
  if (skeleton) return skeleton;
  let events: YamlEvent[] | undefined;
  try {
    events = parseEvents(text, {});
  } catch {
    events = undefined; // the row is parsed in full, which reports the error properly
  }
  const tokens: Skeleton["tokens"] = [];
  for (const m of rendering.marked.matchAll(PLACEHOLDER)) {
    if (inner(rendering, Number(m[1])) !== undefined) tokens.push({ at: 0, length: 0, value: Number(m[1]) });
  }
  // Token positions in the skeleton text, in order of appearance.
  let searchFrom = 0;
  for (const t of tokens) {
    const token = skeletonToken(t.value);
    t.at = text.indexOf(token, searchFrom);
    t.length = token.length;
    searchFrom = t.at + token.length;
  }
  skeleton = { events, tokens };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, skeleton);
  return skeleton;
}

/**
 * The row's documents built from its skeleton's events, or undefined when the skeleton
 * does not parse (the caller then parses the real text, to report the error).
 * Only for renderings whose traced values are all plain.
 */
export function documentsFromSkeleton(rendering: MarkedRendering, realText: string): unknown[] | undefined {
  const { events, tokens } = skeletonOf(rendering);
  if (!events) return undefined;
  // Offset x of the skeleton is x plus the growth of every token that ends at or before x.
  const ends: number[] = [];
  const shifts: number[] = [];
  let shift = 0;
  for (const t of tokens) {
    shift += (inner(rendering, t.value) ?? "").length - t.length;
    ends.push(t.at + t.length);
    shifts.push(shift);
  }
  const move = (x: number): number => {
    if (x < 0 || ends.length === 0) return x;
    // Binary search: the last token ending at or before x.
    let lo = 0;
    let hi = ends.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((ends[mid] ?? 0) <= x) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? x : x + (shifts[found] ?? 0);
  };
  // A quoted value with escapes (tojson writes & as \u0026) must be decoded from the real
  // text: its scalar loses the skeleton's "fast" (escape-free) flag.
  const escaped = tokens.filter((t) => (inner(rendering, t.value) ?? "").includes("\\")).map((t) => t.at);
  const moved = events.map((e) => {
    const copy: Record<string, unknown> = { ...e };
    if (escaped.length > 0 && copy.fast === true) {
      const start = copy.valueStart as number;
      const end = copy.valueEnd as number;
      if (escaped.some((at) => at >= start && at < end)) copy.fast = false;
    }
    for (const key of OFFSET_KEYS) if (typeof copy[key] === "number") copy[key] = move(copy[key] as number);
    return copy as unknown as YamlEvent;
  });
  try {
    return constructFromEvents(moved, { source: realText }).filter((d) => d !== null && d !== undefined);
  } catch {
    return undefined; // e.g. a duplicate key: the full parse reports it with the rendered lines
  }
}
