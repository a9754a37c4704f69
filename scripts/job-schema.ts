/**
 * Writes src/manifest/job-schema.ts: what kubernetes-models' compiled Job validator looks
 * at in a string, read from the validators themselves (the Job's and every schema it
 * reaches). jobx checks a shape's rows against the schema once per kind of value instead
 * of once per row (see schemaClass), which is only right while the validator judges a
 * string by its type, by whether it is one of the enum values, and by whether it is a
 * quantity, and a number by its value. This script refuses to write the table when the
 * validator uses anything else (a pattern, a length, another format).
 *
 *   npx tsx scripts/job-schema.ts        # after upgrading kubernetes-models
 *
 * test/manifest/job-schema.test.ts fails when the written table and the installed
 * kubernetes-models differ.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const OUT = fileURLToPath(new URL("../src/manifest/job-schema.ts", import.meta.url));

/** The keywords whose verdict on a scalar depends only on its type, its enum membership, or the formats below. */
const UNDERSTOOD_KEYWORDS = new Set(["required", "type", "enum", "format", "oneOf"]);
/** int32 and int64 apply to numbers (judged by their value), quantity to strings. */
const UNDERSTOOD_FORMATS = new Set(["int32", "int64", "quantity"]);

/** The quantity pattern QUANTITY_FIRST (src/manifest/job.ts) was read from: a sign, a digit or a dot first. */
const KNOWN_QUANTITY = String.raw`^[+-]?(?:\d+|\d+\.\d+|\d+\.|\.\d+)(?:[KMGTPE]i|(?:[YZEPTGMkhdcmunpfazy]|da)|[eE][+-]?(?:\d+|\d+\.\d+|\d+\.|\.\d+))?$`;

export interface JobSchemaFacts {
  version: string;
  enumStrings: string[];
  quantity: string;
}

export function jobSchemaFacts(): JobSchemaFacts {
  const root = dirname(require.resolve("kubernetes-models"));
  const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
  const modules = dirname(root);
  const resolve = (from: string, spec: string): string | undefined => {
    const base = spec.startsWith(".") ? join(dirname(from), spec) : join(modules, spec);
    for (const file of [base, `${base}.mjs`]) if (existsSync(file) && file.endsWith(".mjs")) return file;
    return undefined;
  };
  const seen = new Set<string>();
  const todo = [join(root, "_schemas", "IoK8sApiBatchV1Job.mjs")];
  const enums = new Set<string>();
  const problems: string[] = [];
  let quantity: string | undefined;
  while (todo.length > 0) {
    const file = todo.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, "utf8");
    for (const [, spec] of source.matchAll(/from\s*"([^"]+)"/g)) {
      if (spec === "@kubernetes-models/validate") continue; // the runtime: formats, not schemas
      const next = resolve(file, spec as string);
      if (next) todo.push(next);
      else problems.push(`${file} imports ${spec}, which this script cannot follow`);
    }
    for (const [, keyword] of source.matchAll(/keyword:"([A-Za-z]+)"/g)) {
      if (!UNDERSTOOD_KEYWORDS.has(keyword as string)) problems.push(`${file} uses the keyword ${keyword}`);
    }
    for (const [, format] of source.matchAll(/formats\.([A-Za-z0-9_-]+)/g)) {
      if (!UNDERSTOOD_FORMATS.has(format as string)) problems.push(`${file} uses the format ${format}`);
    }
    for (const [, list] of source.matchAll(/enum:\[([^\]]*)\]/g)) {
      for (const value of JSON.parse(`[${list}]`) as unknown[]) {
        if (typeof value === "string") enums.add(value);
        else problems.push(`${file} has the enum value ${JSON.stringify(value)}, not a string`);
      }
    }
  }
  // The runtime kubernetes-models' validators take their formats from.
  const { formats } = require(require.resolve("@kubernetes-models/validate", { paths: [root] })) as { formats: Record<string, { type?: string; validate: unknown }> };
  const format = formats.quantity;
  if (format?.type === "string" && format.validate instanceof RegExp && format.validate.flags === "") quantity = format.validate.source;
  else problems.push("@kubernetes-models/validate no longer defines the quantity format as one pattern");
  if (quantity !== undefined && quantity !== KNOWN_QUANTITY) {
    problems.push(`the quantity format is now /${quantity}/: check which characters it can start with (QUANTITY_FIRST in src/manifest/job.ts), then update KNOWN_QUANTITY here`);
  }
  if (problems.length > 0 || quantity === undefined) {
    throw new Error(`the Job validator checks strings in ways jobx's per-shape check does not know (src/manifest/job.ts, schemaClass):\n${problems.join("\n")}`);
  }
  return { version, enumStrings: [...enums].sort(), quantity };
}

export function jobSchemaSource(): string {
  const { version, enumStrings, quantity } = jobSchemaFacts();
  return [
    `// Written by scripts/job-schema.ts from kubernetes-models ${version}; do not edit by hand.`,
    "/**",
    " * What the Job schema's validator looks at in a string: whether it is one of these enum",
    " * values, and whether it is a quantity (QUANTITY, the validator's own pattern). Nothing",
    " * else about a string changes its verdict (the script checks that it uses no other",
    " * keyword or format).",
    " */",
    `export const SCHEMA_ENUM_STRINGS: ReadonlySet<string> = new Set(${JSON.stringify(enumStrings)});`,
    "",
    `export const QUANTITY = /${quantity}/;`,
    "",
  ].join("\n");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(OUT, jobSchemaSource());
  console.log(`wrote ${OUT}`);
}
