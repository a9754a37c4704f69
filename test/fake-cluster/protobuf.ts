/**
 * Decoding of the protobuf bodies kubectl's typed clients send (`kubectl create configmap`,
 * `kubectl create namespace`): the "k8s\0" envelope around runtime.Unknown
 * (K: staging/src/k8s.io/apimachinery/pkg/runtime/serializer/protobuf/protobuf.go) and the
 * generated.proto field numbers of ObjectMeta, ConfigMap and Namespace. Other kinds are
 * refused with 415, which is where this fake stops.
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

function configMap(buf: Buffer): Obj {
  const o: Obj = { metadata: {} };
  for (const f of readFields(buf)) {
    if (f.num === 1) o.metadata = objectMeta(f.bytes ?? Buffer.alloc(0));
    if (f.num === 2) { const [k, v] = mapEntry(f); (o.data ??= {})[k] = v; }
    if (f.num === 3) { const [k, v] = mapEntry(f, true); (o.binaryData ??= {})[k] = v; }
    if (f.num === 4) o.immutable = f.int === 1n;
  }
  return o;
}

function namespace(buf: Buffer): Obj {
  const o: Obj = { metadata: {} };
  for (const f of readFields(buf)) {
    if (f.num === 1) o.metadata = objectMeta(f.bytes ?? Buffer.alloc(0));
  }
  return o;
}

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
  let obj: Obj;
  if (kind === "ConfigMap") obj = configMap(raw);
  else if (kind === "Namespace") obj = namespace(raw);
  else throw new ApiError(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (protobuf bodies of kind ${kind || "<unknown>"} are not supported by this test cluster)`);
  return { apiVersion, kind, ...obj };
}
