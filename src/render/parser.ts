/**
 * Jinja2's parser (jinja2/parser.py), rule for rule, so that precedence and the odd
 * corners (`-1 | abs` is abs(-1), a filter binds tighter than `+`, tests without
 * parentheses take one argument, `"a" "b"` is one string) read as Jinja2 reads them.
 * Tags jobx does not render (include, extends, import, autoescape) are refused here,
 * with the place and what to write instead.
 */
import type { CallArgs, Expr, FilterExpr, Stmt } from "./ast";
import { TemplateSyntaxError } from "./errors";
import type { Token } from "./lexer";
import { PyFloat } from "./values";

const COMPARE_OPS = new Set(["==", "!=", "<", "<=", ">", ">="]);

const UNSUPPORTED_TAGS: Record<string, string> = {
  include: "a jobx template is one file: paste the included text in, or put it in a macro",
  extends: "a jobx template is one file: template inheritance needs other files; put the parent's text in and keep the blocks",
  import: "a jobx template is one file: define the macros in this template",
  from: "a jobx template is one file: define the macros in this template",
  autoescape: "jobx writes YAML, not HTML, and never escapes: drop the tag, or escape one value with | escape",
  do: "{% do %} is a Jinja2 extension, not part of its default language: write {% set _ = … %}",
  break: "{% break %} is a Jinja2 extension, not part of its default language: filter the loop instead ({% for x in xs if cond %})",
  continue: "{% continue %} is a Jinja2 extension, not part of its default language: filter the loop instead ({% for x in xs if cond %})",
  trans: "{% trans %} is Jinja2's i18n extension, which jobx does not have",
};

function describe(token: Token): string {
  if (token.type === "eof") return "end of template";
  if (token.type === "block_end") return "end of statement block";
  if (token.type === "variable_end") return "end of print statement";
  if (token.type === "block_begin") return "begin of statement block";
  if (token.type === "variable_begin") return "begin of print statement";
  if (token.type === "data") return "template data";
  if (token.type === "string") return JSON.stringify(token.value);
  return token.value;
}

export class Parser {
  private pos = 0;
  private readonly endTokenStack: string[][] = [];

  constructor(private readonly tokens: Token[]) {}

  private get current(): Token {
    return this.tokens[this.pos] as Token;
  }

  private look(): Token {
    return this.tokens[Math.min(this.pos + 1, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.current;
    if (token.type !== "eof") this.pos++;
    return token;
  }

  fail(message: string, token: Token = this.current): never {
    throw new TemplateSyntaxError(message, token.line, token.column);
  }

  private isOp(value: string, token: Token = this.current): boolean {
    return token.type === "operator" && token.value === value;
  }

  private isName(value: string, token: Token = this.current): boolean {
    return token.type === "name" && token.value === value;
  }

  private skipOp(value: string): boolean {
    if (!this.isOp(value)) return false;
    this.next();
    return true;
  }

  private skipName(value: string): boolean {
    if (!this.isName(value)) return false;
    this.next();
    return true;
  }

  private expectOp(value: string): Token {
    if (!this.isOp(value)) this.fail(`expected '${value}', got ${this.got()}`);
    return this.next();
  }

  private expectName(value?: string): Token {
    const token = this.current;
    if (token.type !== "name" || (value !== undefined && token.value !== value)) {
      this.fail(`expected ${value ? `'${value}'` : "a name"}, got ${this.got()}`);
    }
    return this.next();
  }

  private expectType(type: Token["type"], what: string): Token {
    if (this.current.type !== type) {
      if (this.current.type === "eof") this.failEof();
      this.fail(`expected ${what}, got ${this.got()}`);
    }
    return this.next();
  }

  private got(): string {
    return `'${describe(this.current)}'`;
  }

  private failEof(): never {
    const expected = this.endTokenStack[this.endTokenStack.length - 1];
    this.fail(
      expected
        ? `unexpected end of template: Jinja2 was looking for ${expected.map((t) => `'${t}'`).join(" or ")}`
        : "unexpected end of template",
    );
  }

  parse(): Stmt[] {
    const body = this.subparse();
    if (this.current.type !== "eof") this.fail(`unexpected ${this.got()}`);
    return body;
  }

  private subparse(endTokens?: string[]): Stmt[] {
    const body: Stmt[] = [];
    if (endTokens) this.endTokenStack.push(endTokens);
    try {
      while (this.current.type !== "eof") {
        const token = this.current;
        if (token.type === "data") {
          body.push({ kind: "data", text: token.value, line: token.line, column: token.column });
          this.next();
        } else if (token.type === "variable_begin") {
          this.next();
          body.push({ kind: "output", expr: this.parseTuple({ withCondexpr: true }), line: token.line, column: token.column });
          this.expectType("variable_end", "'}}'");
        } else if (token.type === "block_begin") {
          this.next();
          if (endTokens && this.current.type === "name" && endTokens.includes(this.current.value)) return body;
          body.push(...this.parseStatement());
          this.expectType("block_end", "'%}'");
        } else {
          this.fail(`unexpected ${this.got()}`);
        }
      }
      if (endTokens) this.failEof();
      return body;
    } finally {
      if (endTokens) this.endTokenStack.pop();
    }
  }

  private parseStatements(endTokens: string[], dropNeedle = false): Stmt[] {
    this.skipOp(":");
    this.expectType("block_end", "'%}'");
    const body = this.subparse(endTokens);
    if (this.current.type === "eof") this.failEof();
    if (dropNeedle) this.next();
    return body;
  }

  private parseStatement(): Stmt[] {
    const token = this.current;
    if (token.type !== "name") this.fail(`a tag name was expected, got ${this.got()}`);
    const at = { line: token.line, column: token.column };
    switch (token.value) {
      case "for":
        return [this.parseFor()];
      case "if":
        return [this.parseIf()];
      case "set":
        return [this.parseSet()];
      case "macro":
        return [this.parseMacro()];
      case "call":
        return [this.parseCallBlock()];
      case "filter": {
        this.next();
        const filter = this.parseFilter(null, true) as FilterExpr;
        return [{ kind: "filterblock", filter, body: this.parseStatements(["endfilter"], true), ...at }];
      }
      case "with":
        return [this.parseWith()];
      case "block":
        return [this.parseBlock()];
      case "print": {
        this.next();
        const out: Stmt[] = [];
        while (this.current.type !== "block_end") {
          if (out.length) this.expectOp(",");
          out.push({ kind: "output", expr: this.parseExpression(), ...at });
        }
        return out;
      }
    }
    const why = UNSUPPORTED_TAGS[token.value];
    if (why) this.fail(`{% ${token.value} %} is not supported: ${why}`);
    const expected = this.endTokenStack[this.endTokenStack.length - 1];
    if (expected && !expected.includes(token.value)) {
      this.fail(`unexpected tag '${token.value}': Jinja2 was looking for ${expected.map((t) => `'${t}'`).join(" or ")}`);
    }
    this.fail(`unknown tag '${token.value}'`);
  }

  private parseFor(): Stmt {
    const token = this.expectName("for");
    const target = this.parseAssignTarget({ extraEndRules: ["in"] });
    this.expectName("in");
    const iter = this.parseTuple({ withCondexpr: false, extraEndRules: ["recursive"] });
    const test = this.skipName("if") ? this.parseExpression() : undefined;
    const recursive = this.skipName("recursive");
    const body = this.parseStatements(["endfor", "else"]);
    const else_ = this.next().value === "endfor" ? [] : this.parseStatements(["endfor"], true);
    return { kind: "for", target, iter, body, else_, test, recursive, line: token.line, column: token.column };
  }

  private parseIf(): Stmt {
    return this.parseIfRest(this.expectName("if"));
  }

  /** The test, the body and what follows an `if` or an `elif` (an elif is an if inside the else, as Jinja2 compiles it). */
  private parseIfRest(token: Token): Stmt {
    const test = this.parseTuple({ withCondexpr: false });
    const body = this.parseStatements(["elif", "else", "endif"]);
    const end = this.next();
    let else_: Stmt[] = [];
    if (end.value === "elif") else_ = [this.parseIfRest(end)];
    else if (end.value === "else") else_ = this.parseStatements(["endif"], true);
    return { kind: "if", test, body, else_, line: token.line, column: token.column };
  }

  private parseSet(): Stmt {
    const token = this.next();
    const target = this.parseAssignTarget({ withNamespace: true });
    if (this.skipOp("=")) {
      return { kind: "assign", target, expr: this.parseTuple(), line: token.line, column: token.column };
    }
    const filter = this.parseFilter(null) as FilterExpr | null;
    const body = this.parseStatements(["endset"], true);
    return { kind: "assignblock", target, filter: filter ?? undefined, body, line: token.line, column: token.column };
  }

  private parseWith(): Stmt {
    const token = this.next();
    const targets: Expr[] = [];
    const values: Expr[] = [];
    while (this.current.type !== "block_end") {
      if (targets.length) this.expectOp(",");
      targets.push(this.parseAssignTarget());
      this.expectOp("=");
      values.push(this.parseExpression());
    }
    return { kind: "with", targets, values, body: this.parseStatements(["endwith"], true), line: token.line, column: token.column };
  }

  private parseBlock(): Stmt {
    const token = this.next();
    const name = this.expectName().value;
    const scoped = this.skipName("scoped");
    const required = this.skipName("required");
    if (this.isOp("-")) this.fail("block names have to be valid identifiers and may not contain hyphens; use an underscore instead");
    const body = this.parseStatements(["endblock"], true);
    if (required && body.some((s) => s.kind !== "data" || !/^\s*$/.test(s.text))) this.fail("required blocks can only contain comments or whitespace");
    this.skipName(name);
    return { kind: "block", name, scoped, body, line: token.line, column: token.column };
  }

  private parseSignature(): { params: string[]; defaults: Expr[] } {
    const params: string[] = [];
    const defaults: Expr[] = [];
    this.expectOp("(");
    while (!this.isOp(")")) {
      if (params.length) this.expectOp(",");
      const name = this.expectName();
      if (this.skipOp("=")) defaults.push(this.parseExpression());
      else if (defaults.length) this.fail("a parameter without a default follows one with a default", name);
      params.push(name.value);
    }
    this.expectOp(")");
    return { params, defaults };
  }

  private parseMacro(): Stmt {
    const token = this.next();
    const name = this.expectName().value;
    const { params, defaults } = this.parseSignature();
    return { kind: "macro", name, params, defaults, body: this.parseStatements(["endmacro"], true), line: token.line, column: token.column };
  }

  private parseCallBlock(): Stmt {
    const token = this.next();
    const signature = this.isOp("(") ? this.parseSignature() : { params: [], defaults: [] };
    const call = this.parseExpression();
    if (call.kind !== "call") this.fail("{% call %} expects a macro call, like {% call m(x) %}", token);
    return { kind: "callblock", call, ...signature, body: this.parseStatements(["endcall"], true), line: token.line, column: token.column };
  }

  private parseAssignTarget(options: { withTuple?: boolean; nameOnly?: boolean; extraEndRules?: string[]; withNamespace?: boolean } = {}): Expr {
    const at = this.current;
    const target =
      options.withTuple === false
        ? this.parsePrimary(options.withNamespace)
        : this.parseTuple({ simplified: true, extraEndRules: options.extraEndRules, withNamespace: options.withNamespace });
    const canAssign = (node: Expr): boolean =>
      node.kind === "name" ? !["true", "false", "none", "True", "False", "None"].includes(node.name) : node.kind === "nsref" || (node.kind === "tuple" && node.items.every(canAssign));
    if (!canAssign(target)) this.fail(`can't assign to '${target.kind === "const" ? "a literal" : target.kind}'`, at);
    return target;
  }

  parseExpression(withCondexpr = true): Expr {
    return withCondexpr ? this.parseCondexpr() : this.parseOr();
  }

  private parseCondexpr(): Expr {
    const at = this.current;
    let expr1 = this.parseOr();
    while (this.skipName("if")) {
      const test = this.parseOr();
      const expr2 = this.skipName("else") ? this.parseCondexpr() : undefined;
      expr1 = { kind: "condexpr", test, expr1, expr2, line: at.line, column: at.column };
    }
    return expr1;
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.isName("or")) {
      const op = this.next();
      left = { kind: "or", left, right: this.parseAnd(), line: op.line, column: op.column };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.isName("and")) {
      const op = this.next();
      left = { kind: "and", left, right: this.parseNot(), line: op.line, column: op.column };
    }
    return left;
  }

  private parseNot(): Expr {
    if (this.isName("not")) {
      const token = this.next();
      return { kind: "not", node: this.parseNot(), line: token.line, column: token.column };
    }
    return this.parseCompare();
  }

  private parseCompare(): Expr {
    const at = this.current;
    const expr = this.parseMath1();
    const ops: { op: string; expr: Expr }[] = [];
    for (;;) {
      if (this.current.type === "operator" && COMPARE_OPS.has(this.current.value)) {
        const op = this.next().value;
        ops.push({ op, expr: this.parseMath1() });
      } else if (this.skipName("in")) {
        ops.push({ op: "in", expr: this.parseMath1() });
      } else if (this.isName("not") && this.isName("in", this.look())) {
        this.next();
        this.next();
        ops.push({ op: "notin", expr: this.parseMath1() });
      } else break;
    }
    return ops.length ? { kind: "compare", expr, ops, line: at.line, column: at.column } : expr;
  }

  private parseMath1(): Expr {
    let left = this.parseConcat();
    while (this.isOp("+") || this.isOp("-")) {
      const op = this.next();
      left = { kind: "binop", op: op.value as "+", left, right: this.parseConcat(), line: op.line, column: op.column };
    }
    return left;
  }

  private parseConcat(): Expr {
    const at = this.current;
    const nodes = [this.parseMath2()];
    while (this.skipOp("~")) nodes.push(this.parseMath2());
    return nodes.length === 1 ? (nodes[0] as Expr) : { kind: "concat", nodes, line: at.line, column: at.column };
  }

  private parseMath2(): Expr {
    let left = this.parsePow();
    while (["*", "/", "//", "%"].some((o) => this.isOp(o))) {
      const op = this.next();
      left = { kind: "binop", op: op.value as "*", left, right: this.parsePow(), line: op.line, column: op.column };
    }
    return left;
  }

  private parsePow(): Expr {
    let left = this.parseUnary();
    while (this.isOp("**")) {
      const op = this.next();
      left = { kind: "binop", op: "**", left, right: this.parseUnary(), line: op.line, column: op.column };
    }
    return left;
  }

  private parseUnary(withFilter = true): Expr {
    const token = this.current;
    let node: Expr;
    if (this.isOp("-")) {
      this.next();
      node = { kind: "neg", node: this.parseUnary(false), line: token.line, column: token.column };
    } else if (this.isOp("+")) {
      this.next();
      node = { kind: "pos", node: this.parseUnary(false), line: token.line, column: token.column };
    } else node = this.parsePrimary();
    node = this.parsePostfix(node);
    if (withFilter) node = this.parseFilterExpr(node);
    return node;
  }

  private parsePrimary(withNamespace = false): Expr {
    const token = this.current;
    const at = { line: token.line, column: token.column };
    if (token.type === "name") {
      this.next();
      if (["true", "True"].includes(token.value)) return { kind: "const", value: true, ...at };
      if (["false", "False"].includes(token.value)) return { kind: "const", value: false, ...at };
      if (["none", "None"].includes(token.value)) return { kind: "const", value: null, ...at };
      if (withNamespace && this.isOp(".")) {
        this.next();
        return { kind: "nsref", name: token.value, attr: this.expectName().value, ...at };
      }
      return { kind: "name", name: token.value, ...at };
    }
    if (token.type === "string") {
      let value = "";
      while (this.current.type === "string") value += this.next().value;
      return { kind: "const", value, ...at };
    }
    if (token.type === "integer" || token.type === "float") {
      this.next();
      return { kind: "const", value: token.type === "float" ? new PyFloat(token.number as number) : token.number, ...at };
    }
    if (this.isOp("(")) {
      this.next();
      const node = this.parseTuple({ explicitParentheses: true });
      this.expectOp(")");
      return node;
    }
    if (this.isOp("[")) return this.parseList();
    if (this.isOp("{")) return this.parseDict();
    if (token.type === "eof") this.failEof();
    this.fail(`unexpected ${this.got()}`);
  }

  private isTupleEnd(extraEndRules?: string[]): boolean {
    const t = this.current;
    if (t.type === "variable_end" || t.type === "block_end" || this.isOp(")")) return true;
    return extraEndRules !== undefined && t.type === "name" && extraEndRules.includes(t.value);
  }

  private parseTuple(
    options: { simplified?: boolean; withCondexpr?: boolean; extraEndRules?: string[]; explicitParentheses?: boolean; withNamespace?: boolean } = {},
  ): Expr {
    const at = this.current;
    const parse = options.simplified ? () => this.parsePrimary(options.withNamespace) : () => this.parseExpression(options.withCondexpr ?? true);
    const items: Expr[] = [];
    let isTuple = false;
    for (;;) {
      if (items.length) this.expectOp(",");
      if (this.isTupleEnd(options.extraEndRules)) break;
      items.push(parse());
      if (this.isOp(",")) isTuple = true;
      else break;
    }
    if (!isTuple) {
      if (items.length) return items[0] as Expr;
      if (!options.explicitParentheses) this.fail(`expected an expression, got ${this.got()}`);
    }
    return { kind: "tuple", items, line: at.line, column: at.column };
  }

  private parseList(): Expr {
    const token = this.expectOp("[");
    const items: Expr[] = [];
    while (!this.isOp("]")) {
      if (items.length) this.expectOp(",");
      if (this.isOp("]")) break;
      items.push(this.parseExpression());
    }
    this.expectOp("]");
    return { kind: "list", items, line: token.line, column: token.column };
  }

  private parseDict(): Expr {
    const token = this.expectOp("{");
    const pairs: { key: Expr; value: Expr }[] = [];
    while (!this.isOp("}")) {
      if (pairs.length) this.expectOp(",");
      if (this.isOp("}")) break;
      const key = this.parseExpression();
      this.expectOp(":");
      pairs.push({ key, value: this.parseExpression() });
    }
    this.expectOp("}");
    return { kind: "dict", pairs, line: token.line, column: token.column };
  }

  private parsePostfix(node: Expr): Expr {
    for (;;) {
      if (this.isOp(".") || this.isOp("[")) node = this.parseSubscript(node);
      else if (this.isOp("(")) node = this.parseCall(node);
      else return node;
    }
  }

  private parseFilterExpr(node: Expr): Expr {
    for (;;) {
      if (this.isOp("|")) node = this.parseFilter(node) as Expr;
      else if (this.isName("is")) node = this.parseTest(node);
      else if (this.isOp("(")) node = this.parseCall(node);
      else return node;
    }
  }

  private parseSubscript(node: Expr): Expr {
    const token = this.next();
    const at = { line: token.line, column: token.column };
    if (token.value === ".") {
      const attr = this.next();
      if (attr.type === "name") return { kind: "getattr", node, attr: attr.value, ...at };
      if (attr.type !== "integer") this.fail("expected a name or a number after '.'", attr);
      return { kind: "getitem", node, arg: { kind: "const", value: attr.number, line: attr.line, column: attr.column }, ...at };
    }
    const args: Expr[] = [];
    while (!this.isOp("]")) {
      if (args.length) this.expectOp(",");
      args.push(this.parseSubscribed());
    }
    this.expectOp("]");
    const arg: Expr = args.length === 1 ? (args[0] as Expr) : { kind: "tuple", items: args, ...at };
    return { kind: "getitem", node, arg, ...at };
  }

  private parseSubscribed(): Expr {
    const at = { line: this.current.line, column: this.current.column };
    const parts: (Expr | undefined)[] = [];
    if (this.isOp(":")) {
      this.next();
      parts.push(undefined);
    } else {
      const node = this.parseExpression();
      if (!this.isOp(":")) return node;
      this.next();
      parts.push(node);
    }
    if (this.isOp(":")) parts.push(undefined);
    else if (!this.isOp("]") && !this.isOp(",")) parts.push(this.parseExpression());
    else parts.push(undefined);
    if (this.isOp(":")) {
      this.next();
      parts.push(!this.isOp("]") && !this.isOp(",") ? this.parseExpression() : undefined);
    } else parts.push(undefined);
    return { kind: "slice", start: parts[0], stop: parts[1], step: parts[2], ...at };
  }

  private parseCallArgs(): CallArgs {
    const token = this.expectOp("(");
    const result: CallArgs = { args: [], kwargs: [] };
    let requireComma = false;
    const ensure = (ok: boolean) => {
      if (!ok) this.fail("invalid syntax for a call: positional arguments come first, then keyword arguments, then *args and **kwargs", token);
    };
    while (!this.isOp(")")) {
      if (requireComma) {
        this.expectOp(",");
        if (this.isOp(")")) break;
      }
      if (this.isOp("*")) {
        ensure(result.dynArgs === undefined && result.dynKwargs === undefined);
        this.next();
        result.dynArgs = this.parseExpression();
      } else if (this.isOp("**")) {
        ensure(result.dynKwargs === undefined);
        this.next();
        result.dynKwargs = this.parseExpression();
      } else if (this.current.type === "name" && this.isOp("=", this.look())) {
        ensure(result.dynKwargs === undefined);
        const name = this.next().value;
        this.next();
        result.kwargs.push({ name, value: this.parseExpression() });
      } else {
        ensure(result.dynArgs === undefined && result.dynKwargs === undefined && result.kwargs.length === 0);
        result.args.push(this.parseExpression());
      }
      requireComma = true;
    }
    this.expectOp(")");
    return result;
  }

  private parseCall(node: Expr): Expr {
    const token = this.current;
    return { kind: "call", node, ...this.parseCallArgs(), line: token.line, column: token.column };
  }

  private parseFilter(node: Expr | null, startInline = false): Expr | null {
    while (this.isOp("|") || startInline) {
      if (!startInline) this.next();
      const token = this.expectName();
      let name = token.value;
      while (this.isOp(".")) {
        this.next();
        name += `.${this.expectName().value}`;
      }
      const call = this.isOp("(") ? this.parseCallArgs() : { args: [], kwargs: [] };
      node = { kind: "filter", node, name, ...call, line: token.line, column: token.column };
      startInline = false;
    }
    return node;
  }

  private parseTest(node: Expr): Expr {
    const token = this.next();
    const negated = this.skipName("not");
    let name = this.expectName().value;
    while (this.isOp(".")) {
      this.next();
      name += `.${this.expectName().value}`;
    }
    let call: CallArgs = { args: [], kwargs: [] };
    const t = this.current;
    if (this.isOp("(")) call = this.parseCallArgs();
    else if (
      (t.type === "name" || t.type === "string" || t.type === "integer" || t.type === "float" || this.isOp("[") || this.isOp("{")) &&
      !["else", "or", "and"].some((w) => this.isName(w))
    ) {
      if (this.isName("is")) this.fail("tests cannot be chained with 'is': join them with 'and'");
      call = { args: [this.parsePostfix(this.parsePrimary())], kwargs: [] };
    }
    const test: Expr = { kind: "test", node, name, ...call, line: token.line, column: token.column };
    return negated ? { kind: "not", node: test, line: token.line, column: token.column } : test;
  }
}

export function parseTemplate(tokens: Token[]): Stmt[] {
  return new Parser(tokens).parse();
}
