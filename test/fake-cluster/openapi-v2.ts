/**
 * A minimal OpenAPI v2 document in the protobuf encoding kubectl up to 1.28 downloads
 * (gnostic openapi_v2.Document) to learn that PATCH on a kind takes `fieldValidation`
 * (K: staging/src/k8s.io/cli-runtime/pkg/resource/query_param_verifier.go). It carries no
 * definitions, so clients fall back to their compiled-in types for patch metadata.
 */
import { RESOURCES } from "./resources";

/** What clients ask for; answered as application/octet-stream, since the "@" does not parse as a media type. */
export const OPENAPI_V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return out;
}

type Field = [number, string | Buffer | Field[]];

/** Encodes a message whose fields are all strings or nested messages (wire type 2). */
function encode(fields: Field[]): Buffer {
  const parts: Buffer[] = [];
  for (const [num, value] of fields) {
    const body = typeof value === "string" ? Buffer.from(value, "utf8") : Buffer.isBuffer(value) ? value : encode(value);
    parts.push(Buffer.from([...varint((num << 3) | 2), ...varint(body.length)]), body);
  }
  return Buffer.concat(parts);
}

function namedAny(name: string, yaml: string): Field[] {
  return [
    [1, name],
    [2, [[2, yaml]]],
  ];
}

function queryParam(name: string): Field[] {
  // ParametersItem.parameter → Parameter.non_body_parameter → NonBodyParameter.query_parameter_sub_schema
  return [[1, [[2, [[3, [[2, "query"], [4, name], [6, "string"]]]]]]]];
}

function operation(id: string, action: string, gvk: { group: string; version: string; kind: string }, withParams: boolean): Field[] {
  const fields: Field[] = [[5, id]];
  if (withParams) for (const p of ["dryRun", "fieldManager", "fieldValidation", "force"]) fields.push([8, queryParam(p)]);
  fields.push([9, [[1, [[1, "200"], [2, [[1, [[1, "OK"]]]]]]]]]);
  fields.push([13, namedAny("x-kubernetes-action", `${action}\n`)]);
  fields.push([13, namedAny("x-kubernetes-group-version-kind", `group: ${JSON.stringify(gvk.group)}\nkind: ${gvk.kind}\nversion: ${gvk.version}\n`)]);
  return fields;
}

export function openApiV2Protobuf(): Buffer {
  const paths: Field[] = [];
  for (const r of RESOURCES) {
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const prefix = r.group === "" ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
    const base = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.name}` : `${prefix}/${r.name}`;
    paths.push([2, [[1, base], [2, [[2, operation(`list${r.kind}`, "list", gvk, false)], [4, operation(`create${r.kind}`, "post", gvk, true)]]]]]);
    paths.push([2, [[1, `${base}/{name}`], [2, [
      [2, operation(`read${r.kind}`, "get", gvk, false)],
      [3, operation(`replace${r.kind}`, "put", gvk, true)],
      [5, operation(`delete${r.kind}`, "delete", gvk, false)],
      [8, operation(`patch${r.kind}`, "patch", gvk, true)],
    ]]]]);
  }
  return encode([
    [1, "2.0"],
    [2, [[1, "Kubernetes"], [2, "v1.32.0"]]],
    [8, paths],
  ]);
}

/** The same document as JSON, for clients asking for application/json. */
export function openApiV2Json(): object {
  const paths: Record<string, object> = {};
  for (const r of RESOURCES) {
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const prefix = r.group === "" ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
    const base = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.name}` : `${prefix}/${r.name}`;
    const params = ["dryRun", "fieldManager", "fieldValidation", "force"].map((name) => ({ name, in: "query", type: "string", uniqueItems: true }));
    const op = (id: string, action: string, withParams: boolean): object => ({
      operationId: id,
      parameters: withParams ? params : [],
      responses: { "200": { description: "OK" } },
      "x-kubernetes-action": action,
      "x-kubernetes-group-version-kind": gvk,
    });
    paths[base] = { get: op(`list${r.kind}`, "list", false), post: op(`create${r.kind}`, "post", true) };
    paths[`${base}/{name}`] = { get: op(`read${r.kind}`, "get", false), put: op(`replace${r.kind}`, "put", true), delete: op(`delete${r.kind}`, "delete", false), patch: op(`patch${r.kind}`, "patch", true) };
  }
  return { swagger: "2.0", info: { title: "Kubernetes", version: "v1.32.0" }, paths };
}
