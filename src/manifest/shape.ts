/**
 * Building many rows of one template without parsing each.
 *
 * Every `{{ … }}` result is traced during the render (see renderMarked in src/render/template.ts).
 * With each one replaced by a token — `jobx0tok` for a value written bare, `"jobx0tok"`
 * for a simple double-quoted string from tojson/quote — most rows of a template give the
 * same text, the skeleton. It is parsed once into a *shape*: the documents, with every
 * scalar that holds tokens replaced by a slot that remembers the scalar's text around
 * the tokens and whether it was plain.
 *
 * A row whose bare values are all plain (nothing that could change YAML's reading of the
 * text around them, and nothing YAML would type other than as its text or a canonical
 * number or boolean; see isRiskyOutput) reads exactly as its skeleton does with each
 * token replaced by its value, so its documents are the shape's with each slot filled:
 * the tokens replaced by the values (a whole double-quoted value unescaped), and a plain
 * scalar typed from its filled text as YAML types it (`5` is a number). A value such as
 * `~` or `0x1F` is not plain: its row takes the full parse, where the guard refuses it
 * standing alone, so both paths give the same documents or the same error. Whatever the
 * shape cannot stand for — aliases, anchors, tags, merge keys, values in keys, a quoted
 * value that is not a whole scalar — makes the row take the full parse and the value
 * guard instead. (Empty results are not traced, so they never stand as tokens.)
 *
 * The shape also writes the YAML jobx prints: its Job, named and labelled with holes
 * where the row's values, name, index and parameters go, is emitted once, and each row
 * fills the holes (see `compileEmission` and `fillEmission`).
 */
import { CORE_SCHEMA, EVENT_ID, SCALAR_STYLE, getScalarValue, parseEvents } from "js-yaml";
import type { MarkedRendering } from "../render/template";
import { type Piece, Hole, emitPieces, inline } from "./emit";
import { PLACEHOLDER, token as skeletonToken } from "./placeholders";

type YamlEvent = ReturnType<typeof parseEvents>[number];

/** Stands in a shape's documents for the scalar of `slots[n]`. */
class Slot {
  constructor(readonly n: number) {}
}

interface SlotSpec {
  /** The scalar's text in the skeleton, split: literal text, and the numbers of the values written in it. */
  parts: (string | number)[];
  /** A plain scalar: its filled text is typed as YAML types it. */
  plain: boolean;
  /** The scalar is one whole double-quoted value (tojson, quote): its text is unescaped. */
  decoded: boolean;
}

export interface Shape {
  docs: unknown[];
  slots: SlotSpec[];
  /** Compiled emissions per group, one per document; null where one could not be made. */
  emissions: Map<string, (Emission | null)[]>;
}

/** Skeletons seen so far (null: the skeleton has no shape); a template has few. Bounded, in case every row differs. */
const cache = new Map<string, Shape | null>();
const CACHE_LIMIT = 256;

const NO_RANGE = -1;
// One double-quoted JSON string, as quote and tojson write a string value.
const QUOTED = /^"(?:[^"\\\n]|\\.)*"$/;
const HAS_TOKEN = /jobx\d+tok/;
const TOKENS = /jobx(\d+)tok/g;

/** What stands in the skeleton for value n: a token, a quoted token, or the value itself. */
function stand(rendering: MarkedRendering, n: number): string {
  const value = rendering.values[n] ?? "";
  if (!rendering.safe[n]) return skeletonToken(n);
  return QUOTED.test(value) ? `"${skeletonToken(n)}"` : value;
}

function split(text: string): (string | number)[] {
  const parts: (string | number)[] = [];
  let last = 0;
  for (const m of text.matchAll(TOKENS)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push(Number(m[1]));
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

interface Frame {
  kind: "document" | "mapping" | "sequence";
  value: unknown;
  key: string | undefined;
}

/**
 * The skeleton's documents, built from its events as js-yaml's constructor builds them,
 * for the subset a shape covers; undefined outside it. `quoted` holds the values that
 * stand as `"jobxNtok"`.
 */
function construct(events: YamlEvent[], text: string, quoted: Set<number>): Pick<Shape, "docs" | "slots"> | undefined {
  const docs: unknown[] = [];
  const slots: SlotSpec[] = [];
  const stack: Frame[] = [];
  // Adds a finished node to the open collection; false where the shape cannot follow.
  const add = (value: unknown): boolean => {
    const top = stack[stack.length - 1];
    if (!top) return false;
    if (top.kind === "document") top.value = value;
    else if (top.kind === "sequence") (top.value as unknown[]).push(value);
    else if (top.key === undefined) {
      const map = top.value as Record<string, unknown>;
      if (typeof value !== "string" || value === "<<" || value === "__proto__" || Object.hasOwn(map, value)) return false;
      top.key = value;
    } else {
      (top.value as Record<string, unknown>)[top.key] = value;
      top.key = undefined;
    }
    return true;
  };
  for (const event of events) {
    if (event.type === EVENT_ID.ALIAS) return undefined;
    if ("tagStart" in event && (event.tagStart !== NO_RANGE || event.anchorStart !== NO_RANGE)) return undefined;
    if (event.type === EVENT_ID.DOCUMENT) stack.push({ kind: "document", value: undefined, key: undefined });
    else if (event.type === EVENT_ID.MAPPING) stack.push({ kind: "mapping", value: {}, key: undefined });
    else if (event.type === EVENT_ID.SEQUENCE) stack.push({ kind: "sequence", value: [], key: undefined });
    else if (event.type === EVENT_ID.SCALAR) {
      const source = getScalarValue(text, event);
      const plain = event.style === SCALAR_STYLE.PLAIN;
      let value: unknown;
      if (HAS_TOKEN.test(source)) {
        const top = stack[stack.length - 1];
        if (top?.kind === "mapping" && top.key === undefined) return undefined; // a value in a key
        const parts = split(source);
        const whole = parts.length === 1 && typeof parts[0] === "number" && quoted.has(parts[0]);
        const decoded = whole && event.style === SCALAR_STYLE.DOUBLE_QUOTED && event.valueEnd - event.valueStart === source.length;
        // A quoted value inside a longer scalar reads differently once its quotes hold real text.
        if (!decoded && parts.some((p) => typeof p === "number" && quoted.has(p))) return undefined;
        value = new Slot(slots.length);
        slots.push({ parts, plain, decoded });
      } else value = plain ? CORE_SCHEMA.resolveImplicitScalarTag(source).value : source;
      if (!add(value)) return undefined;
    } else if (event.type === EVENT_ID.POP) {
      const frame = stack.pop();
      if (!frame) return undefined;
      if (frame.kind !== "document") {
        if (!add(frame.value)) return undefined;
      } else if (frame.value !== null && frame.value !== undefined) docs.push(frame.value);
    }
  }
  return stack.length === 0 ? { docs, slots } : undefined;
}

/** The last rendering's skeleton, as its marked text and how each value stands: consecutive rows mostly share it. */
let last: { marked: string; stands: string[]; shape: Shape | null } | undefined;

function shapeOf(rendering: MarkedRendering): Shape | null {
  const stands = rendering.values.map((_, n) => stand(rendering, n));
  if (last && last.marked === rendering.marked && last.stands.length === stands.length && last.stands.every((s, n) => s === stands[n])) return last.shape;
  const shape = shapeOfSkeleton(rendering, rendering.marked.replace(PLACEHOLDER, (_, n: string) => stands[Number(n)] ?? ""));
  last = { marked: rendering.marked, stands, shape };
  return shape;
}

function shapeOfSkeleton(rendering: MarkedRendering, text: string): Shape | null {
  const known = cache.get(text);
  if (known !== undefined) return known;
  const quoted = new Set<number>();
  let tokens = 0;
  rendering.values.forEach((value, n) => {
    if (!rendering.safe[n]) tokens++;
    else if (QUOTED.test(value)) {
      quoted.add(n);
      tokens++;
    }
  });
  let shape: Shape | null = null;
  try {
    // A value standing as itself that looks like a token would be mistaken for one.
    if ((text.match(TOKENS) ?? []).length === tokens) {
      const built = construct(parseEvents(text, {}), text, quoted);
      if (built) shape = { ...built, emissions: new Map() };
    }
  } catch {
    shape = null; // the row is parsed in full, which reports the error properly
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, shape);
  return shape;
}

function build(node: unknown, filled: unknown[]): unknown {
  if (node instanceof Slot) return filled[node.n];
  if (Array.isArray(node)) return node.map((item) => build(item, filled));
  if (node !== null && typeof node === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(node)) out[key] = build((node as Record<string, unknown>)[key], filled);
    return out;
  }
  return node;
}

/** A double-quoted value's text: JSON's escapes are YAML's too. Undefined when it is not JSON. */
function unescape(quotedValue: string): string | undefined {
  if (!quotedValue.includes("\\")) return quotedValue.slice(1, -1);
  try {
    return JSON.parse(quotedValue) as string;
  } catch {
    return undefined;
  }
}

/**
 * The row's documents, built from its shape, or undefined when the row needs the full
 * parse. Only for renderings whose bare values are all plain (see isRiskyOutput).
 */
export function documentsFromShape(rendering: MarkedRendering): { docs: unknown[]; shape: Shape; filled: unknown[] } | undefined {
  const shape = shapeOf(rendering);
  if (!shape) return undefined;
  const { values } = rendering;
  const filled: unknown[] = new Array(shape.slots.length);
  for (let s = 0; s < shape.slots.length; s++) {
    const { parts, plain, decoded } = shape.slots[s] as SlotSpec;
    let text: string | undefined;
    if (decoded) text = unescape(values[parts[0] as number] ?? "");
    else {
      text = "";
      for (const part of parts) text += typeof part === "number" ? (values[part] ?? "") : part;
    }
    if (text === undefined) return undefined;
    filled[s] = plain ? CORE_SCHEMA.resolveImplicitScalarTag(text).value : text;
  }
  return { docs: shape.docs.map((doc) => build(doc, filled)), shape, filled };
}

/**
 * One document of a shape as YAML with holes: pieces of text, and the numbers of the
 * values that go between them (a slot's filled value, or the name, the item index or the parameters).
 */
export interface Emission {
  pieces: (string | number)[];
  /** Hole numbers of the Job's name, item index and parameters (after the slots'). */
  name: number;
  index: number;
  params: number;
}

/** The shape's document as emitted YAML with holes, once `finish` has named and labelled it. */
export function compileEmission(shape: Shape, doc: number, finish: (job: unknown, name: Hole, index: Hole, params: Hole) => void): Emission {
  // The document built as a row builds it, with each slot's hole for its value.
  const job = build(shape.docs[doc], shape.slots.map((_, n) => new Hole(n)));
  const count = shape.slots.length;
  finish(job, new Hole(count), new Hole(count + 1), new Hole(count + 2));
  const pieces: (string | number)[] = [];
  for (const piece of emitPieces(job) as Piece[]) {
    if (piece instanceof Hole) pieces.push(piece.n);
    else if (typeof pieces[pieces.length - 1] === "string") pieces[pieces.length - 1] += piece;
    else pieces.push(piece);
  }
  return { pieces, name: count, index: count + 1, params: count + 2 };
}

/** One row's document through its emission: the holes filled with the row's values. */
export function fillEmission(emission: Emission, filled: unknown[], name: string, index: string, params: string): string {
  const out: string[] = [];
  for (const piece of emission.pieces) {
    if (typeof piece === "string") out.push(piece);
    else if (piece === emission.name) out.push(inline(name));
    else if (piece === emission.index) out.push(inline(index));
    else if (piece === emission.params) out.push(inline(params));
    else out.push(inline(filled[piece]));
  }
  // Joined, not grown by `+=`: a flat string is a third of the memory of the rope `+=`
  // builds, and output waits in memory for a while before it is written.
  return out.join("");
}
