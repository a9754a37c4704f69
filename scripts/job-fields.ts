/**
 * Writes src/manifest/job-fields.ts: every field a batch/v1 Job may hold, type by type,
 * read from the TypeScript declarations of kubernetes-models (generated from the
 * Kubernetes OpenAPI schema). The API server's strict field validation refuses any other
 * field; kubernetes-models' compiled validators do not check for them.
 *
 *   npx tsx scripts/job-fields.ts        # after upgrading kubernetes-models
 *
 * test/manifest/job-fields.test.ts fails when the written table and the installed
 * kubernetes-models differ.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const require = createRequire(import.meta.url);
const OUT = fileURLToPath(new URL("../src/manifest/job-fields.ts", import.meta.url));

/** A field: 0 for a value jobx does not look into (a scalar, a list of scalars, a free-form map), else the name of its object type ("*Name" for a map of them). */
type Field = 0 | string;

/** The short name people know a type by: IIoK8sApiCoreV1Container → Container. */
function shortName(symbolName: string): string {
  return symbolName.replace(/^I(?:IoK8s[A-Za-z]*?V\d+(?:(?:alpha|beta)\d+)?)?/, "");
}

export function jobFieldTypes(): { version: string; types: Record<string, Record<string, Field>> } {
  // The package's exports name no .d.ts file; its main file sits at its root.
  const root = dirname(require.resolve("kubernetes-models"));
  const entry = join(root, "batch/v1/Job.d.ts");
  const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
  const program = ts.createProgram([entry], { strict: true, noEmit: true, skipLibCheck: true, moduleResolution: ts.ModuleResolutionKind.Node10 });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(entry);
  if (!file) throw new Error(`cannot read ${entry}`);
  const job = file.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === "IJob");
  if (!job) throw new Error("kubernetes-models no longer declares IJob");

  const types: Record<string, Record<string, Field>> = {};
  const names = new Map<ts.Type, string>();
  const taken = new Map<string, ts.Type>();

  const nameOf = (type: ts.Type): string => {
    const known = names.get(type);
    if (known) return known;
    const symbolName = (type.aliasSymbol ?? type.getSymbol())?.getName() ?? "Object";
    let name = shortName(symbolName);
    if (taken.has(name) && taken.get(name) !== type) name = symbolName;
    names.set(type, name);
    taken.set(name, type);
    return name;
  };

  const fieldOf = (declared: ts.Type): Field => {
    const parts = (declared.isUnion() ? declared.types : [declared]).filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)));
    if (parts.length !== 1) return 0; // IntOrString (number | string), enums of literals
    let type = parts[0] as ts.Type;
    while (checker.isArrayType(type)) type = checker.getTypeArguments(type as ts.TypeReference)[0] as ts.Type;
    if (!(type.flags & ts.TypeFlags.Object)) return 0;
    const properties = checker.getPropertiesOfType(type);
    if (properties.length === 0) {
      const values = checker.getIndexInfoOfType(type, ts.IndexKind.String)?.type;
      const inner = values ? fieldOf(values) : 0;
      return inner === 0 ? 0 : `*${inner}`;
    }
    const name = nameOf(type);
    if (!types[name]) {
      const fields: Record<string, Field> = {};
      types[name] = fields;
      for (const property of [...properties].sort((a, b) => (a.getName() < b.getName() ? -1 : 1))) {
        fields[property.getName()] = fieldOf(checker.getTypeOfSymbol(property));
      }
    }
    return name;
  };

  const jobType = checker.getTypeAtLocation(job.name);
  names.set(jobType, "Job");
  taken.set("Job", jobType);
  fieldOf(jobType);
  return { version, types };
}

export function jobFieldsSource(): string {
  const { version, types } = jobFieldTypes();
  const lines = [
    "// Written by scripts/job-fields.ts from kubernetes-models " + version + "; do not edit by hand.",
    "/**",
    " * Every field of a batch/v1 Job, type by type: 0 for a value not looked into (a scalar, a",
    " * list of scalars, a free-form map), else the name of the field's object type (`*Name`",
    " * for a map of them). Lists are transparent: the type is that of each item.",
    " */",
    "export const JOB_FIELD_TYPES: Readonly<Record<string, Readonly<Record<string, 0 | string>>>> = {",
  ];
  for (const name of Object.keys(types).sort((a, b) => (a === "Job" ? -1 : b === "Job" ? 1 : a < b ? -1 : 1))) {
    const fields = Object.entries(types[name] ?? {}).map(([field, type]) => `${JSON.stringify(field)}: ${type === 0 ? "0" : JSON.stringify(type)}`);
    lines.push(`  ${JSON.stringify(name)}: { ${fields.join(", ")} },`);
  }
  lines.push("};", "");
  return lines.join("\n");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(OUT, jobFieldsSource());
  console.log(`wrote ${OUT}`);
}
