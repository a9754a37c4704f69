/**
 * Label and field selectors as the apiserver parses them
 * (K: staging/src/k8s.io/apimachinery/pkg/labels/selector.go, pkg/fields/selector.go).
 */
import { badRequest } from "./errors";
import { getPath, type Obj } from "./util";

export type Operator = "=" | "!=" | "in" | "notin" | "exists" | "!";

export interface Requirement {
  key: string;
  op: Operator;
  values: string[];
}

const KEY_RE = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE_RE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Splits on commas that are not inside parentheses. */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      parts.push(cur);
      cur = "";
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

function checkKey(key: string, whole: string): void {
  if (!KEY_RE.test(key) || key.length > 317) {
    throw badRequest(`unable to parse requirement: invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (in selector "${whole}")`);
  }
}

function checkValue(value: string, whole: string): void {
  if (!VALUE_RE.test(value) || value.length > 63) {
    throw badRequest(`unable to parse requirement: values[0][${value}]: Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (in selector "${whole}")`);
  }
}

export function parseLabelSelector(text: string | null | undefined): Requirement[] {
  if (text === null || text === undefined || text.trim() === "") return [];
  const reqs: Requirement[] = [];
  for (const rawPart of splitTop(text)) {
    const part = rawPart.trim();
    if (part === "") throw badRequest(`unable to parse requirement: found '', expected: identifier`);
    let m: RegExpMatchArray | null;
    if ((m = part.match(/^([^\s!=(),]+)\s+(in|notin)\s*\(([^)]*)\)$/))) {
      const key = m[1] ?? "";
      checkKey(key, text);
      const values = (m[3] ?? "").split(",").map((v) => v.trim());
      for (const v of values) checkValue(v, text);
      reqs.push({ key, op: m[2] === "in" ? "in" : "notin", values });
    } else if ((m = part.match(/^([^\s!=(),]+)\s*(==|!=|=)\s*([^\s!=(),]*)$/))) {
      const key = m[1] ?? "";
      const value = m[3] ?? "";
      checkKey(key, text);
      checkValue(value, text);
      reqs.push({ key, op: m[2] === "!=" ? "!=" : "=", values: [value] });
    } else if ((m = part.match(/^!\s*([^\s!=(),]+)$/))) {
      const key = m[1] ?? "";
      checkKey(key, text);
      reqs.push({ key, op: "!", values: [] });
    } else if ((m = part.match(/^([^\s!=(),]+)$/))) {
      const key = m[1] ?? "";
      checkKey(key, text);
      reqs.push({ key, op: "exists", values: [] });
    } else {
      throw badRequest(`unable to parse requirement: found '${part}', expected: in, notin, =, ==, !=, gt, lt`);
    }
  }
  return reqs;
}

export function matchesLabels(reqs: Requirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case "=":
        return has && v === r.values[0];
      case "!=":
        return !has || v !== r.values[0];
      case "in":
        return has && r.values.includes(v ?? "");
      case "notin":
        return !has || !r.values.includes(v ?? "");
      case "exists":
        return has;
      case "!":
        return !has;
    }
    return false;
  });
}

/** metav1.LabelSelector (matchLabels + matchExpressions) to requirements. */
export function requirementsFromLabelSelector(selector: Obj): Requirement[] {
  const reqs: Requirement[] = [];
  if (!selector) return reqs;
  for (const [k, v] of Object.entries((selector.matchLabels ?? {}) as Record<string, string>)) reqs.push({ key: k, op: "=", values: [v] });
  for (const e of (selector.matchExpressions ?? []) as Obj[]) {
    const op: Operator = e.operator === "In" ? "in" : e.operator === "NotIn" ? "notin" : e.operator === "Exists" ? "exists" : "!";
    reqs.push({ key: e.key, op, values: e.values ?? [] });
  }
  return reqs;
}

export interface FieldRequirement {
  field: string;
  op: "=" | "!=";
  value: string;
}

export function parseFieldSelector(text: string | null | undefined): FieldRequirement[] {
  if (text === null || text === undefined || text.trim() === "") return [];
  return text.split(",").map((raw) => {
    const part = raw.trim();
    const m = part.match(/^([^=!]+?)\s*(==|!=|=)\s*(.*)$/);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    return { field: m[1] ?? "", op: m[2] === "!=" ? "!=" : "=", value: m[3] ?? "" };
  });
}

/**
 * The apiserver only accepts the fields each type registers (metadata.name, metadata.namespace
 * everywhere, plus a few per kind); this fake accepts any dotted path into the object.
 */
export function matchesFields(reqs: FieldRequirement[], obj: Obj): boolean {
  return reqs.every((r) => {
    // Jobs register status.successful for status.succeeded (K: pkg/registry/batch/job/strategy.go JobToSelectableFields).
    const raw = r.field === "status.successful" && obj?.kind !== "Pod" ? (obj?.status?.succeeded ?? 0) : getPath(obj, r.field);
    const v = raw === undefined || raw === null ? "" : String(raw);
    return r.op === "=" ? v === r.value : v !== r.value;
  });
}
