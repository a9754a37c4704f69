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
interface CompilerLike { _emit(code: string): void }
interface AggregateNode { children: unknown[]; addChild(n: unknown): void }

let patched = false;

export function patchNunjucks(): void {
  if (patched) return;
  patched = true;
  // nunjucks' index exposes its internals untyped (nunjucks is pinned to 3.2.4 exactly).
  const internals = nunjucks as unknown as {
    runtime: Record<string, unknown>;
    nodes: NodeClasses;
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

  // Last: installJinjaCompat wraps the parseAggregate it finds (to add slices), so it
  // must find the one above.
  nunjucks.installJinjaCompat();

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
