/**
 * A minimal OpenAPI v3: enough for kubectl's query-parameter check to see that PATCH on
 * each kind accepts `fieldValidation` (so it sends fieldValidation=Strict and leaves
 * validation to the server) (K: staging/src/k8s.io/cli-runtime/pkg/resource/query_param_verifier_v3.go).
 * No schemas are published, so clients fall back to their compiled-in types.
 */
import { createHash } from "node:crypto";
import { groupVersions, RESOURCES } from "./resources";
import type { Obj } from "./util";

function docPath(group: string, version: string): string {
  return group === "" ? `api/${version}` : `apis/${group}/${version}`;
}

const QUERY_PARAMS = ["dryRun", "fieldManager", "fieldValidation", "force", "pretty"].map((name) => ({
  name,
  in: "query",
  description: name,
  schema: { type: name === "force" ? "boolean" : "string", uniqueItems: true },
}));

export function groupDocument(group: string, version: string): Obj | undefined {
  const rs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (rs.length === 0) return undefined;
  const paths: Obj = {};
  for (const r of rs) {
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const base = r.namespaced ? `/${docPath(group, version)}/namespaces/{namespace}/${r.name}` : `/${docPath(group, version)}/${r.name}`;
    const op = (action: string): Obj => ({
      operationId: `${action}${r.kind}`,
      parameters: action === "patch" || action === "create" || action === "replace" ? QUERY_PARAMS : [],
      responses: { "200": { description: "OK" } },
      "x-kubernetes-action": action === "create" ? "post" : action === "replace" ? "put" : action,
      "x-kubernetes-group-version-kind": gvk,
    });
    paths[base] = { get: op("list"), post: op("create") };
    paths[`${base}/{name}`] = { get: op("get"), put: op("replace"), patch: op("patch"), delete: op("delete") };
  }
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "v1.32.0" },
    paths,
    components: { schemas: {} },
  };
}

function hashOf(doc: Obj): string {
  return createHash("sha512").update(JSON.stringify(doc)).digest("hex").slice(0, 128).toUpperCase();
}

export function openApiIndex(): Obj {
  const paths: Obj = {};
  for (const { group, version } of groupVersions()) {
    const doc = groupDocument(group, version);
    paths[docPath(group, version)] = { serverRelativeURL: `/openapi/v3/${docPath(group, version)}?hash=${hashOf(doc)}` };
  }
  return { paths };
}

/** `rest` is the path after /openapi/v3/, e.g. "apis/batch/v1". */
export function openApiGroup(rest: string): Obj | undefined {
  const m = rest.match(/^api\/(v1)$/) ?? rest.match(/^apis\/([^/]+)\/([^/]+)$/);
  if (!m) return undefined;
  return m.length === 2 ? groupDocument("", m[1] ?? "") : groupDocument(m[1] ?? "", m[2] ?? "");
}
