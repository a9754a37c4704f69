/**
 * Discovery documents: legacy (/api, /apis, /api/v1, /apis/batch/v1) and aggregated
 * (apidiscovery.k8s.io v2 and v2beta1), which kubectl prefers when both /api and /apis
 * answer with it (K: staging/src/k8s.io/client-go/discovery/discovery_client.go).
 */
import { apiVersionOf, groupVersions, RESOURCES, type ResourceType } from "./resources";
import type { Obj } from "./util";

const SUB_VERBS: Record<string, string[]> = { status: ["get", "patch", "update"], log: ["get"] };

function legacyEntries(r: ResourceType): Obj[] {
  const main: Obj = { name: r.name, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs };
  if (r.shortNames.length > 0) main.shortNames = r.shortNames;
  if (r.categories) main.categories = r.categories;
  main.storageVersionHash = Buffer.from(`${r.group}/${r.name}`).toString("base64").slice(0, 11);
  const subs = r.subresources.map((s) => ({ name: `${r.name}/${s}`, singularName: "", namespaced: r.namespaced, kind: r.kind, verbs: SUB_VERBS[s] ?? ["get"] }));
  return [main, ...subs];
}

export function apiVersions(hostPort: string): Obj {
  return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: hostPort }] };
}

export function apiGroupList(): Obj {
  const groups = new Map<string, string[]>();
  for (const { group, version } of groupVersions()) {
    if (group === "") continue;
    groups.set(group, [...(groups.get(group) ?? []), version]);
  }
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: [...groups.entries()].map(([name, versions]) => ({
      name,
      versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
    })),
  };
}

export function apiGroup(group: string): Obj | undefined {
  return apiGroupList().groups.find((g: Obj) => g.name === group);
}

export function apiResourceList(group: string, version: string): Obj | undefined {
  const rs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (rs.length === 0) return undefined;
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: group === "" ? version : `${group}/${version}`, resources: rs.flatMap(legacyEntries) };
}

/** The aggregated discovery version the Accept header asks for, if any. */
export function aggregatedVersionWanted(accept: string | undefined): "v2" | "v2beta1" | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(",")) {
    if (!part.includes("as=APIGroupDiscoveryList") || !part.includes("g=apidiscovery.k8s.io")) continue;
    if (/v=v2beta1/.test(part)) return "v2beta1";
    if (/v=v2(;|$|\s)/.test(part)) return "v2";
  }
  return undefined;
}

export function aggregatedContentType(version: "v2" | "v2beta1"): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

export function aggregatedDiscovery(core: boolean, version: "v2" | "v2beta1"): Obj {
  const gvs = groupVersions().filter((gv) => (gv.group === "") === core);
  const byGroup = new Map<string, string[]>();
  for (const gv of gvs) byGroup.set(gv.group, [...(byGroup.get(gv.group) ?? []), gv.version]);
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: [...byGroup.entries()].map(([group, versions]) => ({
      metadata: group === "" ? { creationTimestamp: null } : { name: group, creationTimestamp: null },
      versions: versions.map((v) => ({
        version: v,
        resources: RESOURCES.filter((r) => r.group === group && r.version === v).map((r) => {
          const gvk = { group: r.group, version: r.version, kind: r.kind };
          const entry: Obj = {
            resource: r.name,
            responseKind: gvk,
            scope: r.namespaced ? "Namespaced" : "Cluster",
            singularResource: r.singular,
            verbs: r.verbs,
          };
          if (r.shortNames.length > 0) entry.shortNames = r.shortNames;
          if (r.categories) entry.categories = r.categories;
          if (r.subresources.length > 0) {
            entry.subresources = r.subresources.map((s) => ({
              subresource: s,
              responseKind: s === "log" ? { group: "", version: "", kind: "" } : gvk,
              verbs: SUB_VERBS[s] ?? ["get"],
            }));
          }
          return entry;
        }),
        freshness: "Current",
      })),
    })),
  };
}

export { apiVersionOf };
