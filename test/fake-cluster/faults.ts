/** Fault injection and request counting for tests (see FaultConfig in types.ts). */
import { ApiError, forbidden, serverError, tooManyRequests } from "./errors";
import type { FaultConfig, RequestCount } from "./types";

function matches(filter: { verbs?: string[]; resources?: string[] }, verb: string, resource: string): boolean {
  if (filter.verbs && !filter.verbs.includes(verb)) return false;
  if (filter.resources && !filter.resources.includes(resource)) return false;
  return true;
}

export class Faults {
  private config: FaultConfig = {};
  private failNextLeft = 0;
  private windowStart = 0;
  private windowCount = 0;
  private readonly counts = new Map<string, RequestCount>();

  set(config: FaultConfig): void {
    this.config = { ...config };
    this.failNextLeft = config.failNext?.count ?? 0;
    this.windowStart = Date.now();
    this.windowCount = 0;
  }

  clear(): void {
    this.set({});
  }

  count(verb: string, resource: string): void {
    const k = `${verb} ${resource}`;
    const c = this.counts.get(k);
    if (c) c.count += 1;
    else this.counts.set(k, { verb, resource, count: 1 });
  }

  requestCounts(): RequestCount[] {
    return [...this.counts.values()].map((c) => ({ ...c })).sort((a, b) => `${a.verb} ${a.resource}`.localeCompare(`${b.verb} ${b.resource}`));
  }

  resetCounts(): void {
    this.counts.clear();
  }

  /** The error to answer instead of serving the request, if a fault applies. */
  reject(verb: string, resource: string): ApiError | undefined {
    const fn = this.config.failNext;
    if (fn && this.failNextLeft > 0 && matches(fn, verb, resource)) {
      this.failNextLeft -= 1;
      if (fn.status === 429) return tooManyRequests(fn.retryAfterSeconds);
      // As RBAC refuses, in the default namespace: apimachinery's NewForbidden around
      // apiserver's forbiddenMessage (endpoints/handlers/responsewriters/errors.go).
      if (fn.status === 403) {
        const group = resource === "jobs" ? "batch" : "";
        const qualified = group ? `${resource}.${group}` : resource;
        return forbidden(`${qualified} is forbidden: User "jobx-test" cannot ${verb} resource "${resource}" in API group "${group}" in the namespace "default"`);
      }
      return serverError(fn.status, fn.retryAfterSeconds);
    }
    const rl = this.config.rateLimit;
    if (rl && matches(rl, verb, resource)) {
      const now = Date.now();
      if (now - this.windowStart >= 1000) {
        this.windowStart = now;
        this.windowCount = 0;
      }
      this.windowCount += 1;
      if (this.windowCount > rl.perSecond) return tooManyRequests(rl.retryAfterSeconds ?? 1);
    }
    return undefined;
  }

  delayMs(): number {
    return this.config.slowMs ?? 0;
  }

  get cutWatch(): FaultConfig["cutWatch"] {
    return this.config.cutWatch;
  }

  /** 403 like the ResourceQuota admission plugin, once a namespace holds jobQuota Jobs. */
  checkJobQuota(name: string, existing: number): void {
    const q = this.config.jobQuota;
    if (q === undefined || existing < q) return;
    throw forbidden(`jobs.batch "${name}" is forbidden: exceeded quota: jobs-quota, requested: count/jobs.batch=1, used: count/jobs.batch=${existing}, limited: count/jobs.batch=${q}`, { name, kind: "jobs", group: "batch" });
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}
