/**
 * Server-side printing (meta.k8s.io/v1 Table), which kubectl asks for when it prints
 * human-readable output. Columns follow K: pkg/printers/internalversion/printers.go.
 */
import type { ResourceType } from "./resources";
import type { Obj } from "./util";

export function wantsTable(accept: string | undefined): boolean {
  return accept !== undefined && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

/** duration.HumanDuration, as kubectl shows ages. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

function age(obj: Obj): string {
  const t = Date.parse(obj.metadata?.creationTimestamp ?? "");
  return Number.isNaN(t) ? "<unknown>" : humanDuration(Date.now() - t);
}

interface Column {
  name: string;
  type: string;
  priority?: number;
}

function hasCondition(job: Obj, type: string): boolean {
  return ((job.status?.conditions ?? []) as Obj[]).some((c) => c.type === type && c.status === "True");
}

function jobStatus(job: Obj): string {
  if (hasCondition(job, "Complete")) return "Complete";
  if (hasCondition(job, "Failed")) return "Failed";
  if (job.metadata?.deletionTimestamp) return "Terminating";
  if (hasCondition(job, "FailureTarget")) return "FailureTarget";
  if (hasCondition(job, "SuccessCriteriaMet")) return "SuccessCriteriaMet";
  if (hasCondition(job, "Suspended")) return "Suspended";
  return "Running";
}

function podStatus(pod: Obj): string {
  if (pod.metadata?.deletionTimestamp) return "Terminating";
  let reason: string = pod.status?.reason ?? pod.status?.phase ?? "Unknown";
  for (const cs of (pod.status?.containerStatuses ?? []) as Obj[]) {
    if (cs.state?.waiting?.reason) reason = cs.state.waiting.reason;
    else if (cs.state?.terminated?.reason) reason = cs.state.terminated.reason;
  }
  return reason;
}

function row(r: ResourceType, o: Obj, minor: number): { cells: unknown[]; columns: Column[] } {
  const name = o.metadata?.name;
  switch (r.kind) {
    case "Job": {
      const spec = o.spec ?? {};
      const st = o.status ?? {};
      const completions = spec.completions !== undefined ? `${st.succeeded ?? 0}/${spec.completions}` : spec.parallelism > 1 ? `${st.succeeded ?? 0}/1 of ${spec.parallelism}` : `${st.succeeded ?? 0}/1`;
      let duration = "";
      if (st.startTime) {
        const end = st.completionTime ? Date.parse(st.completionTime) : Date.now();
        duration = humanDuration(end - Date.parse(st.startTime));
      }
      const containers = ((spec.template?.spec?.containers ?? []) as Obj[]);
      const sel = Object.entries((spec.selector?.matchLabels ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(",");
      const withStatus = minor >= 30;
      const t = {
        columns: [
          { name: "Name", type: "string" },
          { name: "Status", type: "string" },
          { name: "Completions", type: "string" },
          { name: "Duration", type: "string" },
          { name: "Age", type: "string" },
          { name: "Containers", type: "string", priority: 1 },
          { name: "Images", type: "string", priority: 1 },
          { name: "Selector", type: "string", priority: 1 },
        ],
        cells: [name, jobStatus(o), completions, duration, age(o), containers.map((c) => c.name).join(","), containers.map((c) => c.image).join(","), sel],
      };
      // The STATUS column came with 1.30 servers.
      if (!withStatus) {
        t.columns.splice(1, 1);
        t.cells.splice(1, 1);
      }
      return t;
    }
    case "Pod": {
      const statuses = (o.status?.containerStatuses ?? []) as Obj[];
      const total = (o.spec?.containers ?? []).length;
      const ready = statuses.filter((c) => c.ready).length;
      const restarts = statuses.reduce((n, c) => n + (c.restartCount ?? 0), 0);
      return {
        columns: [
          { name: "Name", type: "string" },
          { name: "Ready", type: "string" },
          { name: "Status", type: "string" },
          { name: "Restarts", type: "string" },
          { name: "Age", type: "string" },
          { name: "IP", type: "string", priority: 1 },
          { name: "Node", type: "string", priority: 1 },
          { name: "Nominated Node", type: "string", priority: 1 },
          { name: "Readiness Gates", type: "string", priority: 1 },
        ],
        cells: [name, `${ready}/${total}`, podStatus(o), String(restarts), age(o), o.status?.podIP ?? "<none>", o.spec?.nodeName ?? "<none>", "<none>", "<none>"],
      };
    }
    case "ConfigMap":
      return {
        columns: [
          { name: "Name", type: "string" },
          { name: "Data", type: "integer" },
          { name: "Age", type: "string" },
        ],
        cells: [name, Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length, age(o)],
      };
    case "Namespace":
      return {
        columns: [
          { name: "Name", type: "string" },
          { name: "Status", type: "string" },
          { name: "Age", type: "string" },
        ],
        cells: [name, o.status?.phase ?? "", age(o)],
      };
    case "Event":
      return {
        columns: [
          { name: "Last Seen", type: "string" },
          { name: "Type", type: "string" },
          { name: "Reason", type: "string" },
          { name: "Object", type: "string" },
          { name: "Message", type: "string" },
        ],
        cells: [age(o), o.type ?? "", o.reason ?? "", `${(o.involvedObject?.kind ?? "").toLowerCase()}/${o.involvedObject?.name ?? ""}`, o.message ?? ""],
      };
    default:
      return { columns: [{ name: "Name", type: "string" }, { name: "Age", type: "string" }], cells: [name, age(o)] };
  }
}

export function toTable(r: ResourceType, items: Obj[], resourceVersion: string, minor = 32): Obj {
  const sample = row(r, { metadata: {} }, minor);
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: { resourceVersion },
    columnDefinitions: sample.columns.map((c) => ({ name: c.name, type: c.type, format: c.name === "Name" ? "name" : "", description: c.name, priority: c.priority ?? 0 })),
    rows: items.map((o) => ({
      cells: row(r, o, minor).cells,
      object: { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata },
    })),
  };
}
