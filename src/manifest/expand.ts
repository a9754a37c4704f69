/**
 * The expansion pipeline: rows → rendered text → parsed, checked, named and labelled Jobs.
 * A generator, so output can be written while later rows are still being rendered and a
 * million rows never sit in memory at once.
 */
import { InputError } from "../errors";
import { type Linter, verifyNoWarnings } from "../lint/index";
import type { Row, RowPlan } from "../params/types";
import type { CompiledTemplate, MarkedRendering } from "../render/template";
import { valuesOnLine, verifyValuesAreData } from "./guard";
import { unmark } from "./placeholders";
import { type JobObject, type ShapedFrom, indexedCompletions, jobProblems, nameProblem, schemaClasses } from "./job";
import { ANNOTATION_LIMIT, utf8Length } from "./job-rules";
import { ANNOTATION, LABEL, MANAGED_BY } from "./labels";
import { deriveJobName, maxJobNameLength } from "./names";
import { NameSet } from "./name-set";
import { type Emission, type Scalar, type Shape, ShapeCache, compileEmission, fillEmission } from "./shape";
import { dumpDocument, parseDocuments, verifyParsed } from "./yaml";
import { terminalSafe } from "../text/show";
import { decimal } from "../text/decimal";

export interface ExpandInput {
  template: CompiledTemplate;
  plan: RowPlan;
  group: string;
  /** Called for things a person should know that do not stop the expansion. */
  onWarning?: (message: string) => void;
  /** false: parse every row in full, never from its template's shape (the reference the shape is tested against). */
  shapes?: boolean;
  /** The Job pitfall checks (src/lint): every Job is given to the linter, its warnings reported at the end (under `strict`, thrown). */
  checks?: { linter: Linter; strict: boolean };
  /** The hash names are kept by (see NameSet); tests give one that collides, to reach the exact check. */
  nameHash?: (name: string) => number;
}

export interface ExpandedRow {
  index: number;
  row: Row;
  /** The rendered text, exactly as the template produced it. */
  text: string;
}

export interface ExpandedJobs {
  index: number;
  row: Row;
  jobs: JobObject[];
  /** The jobs as YAML documents, when the row was built from its template's shape, which writes them too. */
  yaml: string[] | undefined;
}

/** A row's value as messages show it: one line, at most 30 characters, nothing a terminal would act on. */
function summariseValue(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const oneLine = (text ?? String(value)).replace(/\n/g, "⏎");
  return terminalSafe(oneLine.length > 30 ? `${oneLine.slice(0, 29)}…` : oneLine);
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

export function describeRow(index: number, row: Row, empty: boolean): string {
  if (empty) return "the template (rendered once, no parameters)";
  const parts = Object.entries(row).slice(0, 4).map(([k, v]) => `${terminalSafe(k)}=${summariseValue(v)}`);
  if (Object.keys(row).length > 4) parts.push("…");
  return `row ${index}${parts.length ? ` (${parts.join(", ")})` : ""}`;
}

interface RowContext {
  index: number;
  row: Row;
  /** How messages name the row ("row 3 (item=apple)"); made only when one is needed. */
  label: () => string;
  context: Record<string, unknown>;
}

/** What each row's rendering sees: its values, `index`, `params` (the row) and `jobx`. */
function* rowContexts(input: ExpandInput): Generator<RowContext> {
  const { template, plan, group } = input;
  let index = 0;
  const jobx = { group, count: plan.count, template: template.name };
  for (const row of plan.rows()) {
    const at = index;
    // Copied key by key: a spread of the row is several times slower at a million rows. Row
    // keys such as __proto__ were refused when the parameters were read (src/params/keys.ts).
    const context: Record<string, unknown> = {};
    for (const key of Object.keys(row)) context[key] = row[key];
    context.index = index;
    context.jobx = jobx;
    context.params = row;
    yield { index, row, label: () => describeRow(at, row, plan.empty), context };
    index++;
  }
}

/** Renders each row; nothing is parsed. What `--raw` prints. */
export function* renderRows(input: ExpandInput): Generator<ExpandedRow> {
  for (const { index, row, label, context } of rowContexts(input)) {
    yield { index, row, text: input.template.render(context, label) };
  }
}

/** The row's parameters must fit in the annotation that records them. */
function checkParamsFit(job: JobObject, params: string, where: () => string): void {
  // Bytes, as the API server counts them.
  let existing = 0;
  const annotations = job.metadata.annotations ?? {};
  for (const key in annotations) existing += utf8Length(key) + utf8Length(annotations[key] as string);
  const size = utf8Length(params);
  if (existing + ANNOTATION.params.length + size > ANNOTATION_LIMIT) {
    throw new InputError(
      `the row's parameters (${size} bytes as JSON) do not fit in the ${ANNOTATION.params} annotation: Kubernetes allows 256 KiB of annotations per object. ` +
        "Pass large data by reference (a file name, a URL, a ConfigMap) instead of by value",
      { where: where() },
    );
  }
}

/** An object's first own key, without listing them all. */
function firstKey(object: object): string | undefined {
  for (const key in object) return key;
  return undefined;
}

/**
 * Names a checked Job and makes it a member of the group: labels on the Job and its pod
 * template, the row's parameters in an annotation. A shape's emission is written by the
 * same steps, with holes for the name, the item index and the parameters.
 */
function finishJob(job: JobObject, group: string, name: unknown, item: unknown, params: unknown): void {
  job.metadata ??= {};
  const meta = job.metadata;
  meta.name = name as string;
  // Objects of this row's own Job: changed in place, keys keeping their order.
  const labels = { [LABEL.managedBy]: MANAGED_BY, [LABEL.group]: group, [LABEL.item]: item as string };
  meta.labels = Object.assign(meta.labels ?? {}, labels);
  const template = job.spec.template;
  const podMeta = template.metadata ?? {};
  podMeta.labels = Object.assign(podMeta.labels ?? {}, labels);
  // The pod template's metadata comes before its spec, as people write it.
  if (firstKey(template) !== "metadata") {
    const reordered: Record<string, unknown> = { metadata: podMeta };
    for (const key in template) {
      const value = template[key as keyof typeof template];
      // A key __proto__ stays an ordinary key, as a spread would keep it.
      if (key === "__proto__") Object.defineProperty(reordered, key, { value, enumerable: true, writable: true, configurable: true });
      else if (key !== "metadata") reordered[key] = value;
    }
    job.spec.template = reordered as typeof template;
  } else template.metadata = podMeta;
  meta.annotations = Object.assign(meta.annotations ?? {}, { [ANNOTATION.params]: params as string });
}

/**
 * The row's Jobs as YAML through their shape's emissions, compiled at the shape's first
 * row and kept only when they write exactly what the emitter writes for that row.
 */
function yamlFromShape(shape: Shape, filled: readonly Scalar[], jobs: JobObject[], group: string, item: string, params: string): string[] | undefined {
  let emissions = shape.emissions.get(group);
  if (!emissions) {
    emissions = jobs.map((job, doc) => {
      const emission = compileEmission(shape, doc, (shaped, nameHole, itemHole, paramsHole) => finishJob(shaped as JobObject, group, nameHole, itemHole, paramsHole));
      return fillEmission(emission, filled, job.metadata.name as string, item, params) === dumpDocument(job) ? emission : null;
    });
    shape.emissions.set(group, emissions);
  }
  const yaml = new Array<string>(jobs.length);
  for (let doc = 0; doc < jobs.length; doc++) {
    const job = jobs[doc] as JobObject;
    const emission: Emission | null | undefined = emissions[doc];
    yaml[doc] = emission ? fillEmission(emission, filled, job.metadata.name as string, item, params) : dumpDocument(job);
  }
  return yaml;
}

/**
 * Renders, parses, checks, names and labels every row. Throws an InputError at the first
 * row that fails, naming the template, the row and the fix; a name already used by an
 * earlier row is such an error.
 */
export function* expandJobs(input: ExpandInput): Generator<ExpandedJobs> {
  const expander = new Expander(input);
  // A row is made in a call of its own, so that while its consumer waits (for stdout), the
  // row's rendering, documents and closures are not held here: a collection that runs
  // then finds nothing of the row to copy (see docs/DESIGN.md, Memory).
  for (const context of rowContexts(input)) yield expander.row(context);
  expander.finish();
}

/** What an expansion keeps from row to row. */
class Expander {
  private readonly where: string;
  private readonly seen: NameSet;
  /** Names whose hash matched another's but which differ: kept exactly (rare). */
  private readonly distinct = new Map<string, number>();
  private derivedCount = 0;
  /** Whether every row so far rendered what the first did: then the parameters change nothing. */
  private first: MarkedRendering | undefined;
  private allSame: boolean;
  private rows = 0;
  /** The skeletons' shapes, for this expansion only. */
  private readonly shapes: ShapeCache | undefined;

  constructor(private readonly input: ExpandInput) {
    this.where = input.template.name;
    this.seen = new NameSet(input.plan.count, input.nameHash);
    this.allSame = !input.plan.empty;
    this.shapes = input.shapes === false ? undefined : new ShapeCache();
  }

  row({ index, row, label: labelOf, context }: RowContext): ExpandedJobs {
    const { input, where } = this;
    const { group } = input;
    const rendering = input.template.renderMarked(context, labelOf);
    this.rows++;
    if (this.first === undefined) this.first = rendering;
    else if (this.allSame) this.allSame = sameRendering(this.first, rendering);
    // Rows whose values can stand where they are written are built from their template's
    // shape; others are parsed in full and guarded.
    const fromShape = this.shapes?.documents(rendering);
    let docs: unknown[] | undefined = fromShape?.docs;
    if (!docs) {
      const label = labelOf();
      const text = unmark(rendering);
      docs = verifyParsed(parseDocuments(text), text, `${where} (${label})`, (line) => valuesOnLine(rendering, row, line));
      verifyValuesAreData(rendering, docs, row, label, where);
    }
    if (docs.length === 0) {
      throw new InputError(`${labelOf()} rendered no YAML document. Check the template's conditions and loops`, { where });
    }
    const params = JSON.stringify(row);
    const item = decimal(index);
    const classes = fromShape ? schemaClasses(fromShape.filled) : "";
    const jobs: JobObject[] = [];
    for (let documentIndex = 0; documentIndex < docs.length; documentIndex++) {
      const doc = docs[documentIndex];
      const docLabel = () => (docs.length > 1 ? `document ${documentIndex + 1} of ${labelOf()}` : labelOf());
      const shaped: ShapedFrom | undefined = fromShape ? { doc: fromShape.shape.docs[documentIndex] as object, classes } : undefined;
      const problems = jobProblems(doc, shaped);
      if (problems.length > 0) {
        const only = problems.length === 1 && problems[0]?.startsWith("is ");
        throw new InputError(
          only ? `${docLabel()} ${problems[0]}` : `${docLabel()} is not a valid Job (${problems.length} problem${problems.length > 1 ? "s" : ""}):`,
          { where, details: only ? [] : problems.map((p) => `  ${p}`) },
        );
      }
      const job = doc as JobObject;
      const given = job.metadata.name;
      const name = finalName(job, group, row, documentIndex);
      if (name !== given && given !== undefined) {
        if (this.derivedCount < 3) input.onWarning?.(`${docLabel()}: ${nameProblem(given, job)}; named it ${name}`);
        this.derivedCount++;
      }
      let earlier = this.distinct.get(name);
      if (earlier === undefined) {
        const sameHash = this.seen.add(name, index);
        // A hash seen before: the same name, unless two names share a hash.
        if (sameHash !== undefined) {
          if (sameHash === index || namesOfRow(input, sameHash).includes(name)) earlier = sameHash;
          else this.distinct.set(flatCopy(name), index);
        }
      }
      if (earlier !== undefined && earlier !== index) {
        throw new InputError(
          `${docLabel()} is named ${name}, like row ${earlier}: two Jobs cannot share a name. ` +
            "Put a parameter in metadata.name (e.g. name: x-{{ item | dnslabel }}) or leave the name out and jobx derives a distinct one",
          { where },
        );
      }
      if (earlier === index) {
        throw new InputError(`${docLabel()} is named ${name}, like another document of the same row: two Jobs cannot share a name`, { where });
      }
      checkParamsFit(job, params, () => `${where} (${docLabel()})`);
      finishJob(job, group, name, item, params);
      input.checks?.linter.add(job);
      jobs.push(job);
    }
    const yaml = fromShape ? yamlFromShape(fromShape.shape, fromShape.filled, jobs, group, item, params) : undefined;
    return { index, row, jobs, yaml };
  }

  /** After the last row: the checks on the whole expansion, and the linter's warnings. */
  finish(): void {
    const { input, where } = this;
    if (this.derivedCount > 3) input.onWarning?.(`…and ${this.derivedCount - 3} more names were derived the same way`);
    if (this.allSame && this.rows > 1) {
      throw new InputError(
        `all ${this.rows} rows rendered the same Job: the parameters (${input.plan.keys.join(", ")}) change nothing in the template's output. ` +
          "Use the ones that vary in the template, or give no parameters to render it once",
        { where },
      );
    }
    if (input.checks) {
      const warnings = input.checks.linter.warnings();
      if (input.checks.strict) verifyNoWarnings(warnings);
      for (const w of warnings) input.onWarning?.(w);
    }
  }
}

function sameRendering(a: MarkedRendering, b: MarkedRendering): boolean {
  return a.marked === b.marked && a.values.length === b.values.length && a.values.every((v, i) => v === b.values[i]);
}
