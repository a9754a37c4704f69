/**
 * The expansion pipeline: rows → rendered text → parsed, checked, named and labelled Jobs.
 * A generator, so output can be written while later rows are still being rendered and a
 * million rows never sit in memory at once.
 */
import { InputError } from "../errors";
import type { Row, RowPlan } from "../params/types";
import type { CompiledTemplate } from "../render/template";
import { isRiskyOutput, valuesOnLine, verifyValuesAreData } from "./guard";
import { unmark } from "./placeholders";
import { type JobObject, indexedCompletions, jobProblems, nameProblem } from "./job";
import { ANNOTATION, groupLabels } from "./labels";
import { deriveJobName, maxJobNameLength } from "./names";
import { NameSet } from "./name-set";
import { documentsFromSkeleton } from "./skeleton";
import { parseDocuments, verifyParsed } from "./yaml";

export interface ExpandInput {
  template: CompiledTemplate;
  plan: RowPlan;
  group: string;
  /** Called for things a person should know that do not stop the expansion. */
  onWarning?: (message: string) => void;
}

export interface ExpandedRow {
  index: number;
  row: Row;
  /** How messages name this row: "row 3 (item=apple)". */
  label: string;
  /** The rendered text, exactly as the template produced it. */
  text: string;
}

export interface ExpandedJobs extends ExpandedRow {
  jobs: JobObject[];
}

/** Annotations are limited to 256 KiB in total per object (apimachinery's TotalAnnotationSizeLimitB). */
const ANNOTATION_LIMIT = 256 * 1024;

function summariseValue(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const oneLine = (text ?? String(value)).replace(/\n/g, "⏎");
  return oneLine.length > 30 ? `${oneLine.slice(0, 29)}…` : oneLine;
}

/** The name a Job gets: the template's when valid, else one derived from the group and the row. */
function finalName(job: JobObject, group: string, row: Row, documentIndex: number): string {
  const given = job.metadata.name;
  if (nameProblem(given, job) === undefined) return given as string;
  return deriveJobName({ group, row, documentIndex, given, maxLength: maxJobNameLength(indexedCompletions(job)) });
}

/**
 * The names of one earlier row's Jobs, rendered again: the exact check behind a name
 * hash seen twice (names are kept only as hashes, see NameSet).
 */
function namesOfRow(input: ExpandInput, wanted: number): string[] {
  for (const { index, row, label, context } of rowContexts(input)) {
    if (index < wanted) continue;
    const result = parseDocuments(unmark(input.template.renderMarked(context, label)));
    if (!("docs" in result)) return [];
    return result.docs.map((doc, documentIndex) => (jobProblems(doc).length === 0 ? finalName(doc as JobObject, input.group, row, documentIndex) : ""));
  }
  return [];
}

function flatCopy(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

export function rowLabel(index: number, row: Row, empty: boolean): string {
  if (empty) return "the template (rendered once, no parameters)";
  const parts = Object.entries(row).slice(0, 4).map(([k, v]) => `${k}=${summariseValue(v)}`);
  if (Object.keys(row).length > 4) parts.push("…");
  return `row ${index}${parts.length ? ` (${parts.join(", ")})` : ""}`;
}

/** What each row's rendering sees: its values, `index`, `params` (the row) and `jobx`. */
function* rowContexts(input: ExpandInput): Generator<{ index: number; row: Row; label: string; context: Record<string, unknown> }> {
  const { template, plan, group } = input;
  let index = 0;
  const jobx = { group, count: plan.count, template: template.name };
  for (const row of plan.rows()) {
    yield { index, row, label: rowLabel(index, row, plan.empty), context: { ...row, index, jobx, params: row } };
    index++;
  }
}

/** Renders each row; nothing is parsed. What `--raw` prints. */
export function* renderRows(input: ExpandInput): Generator<ExpandedRow> {
  for (const { index, row, label, context } of rowContexts(input)) {
    yield { index, row, label, text: input.template.render(context, label) };
  }
}

function labelJob(job: JobObject, group: string, index: number, row: Row, where: string): void {
  const labels = groupLabels(group, index);
  job.metadata.labels = { ...job.metadata.labels, ...labels };
  // Rebuilt so that the pod template's metadata comes before its spec, as people write it.
  const { metadata: podMeta = {}, ...podRest } = job.spec.template;
  job.spec.template = { metadata: { ...podMeta, labels: { ...podMeta.labels, ...labels } }, ...podRest };
  const params = JSON.stringify(row);
  const existing = Object.entries(job.metadata.annotations ?? {}).reduce((n, [k, v]) => n + k.length + v.length, 0);
  if (existing + ANNOTATION.params.length + params.length > ANNOTATION_LIMIT) {
    throw new InputError(
      `the row's parameters (${params.length} bytes as JSON) do not fit in the ${ANNOTATION.params} annotation: Kubernetes allows 256 KiB of annotations per object. ` +
        "Pass large data by reference (a file name, a URL, a ConfigMap) instead of by value",
      { where },
    );
  }
  job.metadata.annotations = { ...job.metadata.annotations, [ANNOTATION.params]: params };
}

/**
 * Renders, parses, checks, names and labels every row. Throws an InputError at the first
 * row that fails, naming the template, the row and the fix; a name already used by an
 * earlier row is such an error.
 */
export function* expandJobs(input: ExpandInput): Generator<ExpandedJobs> {
  const { group, onWarning } = input;
  const where = input.template.name;
  const seen = new NameSet();
  // Names whose hash matched another's but which differ: kept exactly (rare).
  const distinct = new Map<string, number>();
  let derivedCount = 0;
  for (const { index, row, label, context } of rowContexts(input)) {
    const rendering = input.template.renderMarked(context, label);
    const text = unmark(rendering);
    // Plain rows are built from their template's parsed skeleton; others are parsed in full and guarded.
    const plain = rendering.values.every((v, n) => rendering.safe[n] || !isRiskyOutput(v));
    let docs = plain ? documentsFromSkeleton(rendering, text) : undefined;
    if (!docs) {
      docs = verifyParsed(parseDocuments(text), text, `${where} (${label})`, (line) => valuesOnLine(rendering, row, line));
      verifyValuesAreData(rendering, docs, row, label, where);
    }
    if (docs.length === 0) {
      throw new InputError(`${label} rendered no YAML document. Check the template's conditions and loops`, { where });
    }
    const jobs: JobObject[] = [];
    docs.forEach((doc, documentIndex) => {
      const docLabel = docs.length > 1 ? `document ${documentIndex + 1} of ${label}` : label;
      const problems = jobProblems(doc);
      if (problems.length > 0) {
        const only = problems.length === 1 && problems[0]?.startsWith("is ");
        throw new InputError(
          only ? `${docLabel} ${problems[0]}` : `${docLabel} is not a valid Job (${problems.length} problem${problems.length > 1 ? "s" : ""}):`,
          { where, details: only ? [] : problems.map((p) => `  ${p}`) },
        );
      }
      const job = doc as JobObject;
      const given = job.metadata.name;
      const name = finalName(job, group, row, documentIndex);
      if (name !== given) {
        if (given !== undefined && derivedCount < 3) onWarning?.(`${docLabel}: ${nameProblem(given, job)}; named it ${name}`);
        if (given !== undefined) derivedCount++;
        job.metadata.name = name;
      }
      let earlier = distinct.get(name);
      if (earlier === undefined) {
        const sameHash = seen.add(name, index);
        // A hash seen before: the same name, unless two names share a hash.
        if (sameHash !== undefined) {
          if (sameHash === index || namesOfRow(input, sameHash).includes(name)) earlier = sameHash;
          else distinct.set(flatCopy(name), index);
        }
      }
      if (earlier !== undefined && earlier !== index) {
        throw new InputError(
          `${docLabel} is named ${name}, like row ${earlier}: two Jobs cannot share a name. ` +
            "Put a parameter in metadata.name (e.g. name: x-{{ item | dnslabel }}) or leave the name out and jobx derives a distinct one",
          { where },
        );
      }
      if (earlier === index) {
        throw new InputError(`${docLabel} is named ${name}, like another document of the same row: two Jobs cannot share a name`, { where });
      }
      labelJob(job, group, index, row, `${where} (${docLabel})`);
      jobs.push(job);
    });
    yield { index, row, label, text, jobs };
  }
  if (derivedCount > 3) onWarning?.(`…and ${derivedCount - 3} more names were derived the same way`);
}
