/**
 * What the API server checks when a Job is created, beyond its schema: the rules of
 * pkg/apis/batch/validation/validation.go (validateJobSpec, validatePodFailurePolicy,
 * validateSuccessPolicy, ValidateJob), and of apimachinery's object-meta validation for
 * labels and annotations, and pkg/apis/core/validation's for container names and images.
 * Each problem is one "field: what is wrong; the fix" line. The document has passed the
 * Job schema, so fields have their types.
 */
import type { JobObject } from "./job";
import { LABEL } from "./labels";
import { showText, terminalSafe } from "../text/show";

// validation.go's constants.
const MAX_PARALLELISM_FOR_INDEXED_JOB = 100_000;
const MAX_FAILED_INDEXES_FOR_INDEXED_JOB = 100_000;
const COMPLETIONS_SOFT_LIMIT = 100_000;
const PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS = 10_000;
const MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS = 10_000;
const MAX_POD_FAILURE_POLICY_RULES = 20;
const MAX_ON_EXIT_CODES_VALUES = 255;
const MAX_ON_POD_CONDITIONS_PATTERNS = 20;
const MAX_MANAGED_BY_LENGTH = 63;
const MAX_SUCCEEDED_INDEXES_LENGTH = 64 * 1024;
const MAX_SUCCESS_POLICY_RULES = 20;
/** apimachinery's TotalAnnotationSizeLimitB: keys and values of one object's annotations, in bytes. */
export const ANNOTATION_LIMIT = 256 * 1024;

/** JobSpec fields validateJobSpec requires to be 0 or more (ValidateNonnegativeField). */
const NONNEGATIVE = ["parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished", "backoffLimitPerIndex", "maxFailedIndexes"] as const;

// apimachinery/pkg/util/validation: qualified names (label and annotation keys), label values, DNS names.
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// A qualified name of at most 63 characters in all, so both of its parts are short enough.
const SHORT_QUALIFIED_NAME = /^(?:[a-z0-9]([-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// IsDomainPrefixedPath: the path's characters, RFC 3986's.
const HTTP_PATH = /^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/;

/** Labels jobx sets itself, over whatever the template gave (see finishJob). */
const SET_BY_JOBX = new Set<string>(Object.values(LABEL));

function isNumber(value: unknown): value is number {
  return typeof value === "number";
}

/** Bytes of the UTF-8 encoding, as Go's len() counts a string. */
export function utf8Length(text: string): number {
  // eslint-disable-next-line no-control-regex
  if (!/[^\u0000-\u007f]/.test(text)) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A surrogate pair is 4 bytes: 2 for each half.
    bytes += c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 2 : 3;
  }
  return bytes;
}

/** Why a label or annotation key is not a qualified name ([prefix/]name), or undefined. */
function qualifiedNameProblem(key: string): string | undefined {
  // Most keys are short names, with or without a prefix: one test, no slices.
  if (key.length <= 63 && (QUALIFIED_NAME.test(key) || SHORT_QUALIFIED_NAME.test(key))) return undefined;
  const slash = key.indexOf("/");
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined) {
    if (prefix === "") return "the prefix before '/' is empty";
    if (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) return "the prefix before '/' must be a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253)";
  }
  if (name === "") return "the name part is empty";
  if (name.length > 63) return "the name part is longer than 63 characters";
  if (!QUALIFIED_NAME.test(name)) return "the name part may hold letters, digits, '-', '_' and '.', and must start and end with a letter or digit";
  return undefined;
}

// labelProblems, annotationProblems and containerProblems run for every row: plain loops,
// and nothing made (no entry arrays, no paths) while all is well.

function labelProblems(labels: Record<string, string> | undefined, where: string, out: string[]): void {
  for (const key in labels) {
    if (SET_BY_JOBX.has(key)) continue;
    const value = labels[key];
    const keyProblem = qualifiedNameProblem(key);
    if (keyProblem) out.push(`${where}: the key ${showText(key)} is not a valid label key: ${keyProblem}`);
    if (typeof value === "string" && (value.length > 63 || !LABEL_VALUE.test(value))) {
      out.push(
        `${where}.${terminalSafe(key)}: ${showText(value.length > 70 ? `${value.slice(0, 70)}…` : value)} is not a valid label value ` +
          "(at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit). Write it with {{ … | dnslabel }}, or put it in an annotation",
      );
    }
  }
}

function annotationProblems(annotations: Record<string, string> | undefined, where: string, out: string[]): void {
  let size = 0;
  for (const key in annotations) {
    const value = annotations[key];
    // ValidateAnnotations: a qualified name, but case does not matter.
    const keyProblem = qualifiedNameProblem(key.toLowerCase());
    if (keyProblem) out.push(`${where}: the key ${showText(key)} is not a valid annotation key: ${keyProblem}`);
    size += utf8Length(key) + (typeof value === "string" ? utf8Length(value) : 0);
  }
  if (size > ANNOTATION_LIMIT) {
    out.push(`${where}: ${size} bytes in all, more than the 256 KiB Kubernetes allows per object. Pass large data by reference (a file name, a URL, a ConfigMap)`);
  }
}

type Container = { name?: unknown; image?: unknown };

function containerListProblems(list: "initContainers" | "containers", containers: Container[], earlier: Container[], out: string[]): void {
  for (let i = 0; i < containers.length; i++) {
    const container = containers[i] as Container;
    const name = typeof container.name === "string" ? container.name : "";
    if (name === "") out.push(`spec.template.spec.${list}[${i}].name: required; give the container a name (a DNS-1123 label, like main)`);
    else if (name.length > 63 || !DNS1123_LABEL.test(name)) {
      out.push(`spec.template.spec.${list}[${i}].name: ${showText(name)} is not a DNS-1123 label (lower-case letters, digits and '-', at most 63, starting and ending alphanumeric)`);
    } else if (earlier.some((c) => c.name === name) || containers.slice(0, i).some((c) => c.name === name)) {
      out.push(`spec.template.spec.${list}[${i}].name: ${showText(name)} is already the name of another container of this pod; container names must be unique`);
    }
    if (typeof container.image !== "string" || container.image === "") out.push(`spec.template.spec.${list}[${i}].image: required; name the container image (like busybox:1.36)`);
  }
}

function containerProblems(spec: JobObject["spec"]["template"]["spec"], out: string[]): void {
  const init = (spec.initContainers ?? []) as Container[];
  containerListProblems("initContainers", init, [], out);
  containerListProblems("containers", spec.containers as Container[], init, out);
}

/** validateIndexesFormat and parseIndexInterval: "1,3-5,7", ascending, each below completions. Returns the indexes' count, or the problem. */
function indexesProblem(text: string, completions: number): { total: number } | { problem: string } {
  if (text === "") return { total: 0 };
  let last: number | undefined;
  let total = 0;
  for (const interval of text.split(",")) {
    const limits = interval.split("-");
    if (limits.length > 2) return { problem: `${showText(interval)} has more than two parts separated by '-'` };
    const bounds: number[] = [];
    for (const limit of limits) {
      if (!/^[+-]?\d+$/.test(limit)) return { problem: `${showText(limit)} is not an index` };
      const n = Number(limit);
      if (n >= completions) return { problem: `index ${n} is not below completions (${completions})` };
      bounds.push(n);
    }
    const [x = 0, y = x] = bounds;
    if (limits.length > 1 && x >= y) return { problem: `${showText(interval)} does not go upwards` };
    if (last !== undefined && last >= x) return { problem: `the intervals are not in increasing order (${last}, then ${x})` };
    total += y - x + 1;
    last = y;
  }
  return { total };
}

function podFailurePolicyProblems(job: JobObject, out: string[]): void {
  const spec = job.spec as JobObject["spec"] & { podFailurePolicy?: { rules: Record<string, unknown>[] }; backoffLimitPerIndex?: number };
  const rules = spec.podFailurePolicy?.rules ?? [];
  const path = "spec.podFailurePolicy.rules";
  if (rules.length > MAX_POD_FAILURE_POLICY_RULES) out.push(`${path}: ${rules.length} rules, more than the ${MAX_POD_FAILURE_POLICY_RULES} allowed`);
  const podSpec = job.spec.template.spec;
  const names = new Set(
    [...((podSpec.initContainers ?? []) as { name?: unknown }[]), ...(podSpec.containers as { name?: unknown }[])].map((c) => c.name).filter((n): n is string => typeof n === "string"),
  );
  rules.forEach((rule, i) => {
    const at = `${path}[${i}]`;
    if (rule.action === "FailIndex" && spec.backoffLimitPerIndex === undefined) out.push(`${at}.action: FailIndex needs spec.backoffLimitPerIndex to be set`);
    const onExitCodes = rule.onExitCodes as { containerName?: string; operator: string; values: number[] } | undefined;
    const onPodConditions = (rule.onPodConditions ?? []) as { type: string; status: string }[];
    if (onExitCodes) {
      const codes = `${at}.onExitCodes`;
      if (onExitCodes.containerName !== undefined && !names.has(onExitCodes.containerName)) {
        out.push(`${codes}.containerName: ${showText(onExitCodes.containerName)} is not the name of a container or initContainer of the pod template`);
      }
      const values = onExitCodes.values;
      if (values.length === 0) out.push(`${codes}.values: at least one exit code is required`);
      else if (values.length > MAX_ON_EXIT_CODES_VALUES) out.push(`${codes}.values: ${values.length} values, more than the ${MAX_ON_EXIT_CODES_VALUES} allowed`);
      const unique = new Set<number>();
      values.forEach((value, j) => {
        if (onExitCodes.operator === "In" && value === 0) out.push(`${codes}.values[${j}]: 0 is not allowed with the In operator`);
        if (unique.has(value)) out.push(`${codes}.values[${j}]: ${value} is listed twice`);
        unique.add(value);
      });
      if (values.some((value, j) => j > 0 && (values[j - 1] as number) > value)) out.push(`${codes}.values: must be in ascending order`);
    }
    if (onPodConditions.length > MAX_ON_POD_CONDITIONS_PATTERNS) {
      out.push(`${at}.onPodConditions: ${onPodConditions.length} patterns, more than the ${MAX_ON_POD_CONDITIONS_PATTERNS} allowed`);
    }
    onPodConditions.forEach((pattern, j) => {
      const keyProblem = qualifiedNameProblem(pattern.type);
      if (keyProblem) out.push(`${at}.onPodConditions[${j}].type: ${showText(pattern.type)} is not a qualified name: ${keyProblem}`);
      if (!["True", "False", "Unknown"].includes(pattern.status)) out.push(`${at}.onPodConditions[${j}].status: must be True, False or Unknown, not ${showText(pattern.status)}`);
    });
    if (onExitCodes && onPodConditions.length > 0) out.push(`${at}: give onExitCodes or onPodConditions, not both`);
    if (!onExitCodes && onPodConditions.length === 0) out.push(`${at}: give one of onExitCodes and onPodConditions`);
  });
  if (podSpec.restartPolicy === "OnFailure") {
    out.push("spec.template.spec.restartPolicy: must be Never when spec.podFailurePolicy is set, not OnFailure");
  }
}

function successPolicyProblems(job: JobObject, indexed: boolean, out: string[]): void {
  const spec = job.spec as JobObject["spec"] & { successPolicy?: { rules: { succeededCount?: number; succeededIndexes?: string }[] } };
  if (!spec.successPolicy) return;
  if (!indexed) {
    out.push("spec.successPolicy: needs completionMode: Indexed");
    return;
  }
  const rules = spec.successPolicy.rules;
  const path = "spec.successPolicy.rules";
  if (rules.length === 0) out.push(`${path}: at least one rule is required when successPolicy is set`);
  if (rules.length > MAX_SUCCESS_POLICY_RULES) out.push(`${path}: ${rules.length} rules, more than the ${MAX_SUCCESS_POLICY_RULES} allowed`);
  const completions = job.spec.completions ?? 0;
  rules.forEach((rule, i) => {
    const at = `${path}[${i}]`;
    if (rule.succeededCount === undefined && rule.succeededIndexes === undefined) out.push(`${at}: give succeededCount, succeededIndexes or both`);
    let total: number | undefined;
    if (rule.succeededIndexes !== undefined) {
      if (rule.succeededIndexes.length > MAX_SUCCEEDED_INDEXES_LENGTH) out.push(`${at}.succeededIndexes: longer than ${MAX_SUCCEEDED_INDEXES_LENGTH} characters`);
      const parsed = indexesProblem(rule.succeededIndexes, completions);
      if ("problem" in parsed) out.push(`${at}.succeededIndexes: ${parsed.problem}; write ascending indexes and ranges below completions, like 0,2-4`);
      else total = parsed.total;
    }
    if (rule.succeededCount !== undefined) {
      if (rule.succeededCount < 0) out.push(`${at}.succeededCount: must be 0 or more, not ${rule.succeededCount}`);
      if (rule.succeededCount > completions) out.push(`${at}.succeededCount: must be at most completions (${completions}), not ${rule.succeededCount}`);
      if (total !== undefined && rule.succeededCount > total) out.push(`${at}.succeededCount: must be at most the ${total} indexes of succeededIndexes, not ${rule.succeededCount}`);
    }
  });
}

/** Adds a problem line to `out` for every rule of the API server's a Job breaks. */
export function apiServerProblems(job: JobObject, out: string[]): void {
  const spec = job.spec as JobObject["spec"] & Record<string, unknown>;
  for (const field of NONNEGATIVE) {
    const value = spec[field];
    if (isNumber(value) && value < 0) out.push(`spec.${field}: ${value} is negative; the API server takes 0 or more`);
  }
  const managedBy = spec.managedBy;
  if (typeof managedBy === "string") {
    const slash = managedBy.indexOf("/");
    if (managedBy.length > MAX_MANAGED_BY_LENGTH) out.push(`spec.managedBy: longer than ${MAX_MANAGED_BY_LENGTH} characters`);
    if (slash <= 0 || !DNS1123_SUBDOMAIN.test(managedBy.slice(0, slash)) || !HTTP_PATH.test(managedBy.slice(slash + 1))) {
      out.push(`spec.managedBy: ${showText(managedBy)} is not a domain-prefixed path like example.com/my-controller (or leave it out for the Job controller)`);
    }
  }
  const indexed = spec.completionMode === "Indexed";
  const { completions, parallelism } = spec;
  const backoffLimitPerIndex = spec.backoffLimitPerIndex;
  const maxFailedIndexes = spec.maxFailedIndexes;
  if (isNumber(maxFailedIndexes) && backoffLimitPerIndex === undefined) out.push("spec.backoffLimitPerIndex: required when maxFailedIndexes is set");
  if (indexed) {
    if (completions === undefined) out.push("spec.completions: required when completionMode is Indexed");
    if (isNumber(parallelism) && parallelism > MAX_PARALLELISM_FOR_INDEXED_JOB) {
      out.push(`spec.parallelism: ${parallelism} is more than the ${MAX_PARALLELISM_FOR_INDEXED_JOB} an Indexed Job may have; lower it, or split the work over several Jobs`);
    }
    if (isNumber(completions) && isNumber(maxFailedIndexes) && maxFailedIndexes > completions) {
      out.push(`spec.maxFailedIndexes: ${maxFailedIndexes} is more than completions (${completions})`);
    }
    if (isNumber(maxFailedIndexes) && maxFailedIndexes > MAX_FAILED_INDEXES_FOR_INDEXED_JOB) {
      out.push(`spec.maxFailedIndexes: ${maxFailedIndexes} is more than the ${MAX_FAILED_INDEXES_FOR_INDEXED_JOB} allowed`);
    }
    if (isNumber(completions) && completions > COMPLETIONS_SOFT_LIMIT && backoffLimitPerIndex !== undefined) {
      const above = `with more than ${COMPLETIONS_SOFT_LIMIT} completions and backoffLimitPerIndex`;
      if (maxFailedIndexes === undefined) out.push(`spec.maxFailedIndexes: required ${above}; set it to ${MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS} or less`);
      if (isNumber(parallelism) && parallelism > PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS) {
        out.push(`spec.parallelism: ${parallelism} is more than the ${PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS} allowed ${above}`);
      }
      if (isNumber(maxFailedIndexes) && maxFailedIndexes > MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS) {
        out.push(`spec.maxFailedIndexes: ${maxFailedIndexes} is more than the ${MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS} allowed ${above}`);
      }
    }
  } else {
    if (backoffLimitPerIndex !== undefined) out.push("spec.backoffLimitPerIndex: needs completionMode: Indexed");
    if (maxFailedIndexes !== undefined) out.push("spec.maxFailedIndexes: needs completionMode: Indexed");
  }
  if (spec.podFailurePolicy !== undefined) {
    podFailurePolicyProblems(job, out);
    if (spec.podReplacementPolicy !== undefined && spec.podReplacementPolicy !== "Failed") {
      out.push(`spec.podReplacementPolicy: must be Failed when spec.podFailurePolicy is set, not ${showText(String(spec.podReplacementPolicy))}`);
    }
  }
  successPolicyProblems(job, indexed, out);
  labelProblems(job.metadata.labels, "metadata.labels", out);
  annotationProblems(job.metadata.annotations, "metadata.annotations", out);
  const template = job.spec.template;
  labelProblems(template.metadata?.labels, "spec.template.metadata.labels", out);
  annotationProblems(template.metadata?.annotations, "spec.template.metadata.annotations", out);
  containerProblems(template.spec, out);
}
