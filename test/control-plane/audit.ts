/**
 * Request counts from the real API server's audit log (see start.ts: one entry per request
 * of the admin user, the one kubectl and jobx use), named as the fake cluster counts them.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";
import type { RequestCount } from "../fake-cluster/types";

function readFrom(file: string, offset: number): string {
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.alloc(Math.max(0, size - offset));
    readSync(fd, buf, 0, buf.length, offset);
    return buf.toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/**
 * Request counts of one namespace from the real API server's audit log, named as the fake
 * counts them (verb, and resource with its subresource: "jobs", "pods/log", "jobs/status").
 * Requests outside any namespace (discovery, /version, nodes) are not counted.
 */
export function auditCounter(file: string, namespace: string): { counts(): RequestCount[]; reset(): void } {
  let offset = 0;
  return {
    reset() {
      offset = statSync(file).size;
    },
    counts() {
      const byKey = new Map<string, RequestCount>();
      for (const line of readFrom(file, offset).split("\n")) {
        if (!line.trim()) continue;
        const e = JSON.parse(line) as { verb: string; stage: string; objectRef?: { resource?: string; subresource?: string; namespace?: string; name?: string } };
        // A watch counts once it has started (it completes only when it ends), the rest once answered.
        if (e.stage !== (e.verb === "watch" ? "ResponseStarted" : "ResponseComplete")) continue;
        const ref = e.objectRef;
        const inNamespace = ref?.namespace === namespace || (ref?.resource === "namespaces" && ref.name === namespace);
        if (!inNamespace || !ref?.resource) continue;
        const resource = ref.subresource ? `${ref.resource}/${ref.subresource}` : ref.resource;
        const key = `${e.verb} ${resource}`;
        const c = byKey.get(key) ?? { verb: e.verb, resource, count: 0 };
        c.count += 1;
        byKey.set(key, c);
      }
      return [...byKey.values()];
    },
  };
}


