/** The template's syntax tree, after Jinja2's nodes (jinja2/nodes.py), each with its line and column. */

interface At {
  line: number;
  column: number;
}

export interface CallArgs {
  args: Expr[];
  kwargs: { name: string; value: Expr }[];
  dynArgs?: Expr;
  dynKwargs?: Expr;
}

export type Expr =
  | (At & { kind: "const"; value: unknown })
  | (At & { kind: "name"; name: string })
  | (At & { kind: "nsref"; name: string; attr: string })
  | (At & { kind: "tuple"; items: Expr[] })
  | (At & { kind: "list"; items: Expr[] })
  | (At & { kind: "dict"; pairs: { key: Expr; value: Expr }[] })
  | (At & { kind: "getattr"; node: Expr; attr: string })
  | (At & { kind: "getitem"; node: Expr; arg: Expr })
  | (At & { kind: "slice"; start?: Expr; stop?: Expr; step?: Expr })
  | (At & { kind: "call"; node: Expr } & CallArgs)
  | (At & { kind: "filter"; node: Expr | null; name: string } & CallArgs)
  | (At & { kind: "test"; node: Expr; name: string } & CallArgs)
  | (At & { kind: "condexpr"; test: Expr; expr1: Expr; expr2?: Expr })
  | (At & { kind: "and" | "or"; left: Expr; right: Expr })
  | (At & { kind: "not" | "neg" | "pos"; node: Expr })
  | (At & { kind: "compare"; expr: Expr; ops: { op: string; expr: Expr }[] })
  | (At & { kind: "binop"; op: "+" | "-" | "*" | "/" | "//" | "%" | "**"; left: Expr; right: Expr })
  | (At & { kind: "concat"; nodes: Expr[] });

export type FilterExpr = Extract<Expr, { kind: "filter" }>;

export type Stmt =
  | (At & { kind: "data"; text: string })
  | (At & { kind: "output"; expr: Expr })
  | (At & { kind: "for"; target: Expr; iter: Expr; body: Stmt[]; else_: Stmt[]; test?: Expr; recursive: boolean })
  | (At & { kind: "if"; test: Expr; body: Stmt[]; else_: Stmt[] })
  | (At & { kind: "macro"; name: string; params: string[]; defaults: Expr[]; body: Stmt[] })
  | (At & { kind: "callblock"; call: Extract<Expr, { kind: "call" }>; params: string[]; defaults: Expr[]; body: Stmt[] })
  | (At & { kind: "filterblock"; filter: FilterExpr; body: Stmt[] })
  | (At & { kind: "assign"; target: Expr; expr: Expr })
  | (At & { kind: "assignblock"; target: Expr; filter?: FilterExpr; body: Stmt[] })
  | (At & { kind: "with"; targets: Expr[]; values: Expr[]; body: Stmt[] })
  | (At & { kind: "block"; name: string; scoped: boolean; body: Stmt[] });
