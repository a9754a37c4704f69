/**
 * What the apiserver does to objects before storing them: defaulting, validation and
 * immutability, per kind.
 * Jobs: K: pkg/apis/batch/v1/defaults.go, pkg/registry/batch/job/strategy.go,
 *       pkg/apis/batch/validation/validation.go.
 * Pods: K: pkg/apis/core/v1/defaults.go, pkg/apis/core/validation/validation.go (the parts a
 *       Job's pod template exercises).
 */
import type { FieldError } from "./errors";
import { clone, isDnsLabel, isDnsSubdomain, type Obj } from "./util";

export const JOB_LABELS = {
  controllerUid: "batch.kubernetes.io/controller-uid",
  legacyControllerUid: "controller-uid",
  jobName: "batch.kubernetes.io/job-name",
  legacyJobName: "job-name",
} as const;

const MAX_INT32 = 2147483647;

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  return JSON.stringify(value) ?? "null";
}

export function invalidValue(field: string, value: unknown, msg: string): FieldError {
  return { type: "FieldValueInvalid", field, detail: `Invalid value: ${show(value)}: ${msg}` };
}

export function required(field: string, msg = ""): FieldError {
  return { type: "FieldValueRequired", field, detail: msg ? `Required value: ${msg}` : "Required value" };
}

function notSupported(field: string, value: unknown, allowed: string[]): FieldError {
  return { type: "FieldValueNotSupported", field, detail: `Unsupported value: ${show(value)}: supported values: ${allowed.map((a) => `"${a}"`).join(", ")}` };
}

function nonNegative(field: string, value: unknown, out: FieldError[]): void {
  if (value === undefined || value === null) return;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) out.push(invalidValue(field, value, "must be greater than or equal to 0"));
}

// ---- defaults ----

function defaultContainer(c: Obj): void {
  c.terminationMessagePath ??= "/dev/termination-log";
  c.terminationMessagePolicy ??= "File";
  if (c.imagePullPolicy === undefined && typeof c.image === "string") {
    const tagged = /:[^/]+$/.test(c.image) || c.image.includes("@");
    c.imagePullPolicy = !tagged || c.image.endsWith(":latest") ? "Always" : "IfNotPresent";
  }
  c.resources ??= {};
  for (const e of (c.env ?? []) as Obj[]) {
    if (e.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ??= "v1";
  }
}

export function defaultPodSpec(spec: Obj, restartPolicyDefault: string | undefined): void {
  if (restartPolicyDefault !== undefined) spec.restartPolicy ??= restartPolicyDefault;
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= "ClusterFirst";
  spec.securityContext ??= {};
  spec.schedulerName ??= "default-scheduler";
  for (const c of (spec.containers ?? []) as Obj[]) defaultContainer(c);
  for (const c of (spec.initContainers ?? []) as Obj[]) defaultContainer(c);
}

export function defaultJob(job: Obj, minor: number): void {
  const spec = (job.spec ??= {});
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex !== undefined ? MAX_INT32 : 6;
  spec.completionMode ??= "NonIndexed";
  spec.suspend ??= false;
  if (minor >= 29) spec.podReplacementPolicy ??= spec.podFailurePolicy ? "Failed" : "TerminatingOrFailed";
  for (const rule of (spec.podFailurePolicy?.rules ?? []) as Obj[]) {
    for (const pc of (rule.onPodConditions ?? []) as Obj[]) pc.status ??= "True";
  }
  const template = (spec.template ??= {});
  template.metadata ??= {};
  defaultPodSpec((template.spec ??= {}), undefined);
}

/** strategy.go generateSelector: the controller-uid selector and the four template labels. */
export function generateJobSelector(job: Obj): void {
  const spec = job.spec;
  if (spec.manualSelector === true) return;
  const uid = job.metadata.uid as string;
  const name = job.metadata.name as string;
  const labels = (spec.template.metadata.labels ??= {});
  labels[JOB_LABELS.controllerUid] = uid;
  labels[JOB_LABELS.legacyControllerUid] = uid;
  labels[JOB_LABELS.jobName] = name;
  labels[JOB_LABELS.legacyJobName] = name;
  spec.selector ??= { matchLabels: { [JOB_LABELS.controllerUid]: uid } };
}

// ---- validation ----

export function validateName(name: unknown, out: FieldError[]): void {
  if (typeof name !== "string" || name === "") {
    out.push(required("metadata.name", "name or generateName is required"));
  } else if (!isDnsSubdomain(name)) {
    out.push(invalidValue("metadata.name", name, SUBDOMAIN_MSG));
  }
}

function validateLabels(labels: Obj, field: string, out: FieldError[]): void {
  if (labels === undefined || labels === null) return;
  const seen = new Set<string>();
  for (const value of Object.values(labels as Record<string, unknown>)) {
    const v = String(value);
    let e: FieldError | undefined;
    if (v.length > 63) e = invalidValue(field, v, "must be no more than 63 characters");
    else if (!/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v)) e = invalidValue(field, v, LABEL_VALUE_MSG);
    if (e && !seen.has(e.detail)) {
      seen.add(e.detail);
      out.push(e);
    }
  }
}

export function validatePodSpec(spec: Obj, path: string, out: FieldError[]): void {
  const containers = spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    out.push(required(`${path}.containers`));
    return;
  }
  const names = new Set<string>();
  containers.forEach((c: Obj, i: number) => {
    const p = `${path}.containers[${i}]`;
    if (typeof c?.name !== "string" || c.name === "") out.push(required(`${p}.name`));
    else if (!isDnsLabel(c.name)) out.push(invalidValue(`${p}.name`, c.name, LABEL_MSG));
    else if (names.has(c.name)) out.push({ type: "FieldValueDuplicate", field: `${p}.name`, detail: `Duplicate value: ${show(c.name)}` });
    else names.add(c.name);
    if (typeof c?.image !== "string" || c.image.trim() === "") out.push(required(`${p}.image`));
    for (const [j, e] of ((c?.env ?? []) as Obj[]).entries()) {
      if (typeof e?.name !== "string" || e.name === "") out.push(required(`${p}.env[${j}].name`));
    }
  });
  if (spec.restartPolicy !== undefined && !["Always", "OnFailure", "Never"].includes(spec.restartPolicy)) {
    out.push(notSupported(`${path}.restartPolicy`, spec.restartPolicy, ["Always", "OnFailure", "Never"]));
  }
}

export function validateJob(job: Obj): FieldError[] {
  const out: FieldError[] = [];
  validateName(job.metadata?.name, out);
  const spec = job.spec ?? {};
  nonNegative("spec.parallelism", spec.parallelism, out);
  nonNegative("spec.completions", spec.completions, out);
  nonNegative("spec.activeDeadlineSeconds", spec.activeDeadlineSeconds, out);
  nonNegative("spec.backoffLimit", spec.backoffLimit, out);
  nonNegative("spec.ttlSecondsAfterFinished", spec.ttlSecondsAfterFinished, out);
  if (spec.activeDeadlineSeconds === 0) out.push(invalidValue("spec.activeDeadlineSeconds", 0, "must be greater than 0"));
  if (!["NonIndexed", "Indexed"].includes(spec.completionMode)) {
    out.push(notSupported("spec.completionMode", spec.completionMode, ["NonIndexed", "Indexed"]));
  }
  if (spec.completionMode === "Indexed") {
    if (spec.completions === undefined || spec.completions === null) {
      out.push(required("spec.completions", "when completion mode is Indexed"));
    } else if (typeof job.metadata?.name === "string" && spec.completions > 0) {
      const hostname = `${job.metadata.name}-${spec.completions - 1}`;
      if (!isDnsLabel(hostname)) out.push(invalidValue("metadata.name", job.metadata.name, `will not able to create pod with invalid DNS label: ${hostname}`));
    }
    if (spec.parallelism > 100000) out.push(invalidValue("spec.parallelism", spec.parallelism, "must be less than or equal to 100000 when completion mode is Indexed"));
  } else {
    if (spec.backoffLimitPerIndex !== undefined) out.push(required("spec.completionMode", "when backoffLimitPerIndex is specified, completionMode must be Indexed"));
    if (spec.maxFailedIndexes !== undefined) out.push(required("spec.completionMode", "when maxFailedIndexes is specified, completionMode must be Indexed"));
  }
  if (spec.maxFailedIndexes !== undefined && spec.backoffLimitPerIndex === undefined) {
    out.push(required("spec.backoffLimitPerIndex", "when maxFailedIndexes is specified"));
  }
  nonNegative("spec.backoffLimitPerIndex", spec.backoffLimitPerIndex, out);
  nonNegative("spec.maxFailedIndexes", spec.maxFailedIndexes, out);
  const rules = spec.podFailurePolicy?.rules;
  if (Array.isArray(rules)) {
    rules.forEach((r: Obj, i: number) => {
      const allowed = spec.backoffLimitPerIndex !== undefined ? ["Count", "FailIndex", "FailJob", "Ignore"] : ["Count", "FailJob", "Ignore"];
      if (!allowed.includes(r?.action)) out.push(notSupported(`spec.podFailurePolicy.rules[${i}].action`, r?.action, allowed));
      const codes = r?.onExitCodes;
      if (codes && !["In", "NotIn"].includes(codes.operator)) out.push(notSupported(`spec.podFailurePolicy.rules[${i}].onExitCodes.operator`, codes.operator, ["In", "NotIn"]));
    });
    if (spec.template?.spec?.restartPolicy !== "Never") {
      out.push(invalidValue("spec.template.spec.restartPolicy", spec.template?.spec?.restartPolicy, "only \"Never\" is supported when podFailurePolicy is specified"));
    }
  }
  if (!spec.selector) out.push(required("spec.selector"));
  const template = spec.template ?? {};
  validateLabels(template.metadata?.labels, "spec.template.labels", out);
  validateLabels(job.metadata?.labels, "metadata.labels", out);
  validatePodSpec(template.spec, "spec.template.spec", out);
  const rp = template.spec?.restartPolicy;
  // K: pkg/apis/batch/validation/validation.go validateJobSpec — Always (the pod default)
  // or empty is "Required", any other value "Unsupported".
  if (rp === undefined || rp === "" || rp === "Always") {
    out.push(required("spec.template.spec.restartPolicy", 'valid values: "OnFailure", "Never"'));
  } else if (rp !== "OnFailure" && rp !== "Never") {
    out.push(notSupported("spec.template.spec.restartPolicy", rp, ["OnFailure", "Never"]));
  }
  if (spec.selector?.matchLabels && spec.manualSelector !== true) {
    const labels = template.metadata?.labels ?? {};
    for (const [k, v] of Object.entries(spec.selector.matchLabels as Record<string, string>)) {
      if (labels[k] !== v) {
        out.push(invalidValue("spec.template.metadata.labels", labels, "`selector` does not match template `labels`"));
        break;
      }
    }
  }
  return out;
}

function immutable(field: string, now: unknown, before: unknown, out: FieldError[]): void {
  if (JSON.stringify(now) !== JSON.stringify(before)) out.push(invalidValue(field, now, "field is immutable"));
}

export function validateJobUpdate(job: Obj, old: Obj): FieldError[] {
  const out = validateJob(job);
  const s = job.spec ?? {};
  const o = old.spec ?? {};
  const elastic = s.completionMode === "Indexed" && s.completions !== o.completions && s.completions === s.parallelism && o.completions === o.parallelism;
  if (!elastic) immutable("spec.completions", s.completions, o.completions, out);
  immutable("spec.selector", s.selector, o.selector, out);
  immutable("spec.template", s.template, o.template, out);
  immutable("spec.completionMode", s.completionMode, o.completionMode, out);
  immutable("spec.podFailurePolicy", s.podFailurePolicy, o.podFailurePolicy, out);
  immutable("spec.backoffLimitPerIndex", s.backoffLimitPerIndex, o.backoffLimitPerIndex, out);
  return out;
}

export function validatePod(pod: Obj): FieldError[] {
  const out: FieldError[] = [];
  validateName(pod.metadata?.name, out);
  validateLabels(pod.metadata?.labels, "metadata.labels", out);
  validatePodSpec(pod.spec, "spec", out);
  return out;
}

export function validatePodUpdate(pod: Obj, old: Obj): FieldError[] {
  const out: FieldError[] = [];
  validateLabels(pod.metadata?.labels, "metadata.labels", out);
  const strip = (spec: Obj): Obj => {
    const c = clone(spec ?? {});
    for (const ct of (c.containers ?? []) as Obj[]) delete ct.image;
    delete c.activeDeadlineSeconds;
    delete c.tolerations;
    delete c.schedulingGates;
    return c;
  };
  if (JSON.stringify(strip(pod.spec)) !== JSON.stringify(strip(old.spec))) {
    out.push({ type: "FieldValueForbidden", field: "spec", detail: "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)" });
  }
  return out;
}

export function validateConfigMap(cm: Obj): FieldError[] {
  const out: FieldError[] = [];
  validateName(cm.metadata?.name, out);
  validateLabels(cm.metadata?.labels, "metadata.labels", out);
  for (const key of Object.keys((cm.data ?? {}) as Record<string, unknown>)) {
    if (!/^[-._a-zA-Z0-9]+$/.test(key) || key.length > 253) out.push(invalidValue("data", key, "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
  }
  return out;
}

export function validateNamespace(ns: Obj): FieldError[] {
  const out: FieldError[] = [];
  const name = ns.metadata?.name;
  if (typeof name !== "string" || name === "") out.push(required("metadata.name", "name or generateName is required"));
  else if (!isDnsLabel(name)) out.push(invalidValue("metadata.name", name, LABEL_MSG));
  return out;
}
