/**
 * The syntax tree compiled to JavaScript closures (nothing is evaluated from text): one
 * function per node, with Jinja2's scoping — a `for` iteration, a macro, `with`, a
 * `{% filter %}` and a `{% set %}` block each have their own scope; `if` has none;
 * names resolve through the enclosing scopes, then the row, then Jinja2's globals.
 */
import type { CallArgs, Expr, FilterExpr, Stmt } from "./ast";
import { FILTERS, GLOBALS, REFUSED_FILTERS, REFUSED_TESTS, TESTS, attribute, callValue, nearestName, type RenderContext } from "./builtins";
import { TemplateRenderError, TemplateSyntaxError, pyError, refused } from "./errors";
import { MARK, MARK_CLOSE, MARK_OPEN } from "./marks";
import {
  MISSING,
  PySlice,
  add,
  compare,
  contains,
  dictItems,
  dictSet,
  eq,
  floordiv,
  indexOf,
  isDict,
  isStr,
  iterate,
  len,
  mod,
  mul,
  neg,
  newDict,
  owned,
  pos,
  pow,
  sliceOf,
  str,
  strOf,
  sub,
  truediv,
  truthy,
  undefinedError,
  dictGet,
  isMarkup,
} from "./runtime";
import { type Callable, MarkedText, Namespace, PyRange, PyTuple, TaggedStr, Undefined, callable, tuple } from "./values";

/** Where rendered text goes: the text, and while tracing, the values written (see renderMarked). */
export class Out {
  text = "";
  constructor(
    readonly values: string[] | null,
    readonly safe: boolean[] | null,
  ) {}

  /** A `{{ … }}` result. */
  print(value: unknown): void {
    if (this.values !== null && value instanceof MarkedText) {
      this.text += value.marked.replace(MARK, (_, n: string) => this.mark(value.values[Number(n)] as string, value.safe[Number(n)] as boolean));
      return;
    }
    const text = typeof value === "string" ? value : str(value);
    if (this.values === null || text === "") this.text += text;
    else this.text += this.mark(text, value instanceof TaggedStr && value.yaml);
  }

  private mark(text: string, safe: boolean): string {
    (this.safe as boolean[]).push(safe);
    return `${MARK_OPEN}${(this.values as string[]).push(text) - 1}${MARK_CLOSE}`;
  }

  /** An Out for text captured by a macro or a block, traced when this one is. */
  capture(): Out {
    return this.values === null ? new Out(null, null) : new Out([], []);
  }

  result(): string | MarkedText {
    return this.values !== null && this.values.length > 0 ? new MarkedText(this.text, this.values, this.safe as boolean[]) : this.text;
  }
}

export class Scope {
  readonly vars = new Map<string, unknown>();
  constructor(
    readonly parent: Scope | undefined,
    readonly root: RenderContext,
  ) {}

  lookup(name: string): unknown {
    const own = this.vars.get(name);
    if (own !== undefined) return own;
    for (let s = this.parent; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v !== undefined) return v;
    }
    const context = this.root.context;
    if (Object.hasOwn(context, name)) return context[name];
    const global = GLOBALS.get(name);
    return global === undefined ? MISSING : global;
  }

  child(): Scope {
    return new Scope(this, this.root);
  }
}

type Ev = (scope: Scope) => unknown;
type Ex = (scope: Scope, out: Out) => void;

interface At {
  line: number;
  column: number;
}

/** Gives an error from the runtime the position of the node it came from. */
function located(err: unknown, at: At): unknown {
  if (err instanceof TemplateRenderError && err.line === undefined) {
    err.line = at.line;
    err.column = at.column;
  }
  return err;
}

function guarded(at: At, fn: Ev): Ev {
  return (scope) => {
    try {
      return fn(scope);
    } catch (err) {
      throw located(err, at);
    }
  };
}

function guardedStmt(at: At, fn: Ex): Ex {
  return (scope, out) => {
    try {
      fn(scope, out);
    } catch (err) {
      throw located(err, at);
    }
  };
}

function runAll(body: Ex[], scope: Scope, out: Out): void {
  for (let i = 0; i < body.length; i++) (body[i] as Ex)(scope, out);
}

/** Names a macro body uses, to know whether it takes varargs, kwargs and caller (as Jinja2 does). */
function namesIn(nodes: unknown): Set<string> {
  const found = new Set<string>();
  const visit = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === "object") {
      const n = node as { kind?: string; name?: string };
      if (n.kind === "name" && typeof n.name === "string") found.add(n.name);
      for (const value of Object.values(node)) if (typeof value === "object") visit(value);
    }
  };
  visit(nodes);
  return found;
}

/** A loop's `loop` variable (jinja2.runtime.LoopContext). */
export class LoopContext implements Callable {
  readonly callableName = "loop";
  index0 = 0;
  private lastChanged: unknown[] | undefined;
  constructor(
    readonly items: unknown[],
    readonly depth0: number,
    private readonly recurse: ((items: unknown, depth0: number) => unknown) | undefined,
  ) {}

  attribute(name: string): unknown {
    const { index0, items } = this;
    switch (name) {
      case "index":
        return index0 + 1;
      case "index0":
        return index0;
      case "revindex":
        return items.length - index0;
      case "revindex0":
        return items.length - index0 - 1;
      case "first":
        return index0 === 0;
      case "last":
        return index0 === items.length - 1;
      case "length":
        return items.length;
      case "depth":
        return this.depth0 + 1;
      case "depth0":
        return this.depth0;
      case "previtem":
        return index0 === 0 ? new Undefined("there is no previous item (loop.previtem on the first iteration)") : items[index0 - 1];
      case "nextitem":
        return index0 === items.length - 1 ? new Undefined("there is no next item (loop.nextitem on the last iteration)") : items[index0 + 1];
      case "cycle":
        return callable("loop.cycle", (args) => {
          if (args.length === 0) throw pyError("TypeError", "no items for cycling given");
          return args[index0 % args.length];
        });
      case "changed":
        return callable("loop.changed", (args) => {
          if (this.lastChanged !== undefined && eq(tuple(this.lastChanged), tuple(args))) return false;
          this.lastChanged = args;
          return true;
        });
    }
    return MISSING;
  }

  call(args: unknown[]): unknown {
    if (!this.recurse) throw pyError("TypeError", "The loop must have the 'recursive' marker to be called recursively.");
    if (args.length !== 1) throw pyError("TypeError", "loop() takes one argument: the items to loop over");
    return this.recurse(args[0], this.depth0 + 1);
  }
}

/** A macro (jinja2.runtime.Macro): its arguments bound as Jinja2 binds them. */
export class Macro implements Callable {
  constructor(
    readonly callableName: string,
    private readonly params: string[],
    private readonly defaults: Ev[],
    private readonly body: Ex[],
    private readonly scope: Scope,
    private readonly uses: { varargs: boolean; kwargs: boolean; caller: boolean },
    private readonly render: (scope: Scope, body: Ex[]) => unknown,
  ) {}

  call(args: unknown[], kwargs: Map<string, unknown>): unknown {
    const scope = this.scope.child();
    const { params, defaults } = this;
    const firstDefault = params.length - defaults.length;
    if (args.length > params.length && !this.uses.varargs) {
      throw pyError("TypeError", `macro '${this.callableName}' takes not more than ${params.length} argument(s)`);
    }
    const rest = new Map(kwargs);
    params.forEach((name, i) => {
      let value: unknown;
      if (i < args.length) {
        if (rest.has(name)) throw pyError("TypeError", `macro '${this.callableName}' got multiple values for argument '${name}'`);
        value = args[i];
      } else if (rest.has(name)) {
        value = rest.get(name);
        rest.delete(name);
      } else if (i >= firstDefault) {
        // Defaults are evaluated at the call, and may use the parameters before them.
        value = (defaults[i - firstDefault] as Ev)(scope);
      } else value = new Undefined(`the parameter '${name}' of macro '${this.callableName}' was not provided`, name);
      scope.vars.set(name, value);
    });
    if (this.uses.caller) {
      const caller = rest.get("caller");
      rest.delete("caller");
      scope.vars.set("caller", caller ?? new Undefined(`macro '${this.callableName}' was called without a caller ({% call %} block)`, "caller"));
    }
    if (this.uses.varargs) scope.vars.set("varargs", tuple(args.slice(params.length)));
    else if (args.length > params.length) throw pyError("TypeError", `macro '${this.callableName}' takes not more than ${params.length} argument(s)`);
    if (this.uses.kwargs) scope.vars.set("kwargs", newDict(rest));
    else if (rest.size > 0) throw pyError("TypeError", `macro '${this.callableName}' takes no keyword argument '${[...rest.keys()][0]}'`);
    return this.render(scope, this.body);
  }
}

function capture(body: Ex[], scope: Scope, out: Out): string | MarkedText {
  const inner = out.capture();
  runAll(body, scope, inner);
  return inner.result();
}

/** Assigns to a `{% set %}`, `{% for %}` or `{% with %}` target, unpacking tuples as Python does. */
function assign(target: Expr, value: unknown, scope: Scope): void {
  if (target.kind === "name") {
    scope.vars.set(target.name, value);
    return;
  }
  if (target.kind === "nsref") {
    const ns = scope.lookup(target.name);
    if (!(ns instanceof Namespace)) {
      throw new TemplateRenderError(`cannot assign attribute '${target.attr}' on '${target.name}', which is not a namespace(): {% set ${target.name} = namespace() %} first`, "runtime", target.line, target.column);
    }
    dictSet(ns.attrs, target.attr, value);
    return;
  }
  if (target.kind === "tuple") {
    const items = iterate(value);
    if (items.length !== target.items.length) {
      throw pyError("ValueError", items.length < target.items.length ? `not enough values to unpack (expected ${target.items.length}, got ${items.length})` : `too many values to unpack (expected ${target.items.length})`);
    }
    target.items.forEach((t, i) => assign(t, items[i], scope));
    return;
  }
  throw new TemplateSyntaxError(`cannot assign to ${target.kind}`, target.line, target.column);
}

export interface Compiled {
  run(context: Record<string, unknown>, out: Out): void;
}

export function compileTemplateBody(body: Stmt[]): Compiled {
  const compiled = compileStmts(body);
  return {
    run(context, out) {
      const root: RenderContext = { context, top: undefined as unknown as Scope };
      const top = new Scope(undefined, root);
      root.top = top;
      runAll(compiled, top, out);
    },
  };
}

function compileStmts(body: Stmt[]): Ex[] {
  return body.map(compileStmt);
}

function compileStmt(stmt: Stmt): Ex {
  switch (stmt.kind) {
    case "data": {
      const text = stmt.text;
      return (_, out) => {
        out.text += text;
      };
    }
    case "output": {
      const ev = compileExpr(stmt.expr);
      return (scope, out) => out.print(ev(scope));
    }
    case "if": {
      const test = compileExpr(stmt.test);
      const body = compileStmts(stmt.body);
      const else_ = compileStmts(stmt.else_);
      return guardedStmt(stmt, (scope, out) => runAll(truthy(test(scope)) ? body : else_, scope, out));
    }
    case "for":
      return compileFor(stmt);
    case "assign": {
      const ev = compileExpr(stmt.expr);
      const target = stmt.target;
      return guardedStmt(stmt, (scope) => assign(target, ev(scope), scope));
    }
    case "assignblock": {
      const body = compileStmts(stmt.body);
      const filter = stmt.filter ? compileFilterChain(stmt.filter) : undefined;
      const target = stmt.target;
      return guardedStmt(stmt, (scope, out) => {
        const captured = capture(body, scope.child(), out);
        assign(target, filter ? filter(scope, captured) : captured, scope);
      });
    }
    case "with": {
      const values = stmt.values.map(compileExpr);
      const body = compileStmts(stmt.body);
      const targets = stmt.targets;
      return guardedStmt(stmt, (scope, out) => {
        const evaluated = values.map((v) => v(scope));
        const inner = scope.child();
        targets.forEach((t, i) => assign(t, evaluated[i], inner));
        runAll(body, inner, out);
      });
    }
    case "filterblock": {
      const body = compileStmts(stmt.body);
      const filter = compileFilterChain(stmt.filter);
      return guardedStmt(stmt, (scope, out) => out.print(filter(scope, capture(body, scope.child(), out))));
    }
    case "block": {
      const body = compileStmts(stmt.body);
      const scoped = stmt.scoped;
      // A block sees the template's top-level variables only, unless it is `scoped`.
      return (scope, out) => runAll(body, (scoped ? scope : (scope.root.top as Scope)).child(), out);
    }
    case "macro": {
      const body = compileStmts(stmt.body);
      const defaults = stmt.defaults.map(compileExpr);
      const names = namesIn(stmt.body);
      const uses = { varargs: names.has("varargs"), kwargs: names.has("kwargs"), caller: names.has("caller") };
      const { name, params } = stmt;
      return (scope, out) => {
        scope.vars.set(name, new Macro(name, params, defaults, body, scope, uses, (s, b) => capture(b, s, out)));
      };
    }
    case "callblock": {
      const body = compileStmts(stmt.body);
      const defaults = stmt.defaults.map(compileExpr);
      const names = namesIn(stmt.body);
      const uses = { varargs: names.has("varargs"), kwargs: names.has("kwargs"), caller: names.has("caller") };
      const call = stmt.call;
      const callee = compileExpr(call.node);
      const args = compileArgs(call);
      const params = stmt.params;
      return guardedStmt(stmt, (scope, out) => {
        const caller = new Macro("caller", params, defaults, body, scope, uses, (s, b) => capture(b, s, out));
        const { positional, keywords } = args(scope);
        out.print(callValue(callee(scope), positional, new Map([...keywords, ["caller", caller]])));
      });
    }
  }
}

function compileFor(stmt: Extract<Stmt, { kind: "for" }>): Ex {
  const iter = compileExpr(stmt.iter);
  const test = stmt.test ? compileExpr(stmt.test) : undefined;
  const body = compileStmts(stmt.body);
  const else_ = compileStmts(stmt.else_);
  const target = stmt.target;
  const loopUsed = namesIn(stmt.body).has("loop") || stmt.recursive;
  const run = (iterable: unknown, depth0: number, scope: Scope, out: Out): void => {
    let items = iterate(iterable);
    if (test) {
      // The loop filter sees the target, but not this loop's `loop`.
      items = items.filter((item) => {
        const s = scope.child();
        assign(target, item, s);
        return truthy(test(s));
      });
    }
    if (items.length === 0) {
      runAll(else_, scope.child(), out);
      return;
    }
    const loop = loopUsed
      ? new LoopContext(items, depth0, stmt.recursive ? (inner, d) => {
          const captured = out.capture();
          run(inner, d, scope, captured);
          return captured.result();
        } : undefined)
      : undefined;
    for (let i = 0; i < items.length; i++) {
      const s = scope.child();
      assign(target, items[i], s);
      if (loop) {
        loop.index0 = i;
        s.vars.set("loop", loop);
      }
      runAll(body, s, out);
    }
  };
  return guardedStmt(stmt, (scope, out) => run(iter(scope), 0, scope, out));
}

/** The arguments of a call without any: shared, never changed (callers copy before adding). */
const NO_ARGS: { positional: unknown[]; keywords: Map<string, unknown> } = Object.freeze({ positional: Object.freeze([]) as unknown as unknown[], keywords: new Map() });

function compileArgs(node: CallArgs): (scope: Scope) => { positional: unknown[]; keywords: Map<string, unknown> } {
  const args = node.args.map(compileExpr);
  const kwargs = node.kwargs.map((k) => [k.name, compileExpr(k.value)] as const);
  const dynArgs = node.dynArgs ? compileExpr(node.dynArgs) : undefined;
  const dynKwargs = node.dynKwargs ? compileExpr(node.dynKwargs) : undefined;
  if (args.length === 0 && kwargs.length === 0 && !dynArgs && !dynKwargs) return () => NO_ARGS;
  return (scope) => {
    const positional = args.map((a) => a(scope));
    if (dynArgs) positional.push(...iterate(dynArgs(scope)));
    const keywords = new Map<string, unknown>();
    for (const [name, ev] of kwargs) keywords.set(name, ev(scope));
    if (dynKwargs) {
      const d = dynKwargs(scope);
      if (!isDict(d)) throw pyError("TypeError", "argument after ** must be a mapping");
      for (const [k, v] of dictItems(d)) keywords.set(str(k), v);
    }
    return { positional, keywords };
  };
}

function filterFunction(name: string, at: At) {
  const fn = FILTERS.get(name);
  if (fn) return fn;
  const why = REFUSED_FILTERS[name];
  if (why) throw new TemplateSyntaxError(`jobx does not support the filter '${name}': ${why}`, at.line, at.column);
  const near = nearestName(name, [...FILTERS.keys()]);
  throw new TemplateSyntaxError(`no filter named '${name}'${near ? `; did you mean '${near}'?` : ""}`, at.line, at.column);
}

/** A filter chain applied to a value given at run time ({% filter %}, {% set x | f %}). */
function compileFilterChain(node: FilterExpr): (scope: Scope, value: unknown) => unknown {
  const chain: FilterExpr[] = [];
  for (let n: Expr | null = node; n !== null; n = n.kind === "filter" ? n.node : null) {
    if (n.kind !== "filter") throw new TemplateSyntaxError("expected a filter", n.line, n.column);
    chain.unshift(n);
  }
  const steps = chain.map((f) => ({ fn: filterFunction(f.name, f), args: compileArgs(f), name: f.name, at: f as At }));
  return (scope, value) => {
    let v = value;
    for (const step of steps) {
      try {
        const { positional, keywords } = step.args(scope);
        v = applyFilter(step.name, step.fn, v, positional, keywords, scope);
      } catch (err) {
        throw located(err, step.at);
      }
    }
    return v;
  };
}

const ACCEPTS_UNDEFINED = new Set(["default", "d"]);

function applyFilter(name: string, fn: NonNullable<ReturnType<typeof FILTERS.get>>, value: unknown, args: unknown[], kwargs: Map<string, unknown>, scope: Scope): unknown {
  if (value instanceof Undefined && !ACCEPTS_UNDEFINED.has(name)) throw undefinedError(value);
  return fn(value, args, kwargs, scope.root);
}

function compileExpr(node: Expr): Ev {
  switch (node.kind) {
    case "const": {
      const value = node.value;
      return () => value;
    }
    case "name": {
      const { name, line, column } = node;
      return (scope) => {
        const v = scope.lookup(name);
        return v === MISSING ? new Undefined(`'${name}' is undefined`, name, line, column) : v;
      };
    }
    case "nsref":
      throw new TemplateSyntaxError("a namespace attribute can only be assigned to", node.line, node.column);
    case "tuple": {
      const items = node.items.map(compileExpr);
      return (scope) => tuple(items.map((i) => i(scope)));
    }
    case "list": {
      const items = node.items.map(compileExpr);
      return (scope) => owned(items.map((i) => i(scope)));
    }
    case "dict": {
      const pairs = node.pairs.map((p) => [compileExpr(p.key), compileExpr(p.value)] as const);
      return guarded(node, (scope) => newDict(pairs.map(([k, v]) => [k(scope), v(scope)])));
    }
    case "getattr": {
      const obj = compileExpr(node.node);
      const { attr, line, column } = node;
      return guarded(node, (scope) => attribute(obj(scope), attr, line, column));
    }
    case "getitem": {
      const obj = compileExpr(node.node);
      const arg = compileExpr(node.arg);
      const { line, column } = node;
      return guarded(node, (scope) => item(obj(scope), arg(scope), line, column));
    }
    case "slice": {
      const start = node.start ? compileExpr(node.start) : () => null;
      const stop = node.stop ? compileExpr(node.stop) : () => null;
      const step = node.step ? compileExpr(node.step) : () => null;
      return (scope) => new PySlice(start(scope), stop(scope), step(scope));
    }
    case "call": {
      const callee = compileExpr(node.node);
      const args = compileArgs(node);
      return guarded(node, (scope) => {
        const fn = callee(scope);
        const { positional, keywords } = args(scope);
        return callValue(fn, positional, keywords);
      });
    }
    case "filter": {
      if (node.node === null) throw new TemplateSyntaxError("a filter needs a value", node.line, node.column);
      const input = compileExpr(node.node);
      const fn = filterFunction(node.name, node);
      const args = compileArgs(node);
      const name = node.name;
      return (scope) => {
        try {
          const value = input(scope);
          const { positional, keywords } = args(scope);
          return applyFilter(name, fn, value, positional, keywords, scope);
        } catch (err) {
          throw located(err, node);
        }
      };
    }
    case "test": {
      const input = compileExpr(node.node);
      const fn = TESTS.get(node.name);
      if (!fn) {
        const why = REFUSED_TESTS[node.name];
        if (why) throw new TemplateSyntaxError(`jobx does not support the test '${node.name}': ${why}`, node.line, node.column);
        const near = nearestName(node.name, [...TESTS.keys()]);
        throw new TemplateSyntaxError(`no test named '${node.name}'${near ? `; did you mean '${near}'?` : ""}`, node.line, node.column);
      }
      const args = compileArgs(node);
      const name = node.name;
      return guarded(node, (scope) => {
        const value = input(scope);
        if (value instanceof Undefined && name !== "defined" && name !== "undefined") throw undefinedError(value);
        const { positional, keywords } = args(scope);
        return fn(value, positional, keywords, scope.root);
      });
    }
    case "condexpr": {
      const test = compileExpr(node.test);
      const expr1 = compileExpr(node.expr1);
      const { line, column } = node;
      const expr2 = node.expr2 ? compileExpr(node.expr2) : () => new Undefined("the conditional expression's condition was false and it has no else", undefined, line, column);
      return guarded(node, (scope) => (truthy(test(scope)) ? expr1(scope) : expr2(scope)));
    }
    case "and": {
      const left = compileExpr(node.left);
      const right = compileExpr(node.right);
      return guarded(node, (scope) => {
        const l = left(scope);
        return truthy(l) ? right(scope) : l;
      });
    }
    case "or": {
      const left = compileExpr(node.left);
      const right = compileExpr(node.right);
      return guarded(node, (scope) => {
        const l = left(scope);
        return truthy(l) ? l : right(scope);
      });
    }
    case "not": {
      const inner = compileExpr(node.node);
      return guarded(node, (scope) => !truthy(inner(scope)));
    }
    case "neg": {
      const inner = compileExpr(node.node);
      return guarded(node, (scope) => neg(inner(scope)));
    }
    case "pos": {
      const inner = compileExpr(node.node);
      return guarded(node, (scope) => pos(inner(scope)));
    }
    case "binop": {
      const left = compileExpr(node.left);
      const right = compileExpr(node.right);
      const op = BINOPS[node.op];
      return guarded(node, (scope) => op(left(scope), right(scope)));
    }
    case "concat": {
      const parts = node.nodes.map(compileExpr);
      return guarded(node, (scope) => {
        const values = new Array<unknown>(parts.length);
        for (let i = 0; i < parts.length; i++) values[i] = (parts[i] as Ev)(scope);
        return concat(values);
      });
    }
    case "compare": {
      const first = compileExpr(node.expr);
      const ops = node.ops.map((o) => ({ op: o.op, ev: compileExpr(o.expr) }));
      return guarded(node, (scope) => {
        let left = first(scope);
        for (const { op, ev } of ops) {
          const right = ev(scope);
          if (!compareOp(op, left, right)) return false;
          left = right;
        }
        return true;
      });
    }
  }
}

const BINOPS: Record<Extract<Expr, { kind: "binop" }>["op"], (a: unknown, b: unknown) => unknown> = {
  "+": add,
  "-": sub,
  "*": mul,
  "/": truediv,
  "//": floordiv,
  "%": mod,
  "**": pow,
};

function compareOp(op: string, a: unknown, b: unknown): boolean {
  switch (op) {
    case "==":
      return eq(a, b);
    case "!=":
      return !eq(a, b);
    case "<":
      return compare(a, b, op) < 0;
    case "<=":
      return compare(a, b, op) <= 0;
    case ">":
      return compare(a, b, op) > 0;
    case ">=":
      return compare(a, b, op) >= 0;
    case "in":
      return contains(b, a);
    case "notin":
      return !contains(b, a);
  }
  throw new Error(`jobx bug: unknown comparison ${op}`);
}

/**
 * `a ~ b`: Jinja2's str_join (str() of each, joined). Traced captures among the parts
 * stay traced: the result is then one MarkedText.
 */
function concat(parts: unknown[]): unknown {
  let out = "";
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p instanceof MarkedText) return concatMarked(parts);
    out += typeof p === "string" ? p : str(p);
  }
  return out;
}

function concatMarked(parts: unknown[]): MarkedText {
  let marked = "";
  const values: string[] = [];
  const safe: boolean[] = [];
  for (const p of parts) {
    if (p instanceof MarkedText) {
      marked += p.marked.replace(MARK, (_, n: string) => {
        safe.push(p.safe[Number(n)] as boolean);
        return `${MARK_OPEN}${values.push(p.values[Number(n)] as string) - 1}${MARK_CLOSE}`;
      });
    } else marked += str(p);
  }
  return new MarkedText(marked, values, safe);
}

/** `obj[key]`: Jinja2's environment.getitem — the item, else the attribute of that name, else undefined. */
export function item(obj: unknown, key: unknown, line?: number, column?: number): unknown {
  if (obj instanceof Undefined) throw undefinedError(obj);
  if (key instanceof PySlice) return sliceOf(obj, key);
  if (isStr(obj) || Array.isArray(obj)) {
    const seq = Array.isArray(obj) ? obj : undefined;
    const length = seq ? seq.length : len(obj);
    const i = indexOf(length, key);
    if (i !== undefined) {
      if (seq) return seq[i];
      const s = strOf(obj as string);
      const ch = s.length === length ? (s[i] as string) : (Array.from(s)[i] as string);
      return isMarkup(obj) ? new TaggedStr(ch, true, false) : ch;
    }
  } else if (obj instanceof PyRange) {
    const i = indexOf(obj.length, key);
    if (i !== undefined) return obj.start + i * obj.step;
  } else if (isDict(obj)) {
    let found: unknown;
    try {
      found = dictGet(obj, key);
    } catch {
      found = MISSING; // unhashable key: a TypeError, which Jinja2 turns into undefined
    }
    if (found !== MISSING) return found;
  }
  if (isStr(key)) return attribute(obj, strOf(key), line, column);
  return new Undefined(`${describeObject(obj)} has no element ${str(key)}`, undefined, line, column);
}

export function describeObject(obj: unknown): string {
  if (isDict(obj)) return "'dict object'";
  if (obj instanceof PyTuple) return "'tuple object'";
  if (Array.isArray(obj)) return "'list object'";
  if (isStr(obj)) return "'str object'";
  return `'${obj === null ? "None" : typeof obj === "object" ? (obj as object).constructor.name : typeof obj} object'`;
}

export { refused };
