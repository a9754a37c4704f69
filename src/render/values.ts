/**
 * How Python's values are held in JavaScript while a template renders.
 *
 * - str: a JS string (or a TaggedStr / MarkedText, below, which are strings to Python);
 * - int: an integral JS number; bool: a JS boolean; None: null;
 * - float: a PyFloat, or any non-integral JS number (so 2.5 from a parameter file is a
 *   float; a whole number from a file is an int: JavaScript does not keep `2.0`'s form);
 * - list: a JS array; tuple: a PyTuple (an array that prints as a tuple);
 * - dict: a plain object (parameters) or a PyDict (made by the template, keeping
 *   Python's key order and non-string keys);
 * - undefined: an Undefined, which remembers where it came from.
 */

export class PyFloat {
  constructor(readonly v: number) {}
}

/** A tuple: an array, so iteration and indexing work as for a list, that prints as (a, b). */
export class PyTuple extends Array<unknown> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
}

export function tuple(items: readonly unknown[]): PyTuple {
  const t = new PyTuple();
  for (const item of items) t.push(item);
  return t;
}

/** groupby's result items: tuples with `.grouper` and `.list`. */
export class GroupTuple extends PyTuple {
  get grouper(): unknown {
    return this[0];
  }
  get list(): unknown {
    return this[1];
  }
}

/** A dict made by the template: insertion order and Python's key equality (1 == 1.0 == True). */
export class PyDict {
  readonly entries = new Map<string | number | boolean | null, [unknown, unknown]>();
}

/**
 * A string whose origin matters: `yaml` for the output of tojson, quote and toyaml
 * (and indent of them), which is YAML written on purpose and not traced as a value;
 * `markup` for markupsafe's Markup (escape, safe, tojson), which escapes what is added to it.
 */
export class TaggedStr {
  constructor(
    readonly s: string,
    readonly markup: boolean,
    readonly yaml: boolean,
  ) {}
}

/**
 * Template text captured from a macro, a call block or a `{% set %}` block while a
 * rendering is traced: the text with its own placeholders and the values written in it,
 * so the values stay traced when the text is printed (see src/render/template.ts).
 */
export class MarkedText {
  constructor(
    readonly marked: string,
    readonly values: string[],
    readonly safe: boolean[],
  ) {}
}

export class Undefined {
  constructor(
    /** Why it is undefined, for messages: "'x' is undefined", "there is no next item". */
    readonly hint: string,
    /** The plain name that was not found, when it was one. */
    readonly name?: string,
    readonly line?: number,
    readonly column?: number,
  ) {}
}

/** A value iterated once, as a Python generator or iterator is (map, select, reverse, …). */
export class PyIter {
  consumed = false;
  constructor(
    private readonly items: unknown[],
    /** What Python calls it, for messages: "generator", "list_reverseiterator". */
    readonly typeName: string,
  ) {}
  take(): unknown[] {
    if (this.consumed) return [];
    this.consumed = true;
    return this.items;
  }
}

/** Python's range object. */
export class PyRange {
  constructor(
    readonly start: number,
    readonly stop: number,
    readonly step: number,
  ) {}
  get length(): number {
    const n = Math.ceil((this.stop - this.start) / this.step);
    return Math.max(0, n);
  }
  items(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.start + i * this.step);
    return out;
  }
}

/** dict.items(), dict.keys(), dict.values(): iterable views that print as dict_items([…]). */
export class DictView {
  constructor(
    readonly kind: "dict_items" | "dict_keys" | "dict_values",
    readonly items: unknown[],
  ) {}
}

/** Jinja2's namespace(): attributes set with {% set ns.attr = … %} from any scope. */
export class Namespace {
  readonly attrs = new PyDict();
}

/** Something callable from a template: a global, a bound method, a macro. */
export interface Callable {
  readonly callableName: string;
  call(args: unknown[], kwargs: Map<string, unknown>): unknown;
}

export function isCallable(value: unknown): value is Callable {
  return typeof value === "object" && value !== null && typeof (value as Callable).call === "function" && typeof (value as Callable).callableName === "string";
}

/** A callable from a JS function (a class instance, so it is never mistaken for a dict). */
export class PyFunction implements Callable {
  constructor(
    readonly callableName: string,
    readonly call: (args: unknown[], kwargs: Map<string, unknown>) => unknown,
  ) {}
}

export function callable(name: string, fn: (args: unknown[], kwargs: Map<string, unknown>) => unknown): Callable {
  return new PyFunction(name, fn);
}
