import { randomBytes, randomUUID } from "node:crypto";

/**
 * Kubernetes objects travel as untyped JSON. The server checks their shape at the edges
 * (validation, strict field checking), so inside it they are handled as plain JSON values.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = any;

export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** metav1.Time serialises with second precision (RFC 3339, UTC). */
export function timestamp(ms: number = Date.now()): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** RFC 3339 with nanoseconds, as the kubelet writes log timestamps. */
export function timestampNano(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.replace(/\.(\d{3})Z$/, (_m, frac: string) => `.${frac}000000Z`);
}

export function newUid(): string {
  return randomUUID();
}

/** Name suffix alphabet of apiserver's generateName (k8s.io/apimachinery/pkg/util/rand). */
const ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

export function randomSuffix(length = 5): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const b of bytes) out += ALPHANUMS[b % ALPHANUMS.length];
  return out;
}

/** Parses kubectl-style durations: "1s", "250ms", "2m", "1h", "1m30s"; a bare number is seconds. */
export function parseDuration(text: string | undefined, fallbackMs = 0): number {
  if (text === undefined || text.trim() === "") return fallbackMs;
  const s = text.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const m of s.matchAll(re)) {
    const n = Number(m[1]);
    const unit = m[2];
    total += unit === "ms" ? n : unit === "s" ? n * 1000 : unit === "m" ? n * 60_000 : n * 3_600_000;
    consumed += m[0].length;
  }
  return consumed === s.length ? total : fallbackMs;
}

export function getPath(obj: Obj, path: string): unknown {
  let cur: Obj = obj;
  for (const part of path.split(".")) {
    if (cur === null || cur === undefined || typeof cur !== "object") return undefined;
    cur = cur[part];
  }
  return cur;
}

/** DNS-1123 label (k8s.io/apimachinery/pkg/util/validation). */
export function isDnsLabel(value: string): boolean {
  return value.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value);
}

/** DNS-1123 subdomain. */
export function isDnsSubdomain(value: string): boolean {
  return value.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(value);
}
