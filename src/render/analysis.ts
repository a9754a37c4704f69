/** What a template reads from its row, found in its syntax tree before anything renders. */
import { closestName } from "../text/nearest";
import type { Expr, Stmt } from "./ast";

export interface TemplateReads {
  /** The names the template looks up that are not its own variables: candidates for row keys. */
  names: Set<string>;
  /** Keys read as `params.key` or `params["key"]`. */
  paramsKeys: Set<string>;
  /** `params` is used as a whole (printed, iterated, indexed by a variable): every key counts as read. */
  paramsWhole: boolean;
}

/** The names a target assigns are not reads; a namespace attribute target reads its namespace. */
function visitTarget(target: Expr, reads: TemplateReads): void {
  if (target.kind === "nsref") reads.names.add(target.name);
  else if (target.kind === "tuple") target.items.forEach((t) => visitTarget(t, reads));
}

function visitExpr(node: Expr | undefined | null, reads: TemplateReads): void {
  if (!node) return;
  switch (node.kind) {
    case "name":
      reads.names.add(node.name);
      if (node.name === "params") reads.paramsWhole = true;
      return;
    case "getattr":
      if (node.node.kind === "name" && node.node.name === "params") {
        reads.names.add("params");
        reads.paramsKeys.add(node.attr);
        return;
      }
      visitExpr(node.node, reads);
      return;
    case "getitem":
      if (node.node.kind === "name" && node.node.name === "params" && node.arg.kind === "const" && typeof node.arg.value === "string") {
        reads.names.add("params");
        reads.paramsKeys.add(node.arg.value);
        return;
      }
      visitExpr(node.node, reads);
      visitExpr(node.arg, reads);
      return;
    default:
      for (const value of Object.values(node)) {
        if (Array.isArray(value)) {
          for (const item of value) {
            if (item && typeof item === "object") {
              if ("kind" in item) visitExpr(item as Expr, reads);
              else if ("value" in item) {
                visitExpr((item as { key?: Expr }).key, reads);
                visitExpr((item as { value: Expr }).value, reads);
              } else if ("expr" in item) visitExpr((item as { expr: Expr }).expr, reads);
            }
          }
        } else if (value && typeof value === "object" && "kind" in value) visitExpr(value as Expr, reads);
      }
  }
}

function visitStmts(body: Stmt[], reads: TemplateReads): void {
  for (const stmt of body) {
    switch (stmt.kind) {
      case "data":
        break;
      case "output":
        visitExpr(stmt.expr, reads);
        break;
      case "for":
        visitTarget(stmt.target, reads);
        visitExpr(stmt.iter, reads);
        visitExpr(stmt.test, reads);
        visitStmts(stmt.body, reads);
        visitStmts(stmt.else_, reads);
        break;
      case "if":
        visitExpr(stmt.test, reads);
        visitStmts(stmt.body, reads);
        visitStmts(stmt.else_, reads);
        break;
      case "macro":
        stmt.defaults.forEach((d) => visitExpr(d, reads));
        visitStmts(stmt.body, reads);
        break;
      case "callblock":
        stmt.defaults.forEach((d) => visitExpr(d, reads));
        visitExpr(stmt.call, reads);
        visitStmts(stmt.body, reads);
        break;
      case "filterblock":
        visitExpr(stmt.filter, reads);
        visitStmts(stmt.body, reads);
        break;
      case "assign":
        visitTarget(stmt.target, reads);
        visitExpr(stmt.expr, reads);
        break;
      case "assignblock":
        visitTarget(stmt.target, reads);
        visitExpr(stmt.filter, reads);
        visitStmts(stmt.body, reads);
        break;
      case "with":
        stmt.targets.forEach((t) => visitTarget(t, reads));
        stmt.values.forEach((v) => visitExpr(v, reads));
        visitStmts(stmt.body, reads);
        break;
      case "block":
        visitStmts(stmt.body, reads);
        break;
    }
  }
}

export function templateReads(body: Stmt[]): TemplateReads {
  const reads: TemplateReads = { names: new Set(), paramsKeys: new Set(), paramsWhole: false };
  visitStmts(body, reads);
  return reads;
}

/** Whether the template reads the row key `key`. */
export function readsKey(reads: TemplateReads, key: string): boolean {
  return reads.paramsWhole || reads.names.has(key) || reads.paramsKeys.has(key);
}

/** Names every template can read that are not parameters: the row's extras and Jinja2's globals. */
const NOT_PARAMETERS = new Set(["index", "params", "jobx", "loop", "range", "dict", "namespace", "cycler", "joiner", "lipsum", "caller", "varargs", "kwargs"]);

export interface ParameterUse {
  /** Row keys the template never reads, each with the nearest name it does read. */
  unused: { key: string; nearest?: string }[];
  /** The template reads no parameter at all (nor `index` or `params`): every row renders alike. */
  noneRead: boolean;
}

/** Which of the row keys `keys` the template reads. */
export function parameterUse(reads: TemplateReads, keys: readonly string[]): ParameterUse {
  const readNames = [...reads.names, ...reads.paramsKeys].filter((n) => !NOT_PARAMETERS.has(n));
  const unused = keys.filter((k) => !readsKey(reads, k)).map((key) => ({ key, nearest: closestName(key, readNames)?.name }));
  const noneRead = keys.length > 0 && unused.length === keys.length && !reads.names.has("index");
  return { unused, noneRead };
}

/**
 * What to tell the user about the parameters: a warning per key the template never
 * reads, naming the nearest name it does read; an error when several rows were given
 * and the template reads none of them, so every row would render the same Job.
 */
export function parameterProblems(reads: TemplateReads, keys: readonly string[], rows: number): { warnings: string[]; error?: string } {
  const { unused, noneRead } = parameterUse(reads, keys);
  if (noneRead && rows > 1) {
    return {
      warnings: [],
      error:
        `the template reads none of the parameters (${keys.join(", ")}), so all ${rows} rows would render the same Job. ` +
        `Use them in the template (e.g. {{ ${keys[0]} }}), or give no parameters to render it once`,
    };
  }
  return {
    warnings: unused.map(
      ({ key, nearest }) =>
        `the parameter '${key}' is never read by the template (${nearest ? `the nearest name it reads is '${nearest}'` : "it reads no parameter"}): ` +
        `fix its spelling, use it in the template, or drop it`,
    ),
  };
}
