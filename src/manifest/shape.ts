/**
 * Building many rows of one template without parsing each.
 *
 * Every `{{ … }}` result is traced during the render (see renderMarked in src/render/template.ts).
 * With each one replaced by a token — `jobx0tok` for a value written bare, `"jobx0tok"`
 * for a simple double-quoted string from tojson/quote — most rows of a template give the
 * same text, the skeleton. It is parsed once into a *shape*: the documents, with every
 * scalar that holds tokens replaced by a slot that remembers the scalar's text around
 * the tokens, its style, and so where each value stands (see Standing in guard.ts).
 *
 * A row whose every value can stand where its token stands reads exactly as its skeleton
 * does with each token replaced by its value, so its documents are the shape's with each
 * slot filled: the tokens replaced by the values (a whole double-quoted value unescaped,
 * a quoted value inside a longer scalar by the text between its quotes), and a plain
 * scalar typed from its filled text as YAML types it (`5` is a number). What a value may
 * hold depends on where it stands: inside double quotes a `:` or `#` is text and a `"` or
 * `\` is not; inside single quotes only a `'` is not; in a block scalar a line break or
 * a space at its start is not; in a plain scalar `: `, ` #`, a leading indicator or a
 * space at either end is not (riskAt). A plain scalar whose filled text YAML types as
 * anything but a string must also keep today's reading of each value (isRiskyOutput; a
 * value alone, keepsReading): `~` or `0x1F` there sends the row to the full parse, where
 * the guard refuses it, so both paths give the same documents or the same error. Whatever
 * the shape cannot stand for — aliases, anchors, tags, merge keys, values in keys, a
 * quoted value inside a double-quoted scalar — makes the row take the full parse and the
 * value guard instead. (Empty results are not traced, so they never stand as tokens.)
 *
 * The shape also writes the YAML jobx prints: its Job, named and labelled with holes
 * where the row's values, name, index and parameters go, is emitted once, and each row
 * fills the holes (see `compileEmission` and `fillEmission`).
 *
 * Shapes are kept per expansion (a ShapeCache), never between expansions.
 */
import { COLLECTION_STYLE, CORE_SCHEMA, EVENT_ID, SCALAR_STYLE, getScalarValue, parseEvents } from "js-yaml";
import type { MarkedRendering } from "../render/template";
import { type Piece, Hole, emitPieces, inline } from "./emit";
import { type Standing, isRiskyOutput, keepsReading, riskAt } from "./guard";
import { PLACEHOLDER, TOKEN, token as skeletonToken } from "./placeholders";

type YamlEvent = ReturnType<typeof parseEvents>[number];

/** A scalar as YAML's core schema reads it, and what a slot is filled with. */
export type Scalar = string | number | boolean | null;

/** A shape's document: YAML data with slots where the rows' values go. */
export type ShapeNode = Scalar | Slot | ShapeNode[] | { [key: string]: ShapeNode };

/** A shape's document built for one row: the slots replaced by `T` (a row's scalars, or the emitter's holes). */
export type Built<T> = Scalar | T | Built<T>[] | { [key: string]: Built<T> };

/** Stands in a shape's documents for the scalar of `slots[n]`. */
export class Slot {
  constructor(readonly n: number) {}
}

/** A value written in a slot's scalar. */
interface ValuePart {
  /** Which value of the rendering. */
  n: number;
  /** A quoted value (tojson, quote) inside a longer scalar: the text between its quotes goes in. */
  inner: boolean;
}

interface SlotSpec {
  /** The scalar's text in the skeleton, split: literal text, and the values written in it. */
  parts: (string | ValuePart)[];
  /** A plain scalar: its filled text is typed as YAML types it. */
  plain: boolean;
  /** The scalar is one whole double-quoted value (tojson, quote): its text is unescaped. */
  decoded: boolean;
  /** What a value in this scalar must not match (riskAt of its standing). */
  risk: RegExp;
}

export interface Shape {
  docs: ShapeNode[];
  slots: SlotSpec[];
  /** Each document's builder (see builderOf). */
  builders: Builder[];
  /** Compiled emissions per group, one per document; null where one could not be made. */
  emissions: Map<string, (Emission | null)[]>;
}

const NO_RANGE = -1;
// One double-quoted JSON string, as quote and tojson write a string value.
const QUOTED = /^"(?:[^"\\\n]|\\.)*"$/;
/** Skeletons per expansion; a template has few. Bounded, in case every row differs. */
const CACHE_LIMIT = 256;
/** Skeletons compared before the cache is asked (see ShapeCache.recent). */
const RECENT = 16;

function standingOf(style: number, inFlow: boolean): Standing {
  if (style === SCALAR_STYLE.DOUBLE_QUOTED) return "double-quoted";
  if (style === SCALAR_STYLE.SINGLE_QUOTED) return "single-quoted";
  if (style === SCALAR_STYLE.PLAIN) return inFlow ? "flow-plain" : "plain";
  return "block";
}

/**
 * The scalar's text split at its tokens; null where a quoted value (tojson, quote) stands
 * inside a longer scalar other than with its own quotes as the scalar's literal text.
 */
function split(text: string, quoted: ReadonlySet<number>, doubleQuoted: boolean): (string | ValuePart)[] | null {
  const parts: (string | ValuePart)[] = [];
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    const n = Number(m[1]);
    const end = m.index + m[0].length;
    // In a double-quoted scalar a quoted value can only be the whole scalar (the caller checks).
    const inner = quoted.has(n) && !doubleQuoted;
    if (inner && (text[m.index - 1] !== '"' || text[end] !== '"')) return null;
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push({ n, inner });
    last = end;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

interface Frame {
  kind: "document" | "mapping" | "sequence";
  flow: boolean;
  value: ShapeNode | undefined;
  key: string | undefined;
}

/**
 * The skeleton's documents, built from its events as js-yaml's constructor builds them,
 * for the subset a shape covers; undefined outside it. `quoted` holds the values that
 * stand as `"jobxNtok"`; `tokens` is how many values stand as tokens, each found once.
 */
function construct(events: YamlEvent[], text: string, quoted: ReadonlySet<number>, tokens: number): Pick<Shape, "docs" | "slots"> | undefined {
  const docs: ShapeNode[] = [];
  const slots: SlotSpec[] = [];
  const stack: Frame[] = [];
  let found = 0;
  // Adds a finished node to the open collection; false where the shape cannot follow.
  const add = (value: ShapeNode): boolean => {
    const top = stack[stack.length - 1];
    if (!top) return false;
    if (top.kind === "document") top.value = value;
    else if (top.kind === "sequence") (top.value as ShapeNode[]).push(value);
    else if (top.key === undefined) {
      const map = top.value as Record<string, ShapeNode>;
      if (typeof value !== "string" || value === "<<" || value === "__proto__" || Object.hasOwn(map, value)) return false;
      top.key = value;
    } else {
      (top.value as Record<string, ShapeNode>)[top.key] = value;
      top.key = undefined;
    }
    return true;
  };
  for (const event of events) {
    if (event.type === EVENT_ID.ALIAS) return undefined;
    if ("tagStart" in event && (event.tagStart !== NO_RANGE || event.anchorStart !== NO_RANGE)) return undefined;
    const inFlow = stack[stack.length - 1]?.flow ?? false;
    if (event.type === EVENT_ID.DOCUMENT) stack.push({ kind: "document", flow: false, value: undefined, key: undefined });
    else if (event.type === EVENT_ID.MAPPING) stack.push({ kind: "mapping", flow: inFlow || event.style === COLLECTION_STYLE.FLOW, value: {}, key: undefined });
    else if (event.type === EVENT_ID.SEQUENCE) stack.push({ kind: "sequence", flow: inFlow || event.style === COLLECTION_STYLE.FLOW, value: [], key: undefined });
    else if (event.type === EVENT_ID.SCALAR) {
      const source = getScalarValue(text, event);
      const plain = event.style === SCALAR_STYLE.PLAIN;
      const doubleQuoted = event.style === SCALAR_STYLE.DOUBLE_QUOTED;
      const parts = source.includes("jobx") ? split(source, quoted, doubleQuoted) : [];
      if (parts === null) return undefined;
      const written = parts.filter((p) => typeof p === "object").length;
      let value: ShapeNode;
      if (written > 0) {
        const top = stack[stack.length - 1];
        if (top?.kind === "mapping" && top.key === undefined) return undefined; // a value in a key
        const only = parts.length === 1 ? parts[0] : undefined;
        const whole = typeof only === "object" && quoted.has(only.n);
        const decoded = whole && doubleQuoted && event.valueEnd - event.valueStart === source.length;
        // A quoted value in a double-quoted scalar is that whole scalar, as written, or the shape cannot follow.
        if (doubleQuoted && !decoded && parts.some((p) => typeof p === "object" && quoted.has(p.n))) return undefined;
        found += written;
        const multiline = text.slice(event.valueStart, event.valueEnd).includes("\n");
        value = new Slot(slots.length);
        slots.push({ parts, plain, decoded, risk: riskAt(standingOf(event.style, inFlow), multiline) });
      } else value = plain ? (CORE_SCHEMA.resolveImplicitScalarTag(source).value as Scalar) : source;
      if (!add(value)) return undefined;
    } else if (event.type === EVENT_ID.POP) {
      const frame = stack.pop();
      if (!frame) return undefined;
      if (frame.kind !== "document") {
        if (!add(frame.value as ShapeNode)) return undefined;
      } else if (frame.value !== null && frame.value !== undefined) docs.push(frame.value);
    }
  }
  // Every token in exactly one scalar, as written (not made by an escape).
  return stack.length === 0 && found === tokens ? { docs, slots } : undefined;
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

/** Builds one document of a shape: every object and list new, `filled[n]` in slot n's place (a row's scalars, or the emitter's holes). */
type Builder<T = Scalar> = (filled: readonly T[]) => Built<T>;

/**
 * A node's builder, made once per shape: a function per node that knows its keys, so a
 * row's documents are made without walking the shape (walking it, Object.keys of every
 * mapping for every row was a tenth of what an expansion allocated). The emission is
 * built by the same builder, with holes for the slots.
 */
function builderOf<T = Scalar>(node: ShapeNode): Builder<T> {
  if (node instanceof Slot) {
    const n = node.n;
    return (filled) => filled[n] as T;
  }
  if (Array.isArray(node)) {
    const items = node.map((item) => builderOf<T>(item));
    return (filled) => {
      const out = new Array<Built<T>>(items.length);
      for (let i = 0; i < items.length; i++) out[i] = (items[i] as Builder<T>)(filled);
      return out;
    };
  }
  if (node !== null && typeof node === "object") {
    // Never __proto__: a shape refuses that key (construct).
    const keys = Object.keys(node);
    const values = keys.map((key) => builderOf<T>(node[key] as ShapeNode));
    return (filled) => {
      const out: { [key: string]: Built<T> } = {};
      for (let i = 0; i < keys.length; i++) out[keys[i] as string] = (values[i] as Builder<T>)(filled);
      return out;
    };
  }
  return () => node;
}

/** One row's documents from its shape: the documents, the shape, and each slot's value. */
export interface ShapedRow {
  docs: Built<Scalar>[];
  shape: Shape;
  filled: Scalar[];
}

/** The shapes of one expansion's skeletons, and the rows built from them. */
export class ShapeCache {
  /** Shapes by the skeleton's marked text, then by how its values stand (see standsOf); null: no shape. */
  private readonly shapes = new Map<string, Map<string, Shape | null>>();
  private count = 0;

  /**
   * The last few skeletons seen, newest first: rows mostly reuse one of a few (an
   * {% if %} makes two), and comparing strings, which stops at a different length or the
   * first different character, is cheaper than hashing the whole rendered text per row.
   */
  private readonly recent: { marked: string; stands: string; shape: Shape | null }[] = [];

  /**
   * The row's documents, built from its shape, or undefined when the row needs the full
   * parse: the skeleton has no shape, or a value cannot stand where it is written.
   */
  documents(rendering: MarkedRendering): ShapedRow | undefined {
    const stands = standsOf(rendering);
    const { marked } = rendering;
    let shape: Shape | null | undefined;
    for (const seen of this.recent) {
      if (seen.marked.length === marked.length && seen.stands === stands && seen.marked === marked) {
        shape = seen.shape;
        break;
      }
    }
    if (shape === undefined) {
      // Two lookups, not one by the two joined: rows whose skeletons alternate ({% if %})
      // would build and hash a joined key of the whole text every row.
      let byStands = this.shapes.get(marked);
      shape = byStands?.get(stands);
      if (shape === undefined) {
        shape = shapeOfSkeleton(rendering);
        if (this.count >= CACHE_LIMIT) {
          this.shapes.clear();
          this.count = 0;
          byStands = undefined;
        }
        if (!byStands) this.shapes.set(marked, (byStands = new Map()));
        byStands.set(stands, shape);
        this.count++;
      }
      if (this.recent.length >= RECENT) this.recent.pop();
      this.recent.unshift({ marked, stands, shape });
    }
    return shape ? fill(shape, rendering) : undefined;
  }
}

/**
 * How each value stands in the skeleton, as text: a token (written bare), a quoted token
 * (a simple quoted string from tojson or quote), or itself (other YAML from tojson,
 * quote, toyaml).
 */
function standsOf(rendering: MarkedRendering): string {
  const { values, safe } = rendering;
  let key = "";
  for (let n = 0; n < values.length; n++) {
    if (!safe[n]) key += "\u0000";
    else {
      const value = values[n] as string;
      key += QUOTED.test(value) ? "\u0001" : `\u0002${value}\u0003`;
    }
  }
  return key;
}

function shapeOfSkeleton(rendering: MarkedRendering): Shape | null {
  const { values, safe } = rendering;
  const quoted = new Set<number>();
  let tokens = 0;
  const stands = values.map((value, n) => {
    if (!safe[n]) {
      tokens++;
      return skeletonToken(n);
    }
    if (!QUOTED.test(value)) return value;
    quoted.add(n);
    tokens++;
    return `"${skeletonToken(n)}"`;
  });
  const text = rendering.marked.replace(PLACEHOLDER, (_, n: string) => stands[Number(n)] ?? "");
  try {
    // A value standing as itself that looks like a token would be mistaken for one.
    if ((text.match(TOKEN) ?? []).length !== tokens) return null;
    const built = construct(parseEvents(text, {}), text, quoted, tokens);
    return built ? { ...built, builders: built.docs.map((doc) => builderOf(doc)), emissions: new Map() } : null;
  } catch {
    return null; // the row is parsed in full, which reports the error properly
  }
}

/** The row's documents from its shape, or undefined when a value cannot stand where it is written. */
function fill(shape: Shape, rendering: MarkedRendering): ShapedRow | undefined {
  const { values, safe } = rendering;
  const filled: Scalar[] = new Array<Scalar>(shape.slots.length);
  for (let s = 0; s < shape.slots.length; s++) {
    const { parts, plain, decoded, risk } = shape.slots[s] as SlotSpec;
    let text: string | undefined;
    if (decoded) text = unescape(values[(parts[0] as ValuePart).n] as string);
    else {
      text = "";
      for (const part of parts) {
        if (typeof part === "string") text += part;
        else {
          const value = values[part.n] as string;
          const written = part.inner ? value.slice(1, -1) : value;
          if (risk.test(written)) return undefined;
          text += written;
        }
      }
    }
    if (text === undefined) return undefined;
    if (plain) {
      const typed = CORE_SCHEMA.resolveImplicitScalarTag(text).value as Scalar;
      // A typed plain scalar: each value keeps today's reading (a value alone: both YAML versions').
      if (typeof typed !== "string" || parts.length === 1) {
        for (const part of parts) {
          if (typeof part === "string" || safe[part.n]) continue;
          const value = values[part.n] as string;
          if (parts.length === 1 ? !keepsReading(value) : isRiskyOutput(value)) return undefined;
        }
      }
      filled[s] = typed;
    } else filled[s] = text;
  }
  const docs = new Array<Built<Scalar>>(shape.builders.length);
  for (let d = 0; d < docs.length; d++) docs[d] = (shape.builders[d] as Builder)(filled);
  return { docs, shape, filled };
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
export function compileEmission(shape: Shape, doc: number, finish: (job: Built<Hole>, name: Hole, index: Hole, params: Hole) => void): Emission {
  // The document built as a row builds it, with each slot's hole for its value.
  const job = builderOf<Hole>(shape.docs[doc] as ShapeNode)(shape.slots.map((_, n) => new Hole(n)));
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
export function fillEmission(emission: Emission, filled: readonly Scalar[], name: string, index: string, params: string): string {
  const { pieces } = emission;
  const out = new Array<string>(pieces.length);
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i] as string | number;
    if (typeof piece === "string") out[i] = piece;
    else if (piece === emission.name) out[i] = inline(name);
    // The item index is digits, which YAML would read as a number: always quoted.
    else if (piece === emission.index) out[i] = `"${index}"`;
    else if (piece === emission.params) out[i] = inline(params);
    else out[i] = inline(filled[piece]);
  }
  // Joined, not grown by `+=`: the sink encodes it at once, which would flatten a rope into a copy anyway.
  return out.join("");
}
