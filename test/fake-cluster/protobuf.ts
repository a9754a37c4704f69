/**
 * Decoding of the protobuf bodies kubectl's typed clients send (`kubectl create configmap`,
 * `kubectl create namespace`): the "k8s\0" envelope around runtime.Unknown
 * (K: staging/src/k8s.io/apimachinery/pkg/runtime/serializer/protobuf/protobuf.go) and the
 * generated.proto field numbers of ObjectMeta, ConfigMap, Namespace, and the parts of Job
 * and Pod that `kubectl create job` / `kubectl run` fill in. Other kinds are refused with
 * 415, which is where this fake stops.
 */
import { ApiError } from "./errors";
import type { Obj } from "./util";

export const PROTOBUF = "application/vnd.kubernetes.protobuf";
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

interface RawField {
  num: number;
  wire: number;
  int?: bigint;
  bytes?: Buffer;
}

function readFields(buf: Buffer): RawField[] {
  const out: RawField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[pos++];
      if (b === undefined) throw new Error("truncated varint");
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const num = key >>> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ num, wire, int: varint() });
    else if (wire === 2) {
      const len = Number(varint());
      out.push({ num, wire, bytes: buf.subarray(pos, pos + len) });
      pos += len;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

const str = (f: RawField): string => (f.bytes ?? Buffer.alloc(0)).toString("utf8");

function mapEntry(f: RawField, asBase64 = false): [string, string] {
  let k = "";
  let v = "";
  for (const e of readFields(f.bytes ?? Buffer.alloc(0))) {
    if (e.num === 1) k = str(e);
    if (e.num === 2) v = asBase64 ? (e.bytes ?? Buffer.alloc(0)).toString("base64") : str(e);
  }
  return [k, v];
}

function objectMeta(buf: Buffer): Obj {
  const m: Obj = {};
  for (const f of readFields(buf)) {
    switch (f.num) {
      case 1: m.name = str(f); break;
      case 2: m.generateName = str(f); break;
      case 3: m.namespace = str(f); break;
      case 5: m.uid = str(f); break;
      case 6: m.resourceVersion = str(f); break;
      case 11: { const [k, v] = mapEntry(f); (m.labels ??= {})[k] = v; break; }
      case 12: { const [k, v] = mapEntry(f); (m.annotations ??= {})[k] = v; break; }
      case 13: {
        const ref: Obj = {};
        for (const g of readFields(f.bytes ?? Buffer.alloc(0))) {
          if (g.num === 1) ref.kind = str(g);
          if (g.num === 3) ref.name = str(g);
          if (g.num === 4) ref.uid = str(g);
          if (g.num === 5) ref.apiVersion = str(g);
          if (g.num === 6) ref.controller = g.int === 1n;
          if (g.num === 7) ref.blockOwnerDeletion = g.int === 1n;
        }
        (m.ownerReferences ??= []).push(ref);
        break;
      }
      case 14: (m.finalizers ??= []).push(str(f)); break;
      default: break;
    }
  }
  return m;
}

type FieldType = "string" | "int" | "bool" | "bytes" | Schema | "stringMap" | "meta";

interface FieldSpec {
  name: string;
  type: FieldType;
  repeated?: boolean;
}

type Schema = Record<number, FieldSpec>;

const f = (name: string, type: FieldType, repeated = false): FieldSpec => ({ name, type, repeated });

function decode(buf: Buffer, schema: Schema): Obj {
  const o: Obj = {};
  for (const field of readFields(buf)) {
    const spec = schema[field.num];
    if (!spec) continue;
    let v: unknown;
    if (spec.type === "string") v = str(field);
    else if (spec.type === "bytes") v = (field.bytes ?? Buffer.alloc(0)).toString("base64");
    else if (spec.type === "int") v = Number(BigInt.asIntN(64, field.int ?? 0n));
    else if (spec.type === "bool") v = field.int === 1n;
    else if (spec.type === "meta") v = objectMeta(field.bytes ?? Buffer.alloc(0));
    else if (spec.type === "stringMap") {
      const [k, val] = mapEntry(field);
      (o[spec.name] ??= {})[k] = val;
      continue;
    } else v = decode(field.bytes ?? Buffer.alloc(0), spec.type);
    if (spec.repeated) (o[spec.name] ??= []).push(v);
    // gogo-protobuf writes every non-pointer field; JSON omits empty strings and false.
    else if (v !== "" && v !== false) o[spec.name] = v;
  }
  return o;
}

// Field numbers from staging/src/k8s.io/api/{core,batch}/v1/generated.proto and apimachinery meta/v1.
const LABEL_SELECTOR: Schema = { 1: f("matchLabels", "stringMap"), 2: f("matchExpressions", { 1: f("key", "string"), 2: f("operator", "string"), 3: f("values", "string", true) }, true) };
const ENV_VAR: Schema = {
  1: f("name", "string"),
  2: f("value", "string"),
  3: f("valueFrom", { 1: f("fieldRef", { 1: f("apiVersion", "string"), 2: f("fieldPath", "string") }), 3: f("configMapKeyRef", { 1: f("localObjectReference", { 1: f("name", "string") }), 2: f("key", "string"), 3: f("optional", "bool") }) }),
};
const CONTAINER: Schema = {
  1: f("name", "string"),
  2: f("image", "string"),
  3: f("command", "string", true),
  4: f("args", "string", true),
  5: f("workingDir", "string"),
  7: f("env", ENV_VAR, true),
  13: f("terminationMessagePath", "string"),
  14: f("imagePullPolicy", "string"),
  16: f("stdin", "bool"),
  17: f("stdinOnce", "bool"),
  18: f("tty", "bool"),
  20: f("terminationMessagePolicy", "string"),
};
const POD_SPEC: Schema = {
  2: f("containers", CONTAINER, true),
  3: f("restartPolicy", "string"),
  4: f("terminationGracePeriodSeconds", "int"),
  5: f("activeDeadlineSeconds", "int"),
  6: f("dnsPolicy", "string"),
  7: f("nodeSelector", "stringMap"),
  8: f("serviceAccountName", "string"),
  10: f("nodeName", "string"),
  16: f("hostname", "string"),
  17: f("subdomain", "string"),
  19: f("schedulerName", "string"),
  20: f("initContainers", CONTAINER, true),
  24: f("priorityClassName", "string"),
};
const POD_TEMPLATE: Schema = { 1: f("metadata", "meta"), 2: f("spec", POD_SPEC) };
const JOB_SPEC: Schema = {
  1: f("parallelism", "int"),
  2: f("completions", "int"),
  3: f("activeDeadlineSeconds", "int"),
  4: f("selector", LABEL_SELECTOR),
  5: f("manualSelector", "bool"),
  6: f("template", POD_TEMPLATE),
  7: f("backoffLimit", "int"),
  8: f("ttlSecondsAfterFinished", "int"),
  9: f("completionMode", "string"),
  10: f("suspend", "bool"),
  12: f("backoffLimitPerIndex", "int"),
  13: f("maxFailedIndexes", "int"),
  14: f("podReplacementPolicy", "string"),
};
const KINDS: Record<string, Schema> = {
  ConfigMap: { 1: f("metadata", "meta"), 2: f("data", "stringMap"), 3: f("binaryData", "stringMap"), 4: f("immutable", "bool") },
  Namespace: { 1: f("metadata", "meta") },
  Job: { 1: f("metadata", "meta"), 2: f("spec", JOB_SPEC) },
  Pod: { 1: f("metadata", "meta"), 2: f("spec", POD_SPEC) },
};

/** The JSON form of a protobuf-encoded object, or 415 for kinds this fake cannot read. */
export function decodeProtobuf(body: Buffer): Obj {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw new ApiError(400, "BadRequest", "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]");
  let apiVersion = "";
  let kind = "";
  let raw: Buffer = Buffer.alloc(0);
  for (const f of readFields(body.subarray(4))) {
    if (f.num === 1) {
      for (const t of readFields(f.bytes ?? Buffer.alloc(0))) {
        if (t.num === 1) apiVersion = str(t);
        if (t.num === 2) kind = str(t);
      }
    }
    if (f.num === 2) raw = f.bytes ?? Buffer.alloc(0);
  }
  const schema = KINDS[kind];
  if (schema) {
    const obj = decode(raw, schema);
    if (kind === "ConfigMap" && obj.binaryData) {
      // binaryData is bytes on the wire, base64 in JSON.
      for (const field of readFields(raw)) if (field.num === 3) { const [k, v] = mapEntry(field, true); obj.binaryData[k] = v; }
    }
    return { apiVersion, kind, metadata: {}, ...obj };
  }
  throw new ApiError(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (protobuf bodies of kind ${kind || "<unknown>"} are not supported by this test cluster)`);
}
