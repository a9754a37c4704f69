/**
 * Small, deliberate changes to nunjucks so that templates written for Jinja2 (like the
 * Kubernetes docs task "Parallel Processing using Expansions") render unchanged, and so
 * that an undefined value can be reported with its place in the template.
 *
 * nunjucks keeps its parser and runtime as shared module objects; the patches are
 * applied once, idempotently, before the first template is compiled.
 */
import nunjucks from "nunjucks";

/**
 * Where the last `{{ … }}` that evaluated to undefined was (0-based, as nunjucks counts).
 * nunjucks wraps every error thrown during a render into a plain Error, so the position
 * is kept here and read back by the renderer; rendering is synchronous, so it cannot
 * belong to another render.
 */
let undefinedOutput: { lineno: number; colno: number } | undefined;

/** Set when a filter was given an undefined value; nunjucks adds the line to the error. */
let undefinedFilterInput = false;

/** Returns and clears the recorded position. */
export function takeUndefinedOutput(): { lineno: number; colno: number } | undefined {
  const at = undefinedOutput;
  undefinedOutput = undefined;
  return at;
}

/** Returns and clears whether a filter was given an undefined value. */
export function takeUndefinedFilterInput(): boolean {
  const seen = undefinedFilterInput;
  undefinedFilterInput = false;
  return seen;
}

/**
 * Output marking. While a render is recorded, every non-empty `{{ … }}` result is
 * replaced in the output by a placeholder `\uE000<n>\uE001` and kept aside, so the
 * manifest stage can see exactly where each value landed. Results of filters that emit
 * YAML syntax on purpose (tojson, quote, toyaml, and indent of those) are flagged `safe`:
 * they are the safe way to write a value.
 */
export const MARK_OPEN = "\uE000";
export const MARK_CLOSE = "\uE001";
let recording: { values: string[]; safe: boolean[] } | undefined;
let yamlSafeOutputs = new Set<string>();

export function startRecording(): void {
  recording = { values: [], safe: [] };
  // A new Set per rendering, not clear(): a cleared Set's old tables outlived young
  // collections and doubled the expansion's memory at a million rows.
  yamlSafeOutputs = new Set<string>();
}

/** Ends a recording and returns the marked values, in placeholder order, and which are safe. */
export function stopRecording(): { values: string[]; safe: boolean[] } {
  const result = recording ?? { values: [], safe: [] };
  recording = undefined;
  return result;
}

/** Wraps a filter whose output is YAML written on purpose, so it is not marked. */
export function yamlSafeFilter<F extends (...args: never[]) => unknown>(filter: F): F {
  return function yamlSafe(this: unknown, ...args: Parameters<F>) {
    const result = filter.apply(this, args);
    if (recording && typeof result === "string") yamlSafeOutputs.add(result);
    return result;
  } as F;
}

/** `indent` keeps the safety of what it indents (toyaml | indent(8)). */
export function yamlSafePreservingFilter<F extends (...args: never[]) => unknown>(filter: F): F {
  return function preserving(this: unknown, ...args: Parameters<F>) {
    const result = filter.apply(this, args);
    if (recording && typeof result === "string" && typeof args[0] === "string" && yamlSafeOutputs.has(args[0])) yamlSafeOutputs.add(result);
    return result;
  } as F;
}

/** Filters that exist to handle undefined values. */
const ACCEPTS_UNDEFINED = new Set(["default", "d"]);

/**
 * Like Jinja2's StrictUndefined: a filter given an undefined value is an error (so
 * `{{ itme | quote }}` does not quietly print ""), except `default`, which is for that.
 */
export function strictFilter<F extends (...args: never[]) => unknown>(name: string, filter: F): F {
  if (ACCEPTS_UNDEFINED.has(name)) return filter;
  return function strict(this: unknown, ...args: Parameters<F>) {
    if (args[0] === undefined) {
      undefinedFilterInput = true;
      throw new Error(`undefined value given to filter ${name}`);
    }
    return filter.apply(this, args);
  } as F;
}

interface Token { type: string; value: string; lineno: number; colno: number }
interface AggregateParser {
  nextToken(): Token;
  peekToken(): Token;
  skip(type: string): boolean;
  fail(message: string, lineno?: number, colno?: number): never;
  parsePrimary(): unknown;
  parseExpression(): unknown;
}
interface NodeClasses {
  Group: new (l: number, c: number) => AggregateNode;
  Array: new (l: number, c: number) => AggregateNode;
  Dict: new (l: number, c: number) => AggregateNode;
  Pair: new (l: number, c: number, k: unknown, v: unknown) => unknown;
}
interface CompilerLike {
  _emit(code: string): void;
  compile(node: unknown, frame: unknown): void;
}
type Positioned = { lineno: number; colno: number };

/** Python's truth: None, False, 0, "", and empty lists and dicts are false. */
export function pythonTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.keys(value).length > 0;
  }
  return Boolean(value);
}

/**
 * nunjucks compiles `if`, `not`, `and`, `or` and `x if c else y` to JavaScript's own
 * operators, so an empty list or dict counts as true, where Jinja2 (Python) counts it
 * as false: `{% if args %}` would print an empty `args:`. Each condition is wrapped in a
 * node that compiles to runtime.jobxTruthy(…); `and`/`or` return an operand, as in Python.
 */
function patchTruthiness(
  proto: Record<string, unknown>,
  runtime: Record<string, unknown>,
  Node: { extend(name: string, props: { fields: string[] }): new (l: number, c: number, target: unknown) => unknown },
): void {
  runtime.jobxTruthy = pythonTruthy;
  const Truthy = Node.extend("JobxTruthy", { fields: ["target"] });
  const wrap = (node: Positioned): unknown => (node instanceof Truthy ? node : new Truthy(node.lineno, node.colno, node));
  const assertType = proto.assertType as (this: unknown, node: unknown, ...types: unknown[]) => void;
  proto.assertType = function (this: unknown, node: unknown, ...types: unknown[]) {
    if (node instanceof Truthy) return;
    assertType.call(this, node, ...types);
  };
  proto.compileJobxTruthy = function (this: CompilerLike, node: { target: unknown }, frame: unknown) {
    this._emit("runtime.jobxTruthy(");
    this.compile(node.target, frame);
    this._emit(")");
  };
  for (const [method, field] of [["compileIf", "cond"], ["compileInlineIf", "cond"], ["compileNot", "target"]] as const) {
    const original = proto[method] as (this: CompilerLike, node: Record<string, Positioned>, ...rest: unknown[]) => void;
    proto[method] = function (this: CompilerLike, node: Record<string, Positioned>, ...rest: unknown[]) {
      node[field] = wrap(node[field] as Positioned) as Positioned;
      original.call(this, node, ...rest);
    };
  }
  // `a and b` is b when a is true, else a; `a or b` is a when a is true, else b.
  for (const [method, whenTrue] of [["compileAnd", "right"], ["compileOr", "left"]] as const) {
    proto[method] = function (this: CompilerLike, node: { left: unknown; right: unknown }, frame: unknown) {
      const whenFalse = whenTrue === "right" ? "left" : "right";
      this._emit("(function(jobxLeft){return runtime.jobxTruthy(jobxLeft)?");
      if (whenTrue === "left") this._emit("jobxLeft");
      else this.compile(node[whenTrue], frame);
      this._emit(":");
      if (whenFalse === "left") this._emit("jobxLeft");
      else this.compile(node[whenFalse], frame);
      this._emit("})(");
      this.compile(node.left, frame);
      this._emit(")");
    };
  }
}
interface AggregateNode { children: unknown[]; addChild(n: unknown): void }

let patched = false;

export function patchNunjucks(): void {
  if (patched) return;
  patched = true;
  // nunjucks' index exposes its internals untyped (nunjucks is pinned to 3.2.4 exactly).
  const internals = nunjucks as unknown as {
    runtime: Record<string, unknown>;
    nodes: NodeClasses & { Node: { extend(name: string, props: { fields: string[] }): new (l: number, c: number, target: unknown) => unknown } };
    lexer: Record<"TOKEN_LEFT_PAREN" | "TOKEN_LEFT_BRACKET" | "TOKEN_LEFT_CURLY" | "TOKEN_RIGHT_PAREN" | "TOKEN_RIGHT_BRACKET" | "TOKEN_RIGHT_CURLY" | "TOKEN_COMMA" | "TOKEN_COLON", string>;
    parser: { Parser: { prototype: Record<string, unknown> } };
    compiler: { Compiler: { prototype: Record<string, unknown> } };
  };
  const { runtime, nodes, lexer } = internals;
  const Parser = internals.parser.Parser;

  // Upstream's ensureDefined (enabled by throwOnUndefined) also rejects null and does not
  // say where; Jinja2 prints None for null, so only undefined is an error here.
  runtime.ensureDefined = (val: unknown, lineno: number, colno: number): unknown => {
    if (val === undefined) {
      undefinedOutput = { lineno, colno };
      throw new Error("undefined value");
    }
    return val;
  };

  // Jinja2 (like Python) accepts a trailing comma in list and dict literals; the docs'
  // expansion template has one in every dict. nunjucks' parseAggregate does not: this is
  // its loop with one added check after the comma.
  const CLOSERS = new Set([lexer.TOKEN_RIGHT_PAREN, lexer.TOKEN_RIGHT_BRACKET, lexer.TOKEN_RIGHT_CURLY]);
  Parser.prototype.parseAggregate = function parseAggregate(this: AggregateParser) {
    const tok = this.nextToken();
    let node: AggregateNode;
    const isDict = tok.type === lexer.TOKEN_LEFT_CURLY;
    if (tok.type === lexer.TOKEN_LEFT_PAREN) node = new nodes.Group(tok.lineno, tok.colno);
    else if (tok.type === lexer.TOKEN_LEFT_BRACKET) node = new nodes.Array(tok.lineno, tok.colno);
    else if (isDict) node = new nodes.Dict(tok.lineno, tok.colno);
    else return null;
    for (;;) {
      if (CLOSERS.has(this.peekToken().type)) {
        this.nextToken();
        break;
      }
      if (node.children.length > 0) {
        if (!this.skip(lexer.TOKEN_COMMA)) {
          this.fail("parseAggregate: expected comma after expression", tok.lineno, tok.colno);
        }
        if (CLOSERS.has(this.peekToken().type)) {
          this.nextToken();
          break;
        }
      }
      if (isDict) {
        const key = this.parsePrimary() as { lineno: number; colno: number };
        if (!this.skip(lexer.TOKEN_COLON)) {
          this.fail("parseAggregate: expected colon after dict key", tok.lineno, tok.colno);
        }
        node.addChild(new nodes.Pair(key.lineno, key.colno, key, this.parseExpression()));
      } else {
        node.addChild(this.parseExpression());
      }
    }
    return node;
  };

  // A filter call does not update the render's current line (only calls and outputs
  // do), so an error thrown by a filter would carry no line. Set it around each call.
  const compilerProto = internals.compiler.Compiler.prototype;
  const compileFilter = compilerProto.compileFilter as (this: CompilerLike, node: { lineno: number; colno: number }, frame: unknown) => void;
  compilerProto.compileFilter = function compileFilterWithLine(this: CompilerLike, node: { lineno: number; colno: number }, frame: unknown) {
    // (Node positions are 0-based; error positions are reported 1-based.)
    this._emit(`(lineno = ${node.lineno + 1}, colno = ${node.colno + 1}, `);
    compileFilter.call(this, node, frame);
    this._emit(")");
  };

  patchTruthiness(compilerProto, runtime, internals.nodes.Node);

  // Last: installJinjaCompat wraps the parseAggregate it finds (to add slices), so it
  // must find the one above.
  nunjucks.installJinjaCompat();

  const suppressValue = runtime.suppressValue as (val: unknown, autoescape: boolean) => unknown;
  runtime.suppressValue = function markedSuppressValue(val: unknown, autoescape: boolean): unknown {
    const out = suppressValue(val, autoescape);
    if (recording && (typeof out === "string" || typeof out === "number" || typeof out === "boolean") && out !== "") {
      const text = String(out);
      recording.safe.push(yamlSafeOutputs.has(text));
      return `${MARK_OPEN}${recording.values.push(text) - 1}${MARK_CLOSE}`;
    }
    return out;
  };

  // Python's negative indexes (xs[-1]); nunjucks looks up the property "-1" and finds nothing.
  // (Four arguments are a slice, xs[a:b:c], which the compat layer handles.)
  const memberLookup = runtime.memberLookup as (...args: unknown[]) => unknown;
  runtime.memberLookup = function negativeIndexLookup(this: unknown, ...args: unknown[]): unknown {
    const [obj, val] = args;
    if (args.length === 2 && typeof val === "number" && val < 0 && (Array.isArray(obj) || typeof obj === "string")) {
      return memberLookup.call(this, obj, obj.length + val);
    }
    return memberLookup.apply(this, args);
  };
}
