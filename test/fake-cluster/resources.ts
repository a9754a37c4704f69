/** The resource types the fake serves, with what discovery says about them. */
export interface ResourceType {
  /** plural, e.g. "jobs" */
  name: string;
  singular: string;
  kind: string;
  group: string;
  version: string;
  namespaced: boolean;
  shortNames: string[];
  verbs: string[];
  subresources: string[];
  categories?: string[];
}

const RW = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

export const RESOURCES: ResourceType[] = [
  { name: "namespaces", singular: "namespace", kind: "Namespace", group: "", version: "v1", namespaced: false, shortNames: ["ns"], verbs: ["create", "delete", "get", "list", "patch", "update", "watch"], subresources: ["status"] },
  { name: "pods", singular: "pod", kind: "Pod", group: "", version: "v1", namespaced: true, shortNames: ["po"], verbs: RW, subresources: ["log", "status"], categories: ["all"] },
  { name: "configmaps", singular: "configmap", kind: "ConfigMap", group: "", version: "v1", namespaced: true, shortNames: ["cm"], verbs: RW, subresources: [] },
  { name: "events", singular: "event", kind: "Event", group: "", version: "v1", namespaced: true, shortNames: ["ev"], verbs: RW, subresources: [] },
  { name: "jobs", singular: "job", kind: "Job", group: "batch", version: "v1", namespaced: true, shortNames: [], verbs: RW, subresources: ["status"], categories: ["all"] },
];

export function findResource(group: string, version: string, name: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.name === name);
}

export function resourceByKind(kind: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.kind === kind);
}

export function apiVersionOf(r: ResourceType): string {
  return r.group === "" ? r.version : `${r.group}/${r.version}`;
}

export function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of RESOURCES) seen.set(`${r.group}/${r.version}`, { group: r.group, version: r.version });
  return [...seen.values()];
}
