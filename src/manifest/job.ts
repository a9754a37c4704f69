/**
 * A rendered document becomes a checked Job: it must be a batch/v1 Job, hold only fields a
 * Job has (fields.ts: the API server's strict field validation), be valid against the Job
 * schema (kubernetes-models), and pass the rules the API server enforces that the schema
 * does not (job-rules.ts, and jobx's own below).
 */
import { Job } from "kubernetes-models/batch/v1/Job";
import { isDnsLabel } from "../text/dns";
import { maxJobNameLength } from "./names";
import { JOBX_PREFIX } from "./labels";
import { unknownFieldProblems } from "./fields";
import { apiServerProblems } from "./job-rules";
import { showText, terminalSafe } from "../text/show";
import { QUANTITY, SCHEMA_ENUM_STRINGS } from "./job-schema";

export type JobObject = {
  apiVersion: "batch/v1";
  kind: "Job";
  metadata: { name?: string; generateName?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  spec: {
    completions?: number;
    parallelism?: number;
    completionMode?: string;
    template: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown }; spec: { restartPolicy?: string; containers: unknown[]; [k: string]: unknown } };
    [k: string]: unknown;
  };
  [k: string]: unknown;
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** What a non-Job document is, for the refusal message. */
function describeDocument(doc: unknown): string {
  if (!isObject(doc)) return Array.isArray(doc) ? "a list" : `a ${typeof doc} (${terminalSafe(JSON.stringify(doc).slice(0, 40))})`;
  const kind = typeof doc.kind === "string" ? doc.kind : "an object with no kind";
  const apiVersion = typeof doc.apiVersion === "string" ? ` (${doc.apiVersion})` : " (no apiVersion)";
  return `${kind}${apiVersion}`;
}

/** The Indexed completions count that bounds the name, when there is one. */
export function indexedCompletions(job: JobObject): number | undefined {
  return job.spec.completionMode === "Indexed" && typeof job.spec.completions === "number" ? job.spec.completions : undefined;
}

/** The value at a JSON pointer (`/spec/template/spec/containers/0/env/0/value`). */
function valueAt(doc: unknown, pointer: string): unknown {
  let value = doc;
  for (const part of pointer.split("/").slice(1)) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return value;
}

/** Unknown fields of the documents built from one shape document: they share every key, so the walk is made once. */
const unknownFieldsOfShape = new WeakMap<object, string[]>();
/** Per shape document, the schema classes (see schemaClasses) of rows that passed the schema. */
const validClassesOfShape = new WeakMap<object, Set<string>>();
/** The characters the schema's enum values start with, and those a quantity can start with. */
const ENUM_FIRST = new Set([...SCHEMA_ENUM_STRINGS].filter((v) => v !== "").map((v) => v.charCodeAt(0)));
const QUANTITY_FIRST = new Set([..."+-.0123456789"].map((c) => c.charCodeAt(0)));
/** Kinds of values remembered per shape document; past it rows are checked in full (still right, only slower). */
const CLASSES_LIMIT = 4096;

/**
 * What the Job schema's validator can tell apart in a row's slot values (a shape's rows
 * differ in nothing else): a string's verdict depends only on whether it is one of the
 * schema's enum values (and which) and whether it is a quantity, a number's, boolean's or
 * null's on the value itself (scripts/job-schema.ts checks the validator uses nothing
 * else). Rows of one shape document with the same classes get the same verdict, so a
 * class that passed once passes again without the schema walk.
 */
export function schemaClasses(values: readonly (string | number | boolean | null)[]): string {
  let key = "";
  for (const value of values) {
    if (typeof value === "string") {
      // Most values start with a character no enum value and no quantity starts with: no lookup, no pattern.
      const first = value.charCodeAt(0);
      if ((value === "" || ENUM_FIRST.has(first)) && SCHEMA_ENUM_STRINGS.has(value)) key += `e${value}\u0000`;
      else key += QUANTITY_FIRST.has(first) && QUANTITY.test(value) ? "q\u0000" : "s\u0000";
    } else key += `${typeof value === "number" ? "n" : typeof value === "boolean" ? "b" : "z"}${String(value)}\u0000`;
  }
  return key;
}

/** The shape document a document was built from, and its row's schema classes (see schemaClasses). */
export interface ShapedFrom {
  doc: object;
  classes: string;
}

/**
 * Every problem with one document, as "field: problem" lines; empty when it is a valid Job.
 * The name is not judged here: an invalid or missing name is replaced by a derived one.
 * `shaped`, when given, is the shape document it was built from (its documents all have
 * this one's keys: unknown fields are looked for once) and the row's schema classes.
 */
export function jobProblems(doc: unknown, shaped?: ShapedFrom): string[] {
  if (!isObject(doc) || doc.apiVersion !== "batch/v1" || doc.kind !== "Job") {
    return [`is ${describeDocument(doc)}, not a Job: jobx expands batch/v1 Jobs only (apiVersion: batch/v1, kind: Job)`];
  }
  let unknown = shaped ? unknownFieldsOfShape.get(shaped.doc) : undefined;
  if (!unknown) {
    unknown = unknownFieldProblems(doc);
    if (shaped) unknownFieldsOfShape.set(shaped.doc, unknown);
  }
  // Unknown fields first: a misspelt field is often why another is missing.
  const problems: string[] = unknown.length > 0 ? [...unknown] : [];
  const unknownCount = problems.length;
  const passed = shaped ? validClassesOfShape.get(shaped.doc) : undefined;
  try {
    // The model's validate checks `this`; called on the document itself, it skips the copy the constructor makes.
    if (!(shaped && passed?.has(shaped.classes))) {
      Job.prototype.validate.call(doc);
      if (shaped) {
        const classes = passed ?? new Set<string>();
        if (classes.size < CLASSES_LIMIT) classes.add(shaped.classes);
        validClassesOfShape.set(shaped.doc, classes);
      }
    }
  } catch (err) {
    const errors = (err as { errors?: { instancePath: string; keyword?: string; message?: string; params?: Record<string, unknown> }[] }).errors;
    if (!errors) throw err;
    for (const e of errors) {
      const path = terminalSafe(e.instancePath.replace(/^\//, "").replace(/\/(\d+)/g, "[$1]").replace(/\//g, ".")) || "(document)";
      let extra = e.params && "allowedValues" in e.params ? ` (${String(e.params.allowedValues)})` : "";
      if (e.keyword === "type" && e.params?.type === "string") {
        // A number or boolean where text belongs: a value written unquoted, most often.
        const value = valueAt(doc, e.instancePath);
        if (typeof value === "number" || typeof value === "boolean") extra = `, not the ${typeof value} ${String(value)}: quote it in the template ({{ … | tojson }}) to make it text`;
      }
      problems.push(`${path}: ${e.message ?? "invalid"}${extra}`);
    }
  }
  // The rules below read fields the schema vouches for.
  if (problems.length > unknownCount) return problems;

  const job = doc as JobObject;
  // `metadata:` with nothing under it parses as null; treat it as empty, as the API does.
  job.metadata ??= {};
  if (job.metadata.generateName !== undefined) {
    problems.push("metadata.generateName: not supported; jobx names every Job so the group can find it again. Use metadata.name, or leave it out and jobx derives one");
  }
  const podSpec = job.spec.template.spec;
  if (podSpec.restartPolicy !== "Never" && podSpec.restartPolicy !== "OnFailure") {
    problems.push(
      `spec.template.spec.restartPolicy: must be Never or OnFailure for a Job, not ${podSpec.restartPolicy === undefined ? "unset (pods default to Always)" : showText(podSpec.restartPolicy)}`,
    );
  }
  if (podSpec.containers.length === 0) problems.push("spec.template.spec.containers: at least one container is required");
  for (const [where, labels] of [
    ["metadata.labels", job.metadata.labels],
    ["metadata.annotations", job.metadata.annotations],
    ["spec.template.metadata.labels", job.spec.template.metadata?.labels],
    ["spec.template.metadata.annotations", job.spec.template.metadata?.annotations],
  ] as const) {
    for (const key of Object.keys(labels ?? {})) {
      if (key.startsWith(JOBX_PREFIX)) problems.push(`${where}.${terminalSafe(key)}: keys under ${JOBX_PREFIX} are set by jobx; remove it from the template`);
    }
  }
  apiServerProblems(job, problems);
  return problems;
}

/** Why a given name cannot be kept, or undefined when it can. */
export function nameProblem(name: string | undefined, job: JobObject): string | undefined {
  if (name === undefined) return "no metadata.name";
  if (!isDnsLabel(name)) {
    return name.length > 63 ? `${showText(name)} is longer than 63 characters` : `${showText(name)} is not a DNS-1123 label (lower-case letters, digits and '-', starting and ending alphanumeric)`;
  }
  const max = maxJobNameLength(indexedCompletions(job));
  if (name.length > max) return `${showText(name)} leaves no room for the Indexed pods' hostname suffix (at most ${max} characters)`;
  return undefined;
}
