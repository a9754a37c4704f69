/**
 * Warnings about the expanded Jobs, before anything runs (the rules are in rules.ts), and
 * what `--strict` makes of warnings: errors, all listed at once.
 */
import { InputError, UsageError } from "../errors";
import type { JobObject } from "../manifest/job";
import { type Finding, type LintOptions, HERD_RULE, JOB_RULES, LINT_DEFAULTS, podsAtOnce } from "./rules";

export { LINT_DEFAULTS, type LintOptions } from "./rules";

/** The check flags of expand, apply and lint, as commander gives them. */
export interface CheckFlags {
  strict?: boolean;
  /** --pack: the herd rule does not apply to a group run as one Indexed Job. */
  pack?: boolean;
  maxParallelism?: string;
  largeGroup?: string;
  maxBackoffLimit?: string;
}

function count(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a whole number of 0 or more, not ${JSON.stringify(value)}`);
  return n;
}

/** The thresholds the flags set, each checked (a bad value is a usage error before anything is read). */
export function lintOptionsFrom(flags: CheckFlags): LintOptions {
  return {
    maxParallelism: count("--max-parallelism", flags.maxParallelism, LINT_DEFAULTS.maxParallelism),
    largeGroup: count("--large-group", flags.largeGroup, LINT_DEFAULTS.largeGroup),
    maxBackoffLimit: count("--max-backoff-limit", flags.maxBackoffLimit, LINT_DEFAULTS.maxBackoffLimit),
    packed: flags.pack === true,
  };
}

/** Under --strict: any warning is an input error (exit 2), listing every one. */
export function verifyNoWarnings(warnings: readonly string[]): void {
  if (warnings.length === 0) return;
  throw new InputError(
    `--strict makes ${warnings.length === 1 ? "this warning an error" : `these ${warnings.length} warnings errors`}; fix ${warnings.length === 1 ? "it" : "them"}, or drop --strict:`,
    { details: warnings.map((w) => `- ${w}`) },
  );
}

interface FoundEntry {
  finding: Finding;
  largeGroupOnly: boolean;
  names: string[];
  count: number;
}

/**
 * Every field the rules read (rules.ts), written into `into` (six of the Job's, then six
 * for each container; see kept); returns how many. Jobs with the same fields
 * get the same findings. A rule that reads a new field must add it here (a test checks).
 */
function lintFields(job: JobObject, into: unknown[]): number {
  const spec = job.spec;
  const pod = spec.template.spec;
  let n = 0;
  into[n++] = kept(spec.activeDeadlineSeconds);
  into[n++] = kept(spec.ttlSecondsAfterFinished);
  into[n++] = kept(spec.parallelism);
  into[n++] = kept(spec.completions);
  into[n++] = kept(spec.backoffLimit);
  into[n++] = kept(pod.restartPolicy);
  for (const c of pod.containers as { name?: string; image?: string; imagePullPolicy?: string; resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> } }[]) {
    if (c === null || typeof c !== "object") continue;
    const r = c.resources;
    into[n++] = kept(c.name);
    into[n++] = kept(c.image);
    into[n++] = kept(c.imagePullPolicy);
    into[n++] = kept(r?.requests?.cpu);
    into[n++] = kept(r?.requests?.memory);
    into[n++] = kept(r?.limits?.memory);
  }
  into.length = n;
  return n;
}

/** The fields the rules read (lintFields) in one string: Jobs with the same signature get the same findings. */
export function lintSignature(job: JobObject): string {
  const fields: unknown[] = [];
  lintFields(job, fields);
  return fields.join("\u0000");
}

/** A field as lintFields keeps it: unset and null as marks of their own (join would write both as ""). */
function kept(field: unknown): unknown {
  return field === undefined ? "\u0001" : field === null ? "\u0002" : field;
}

function sameFields(a: readonly unknown[], b: readonly unknown[], count: number): boolean {
  for (let n = 0; n < count; n++) if (a[n] !== b[n]) return false;
  return true;
}

/** Collects the rules' findings over a group's Jobs, one at a time, and words them once all are seen. */
export class Linter {
  private jobs = 0;
  private pods = 0;
  private maxPods = 0;
  /** Each distinct finding, the first few Jobs it applies to and how many. */
  private readonly found = new Map<string, FoundEntry>();

  constructor(private readonly options: LintOptions = LINT_DEFAULTS) {}

  /** The findings of Jobs alike in every field the rules read: most Jobs of a group share one entry. */
  private readonly bySignature = new Map<string, FoundEntry[]>();
  /**
   * The last Job's fields and findings: consecutive Jobs are mostly alike, and comparing
   * their fields makes nothing, where the signature is a new string for every Job.
   */
  private last = { fields: [] as unknown[], count: -1, entries: [] as FoundEntry[] };
  private fields: unknown[] = [];

  add(job: JobObject): void {
    this.jobs++;
    const pods = podsAtOnce(job);
    this.pods += pods;
    this.maxPods = Math.max(this.maxPods, pods);
    const count = lintFields(job, this.fields);
    const last = this.last;
    const entries = count === last.count && sameFields(this.fields, last.fields, count) ? last.entries : this.entriesOf(job);
    if (entries !== last.entries) {
      const fields = last.fields;
      this.last = { fields: this.fields, count, entries };
      this.fields = fields;
    }
    for (const entry of entries) {
      entry.count++;
      if (entry.names.length < 3) entry.names.push(job.metadata.name ?? "(unnamed)");
    }
  }

  private entriesOf(job: JobObject): FoundEntry[] {
    const signature = lintSignature(job);
    let entries = this.bySignature.get(signature);
    if (!entries) {
      entries = [];
      for (const rule of JOB_RULES) {
        for (const finding of rule.check(job, this.options)) {
          const key = `${finding.rule}\u0000${finding.field}\u0000${finding.why}`;
          let entry = this.found.get(key);
          if (!entry) this.found.set(key, (entry = { finding, largeGroupOnly: rule.largeGroupOnly === true, names: [], count: 0 }));
          entries.push(entry);
        }
      }
      // Bounded: a group whose Jobs all differ (an image per row) would keep one entry a Job.
      if (this.bySignature.size < 1024) this.bySignature.set(signature, entries);
    }
    return entries;
  }

  /** One warning per finding: the Jobs, the field, why, and the fix. */
  warnings(): string[] {
    const out: string[] = [];
    for (const { finding, largeGroupOnly, names, count } of this.found.values()) {
      if (largeGroupOnly && this.jobs < this.options.largeGroup) continue;
      out.push(word(finding, this.who(names, count)));
    }
    const herd = HERD_RULE.check(this.jobs, this.pods, this.maxPods, this.options);
    if (herd) out.push(word(herd, `all ${this.jobs} Jobs`));
    return out;
  }

  private who(names: string[], count: number): string {
    if (count === this.jobs && count > 1) return `all ${count} Jobs`;
    if (count === 1) return `Job ${names[0]}`;
    return `Jobs ${names.join(", ")}${count > names.length ? ` and ${count - names.length} more` : ""}`;
  }
}

function word(f: Finding, who: string): string {
  return `${who}: ${f.field} ${f.why}. Fix: ${f.fix} [${f.rule}]`;
}
