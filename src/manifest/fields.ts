/**
 * The fields a Job may hold. kubectl sends `fieldValidation=Strict`, and the API server
 * then refuses a Job with any field its types do not have, with 400 `strict decoding
 * error: unknown field "spec.parallelizm"` (apimachinery's strict JSON decoding). The
 * Job schema kubernetes-models compiles does not check this, so jobx does, against the
 * types of job-fields.ts, and names the field meant.
 */
import { JOB_FIELD_TYPES } from "./job-fields";
import { terminalSafe } from "../text/show";

type Fields = Readonly<Record<string, 0 | string>>;

/** Edit distance with transpositions (optimal string alignment), ignoring case: parallelizm → parallelism is 1. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const rows: number[][] = Array.from({ length: x.length + 1 }, (_, i) => [i, ...new Array<number>(y.length).fill(0)]);
  for (let j = 1; j <= y.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const row = rows[i] as number[];
      const up = rows[i - 1] as number[];
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      row[j] = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) row[j] = Math.min(row[j] as number, ((rows[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (rows[x.length] as number[])[y.length] as number;
}

/** The known field nearest to `name`, and whether it is near enough to be the one meant. */
export function nearestField(name: string, known: readonly string[]): { field: string; likely: boolean } | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const field of known) {
    const d = distance(name, field);
    if (d < bestDistance) {
      best = field;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  // A slip of a key or two, or a field written in the wrong case.
  return { field: best, likely: bestDistance <= Math.max(1, Math.floor(Math.min(name.length, best.length) / 4)) };
}

/** `spec.template.spec.containers[0]` → `job.spec.template.spec.containers`, what `kubectl explain` takes. */
function explainPath(path: string): string {
  return `job${path ? `.${path.replace(/\[\d+\]/g, "")}` : ""}`;
}

function unknownField(path: string, key: string, typeName: string, fields: Fields): string {
  const at = path ? `${path}.${key}` : key;
  const nearest = nearestField(key, Object.keys(fields));
  const hint = !nearest
    ? ""
    : nearest.likely
      ? `; did you mean ${nearest.field}?`
      : `; the nearest field of ${typeName} is ${nearest.field} (kubectl explain ${explainPath(path)} lists them all)`;
  return `${terminalSafe(at)}: unknown field: the API server refuses fields a ${typeName} does not have${hint}`;
}

/** The path of the field being looked at, kept as parts and joined only for a problem: most documents have none. */
type PathParts = (string | number)[];

function joined(parts: PathParts): string {
  let out = "";
  for (const part of parts) out += typeof part === "number" ? `[${part}]` : out ? `.${part}` : part;
  return out;
}

function walk(value: unknown, typeName: string, path: PathParts, out: string[]): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      walk(value[i], typeName, path, out);
      path.pop();
    }
    return;
  }
  if (value === null || typeof value !== "object") return; // a wrong type is the schema's to report
  const map = typeName.charCodeAt(0) === 42; // "*Name": a map of Name
  const fields = JOB_FIELD_TYPES[map ? typeName.slice(1) : typeName];
  if (!fields) return;
  const object = value as Record<string, unknown>;
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    const type = map ? typeName.slice(1) : Object.hasOwn(fields, key) ? fields[key] : undefined;
    if (type === undefined) out.push(unknownField(joined(path), key, typeName, fields));
    else if (type !== 0) {
      path.push(key);
      walk(object[key], type, path, out);
      path.pop();
    }
  }
}

/** A problem line for every field of the document that a Job does not have, in document order. */
export function unknownFieldProblems(doc: unknown): string[] {
  const out: string[] = [];
  walk(doc, "Job", [], out);
  return out;
}
