/**
 * The three client patch formats:
 * - JSON merge patch (RFC 7386),
 * - JSON patch (RFC 6902),
 * - strategic merge patch (K: staging/src/k8s.io/apimachinery/pkg/util/strategicpatch/patch.go),
 *   with the list merge keys of the Go types for the kinds this server holds.
 */
import { badRequest, ApiError } from "./errors";
import { clone, isPlainObject, type Obj } from "./util";

export function mergePatch(target: Obj, patch: Obj): Obj {
  if (!isPlainObject(patch)) return clone(patch);
  const out: Obj = isPlainObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function unescapePointer(seg: string): string {
  return seg.replace(/~1/g, "/").replace(/~0/g, "~");
}

function parsePointer(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/")) throw badRequest(`the server rejected our request due to an error in our request`);
  return path.slice(1).split("/").map(unescapePointer);
}

function jsonPatchFail(message: string): ApiError {
  return new ApiError(422, "Invalid", message);
}

export function jsonPatch(target: Obj, ops: Obj): Obj {
  if (!Array.isArray(ops)) throw badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  let doc: Obj = clone(target);
  const resolve = (segs: string[]): { parent: Obj; key: string } => {
    let cur = doc;
    for (const s of segs.slice(0, -1)) {
      cur = Array.isArray(cur) ? cur[Number(s)] : cur?.[s];
      if (cur === undefined || cur === null) throw jsonPatchFail(`jsonpatch: doc is missing path: "/${segs.join("/")}": missing value`);
    }
    return { parent: cur, key: segs[segs.length - 1] ?? "" };
  };
  const getAt = (segs: string[]): unknown => {
    let cur = doc;
    for (const s of segs) {
      if (cur === undefined || cur === null) return undefined;
      cur = Array.isArray(cur) ? cur[Number(s)] : cur[s];
    }
    return cur;
  };
  const removeAt = (segs: string[]): unknown => {
    const { parent, key } = resolve(segs);
    if (Array.isArray(parent)) {
      const i = Number(key);
      if (!(i >= 0 && i < parent.length)) throw jsonPatchFail(`jsonpatch remove operation does not apply: doc is missing path: "/${segs.join("/")}"`);
      return parent.splice(i, 1)[0];
    }
    if (!isPlainObject(parent) || !(key in parent)) throw jsonPatchFail(`jsonpatch remove operation does not apply: doc is missing path: "/${segs.join("/")}"`);
    const v = parent[key];
    delete parent[key];
    return v;
  };
  const addAt = (segs: string[], value: unknown, replace: boolean): void => {
    if (segs.length === 0) {
      doc = clone(value);
      return;
    }
    const { parent, key } = resolve(segs);
    if (Array.isArray(parent)) {
      const i = key === "-" ? parent.length : Number(key);
      if (!(i >= 0 && i <= parent.length)) throw jsonPatchFail(`jsonpatch add operation does not apply: doc is missing path: "/${segs.join("/")}"`);
      if (replace) parent[i] = clone(value);
      else parent.splice(i, 0, clone(value));
    } else if (isPlainObject(parent)) {
      if (replace && !(key in parent)) throw jsonPatchFail(`jsonpatch replace operation does not apply: doc is missing key: /${segs.join("/")}: missing value`);
      parent[key] = clone(value);
    } else throw jsonPatchFail(`jsonpatch add operation does not apply: doc is missing path: "/${segs.join("/")}"`);
  };
  for (const op of ops as Obj[]) {
    const path = parsePointer(String(op.path ?? ""));
    switch (op.op) {
      case "add":
        addAt(path, op.value, false);
        break;
      case "replace":
        addAt(path, op.value, true);
        break;
      case "remove":
        removeAt(path);
        break;
      case "move": {
        const v = removeAt(parsePointer(String(op.from)));
        addAt(path, v, false);
        break;
      }
      case "copy":
        addAt(path, getAt(parsePointer(String(op.from))), false);
        break;
      case "test":
        if (JSON.stringify(getAt(path)) !== JSON.stringify(op.value)) throw jsonPatchFail(`testing value /${path.join("/")} failed: test failed`);
        break;
      default:
        throw badRequest(`Unexpected kind: ${String(op.op)}`);
    }
  }
  return doc;
}

/** patchMergeKey of list fields in the core/batch Go types, by field name. */
export const MERGE_KEYS: Record<string, string> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  env: "name",
  volumes: "name",
  volumeMounts: "mountPath",
  volumeDevices: "devicePath",
  ports: "containerPort",
  imagePullSecrets: "name",
  ownerReferences: "uid",
  conditions: "type",
  hostAliases: "ip",
  topologySpreadConstraints: "topologyKey",
  resourceClaims: "name",
  containerStatuses: "name",
  initContainerStatuses: "name",
};

/** Primitive lists with patchStrategy "merge" (set semantics). */
const MERGED_PRIMITIVE_LISTS = new Set(["finalizers"]);

function applyOrder(list: Obj[], order: Obj[] | undefined, mergeKey: string | undefined): Obj[] {
  if (!order) return list;
  const keyOf = (v: Obj): string => JSON.stringify(mergeKey && isPlainObject(v) ? v[mergeKey] : v);
  const rank = new Map(order.map((o, i) => [keyOf(o), i]));
  const ordered = list.filter((v) => rank.has(keyOf(v))).sort((a, b) => (rank.get(keyOf(a)) ?? 0) - (rank.get(keyOf(b)) ?? 0));
  const rest = list.filter((v) => !rank.has(keyOf(v)));
  return [...ordered, ...rest];
}

function mergeList(field: string, original: Obj, patch: Obj[]): Obj[] {
  if (patch.some((p) => isPlainObject(p) && p.$patch === "replace")) {
    return patch.filter((p) => !(isPlainObject(p) && p.$patch === "replace"));
  }
  const mergeKey = MERGE_KEYS[field];
  const base: Obj[] = Array.isArray(original) ? clone(original) : [];
  if (mergeKey === undefined) {
    if (MERGED_PRIMITIVE_LISTS.has(field)) {
      const out = [...base];
      for (const p of patch) if (!out.includes(p)) out.push(p);
      return out;
    }
    return clone(patch);
  }
  let out = base;
  for (const p of patch) {
    if (!isPlainObject(p)) continue;
    const k = p[mergeKey];
    const idx = out.findIndex((o) => isPlainObject(o) && o[mergeKey] === k);
    if (p.$patch === "delete") {
      if (idx >= 0) out = out.filter((_, i) => i !== idx);
      continue;
    }
    if (idx >= 0) out[idx] = strategicMergePatch(out[idx], p);
    else out.push(strategicMergePatch({}, p));
  }
  return out;
}

export function strategicMergePatch(original: Obj, patch: Obj): Obj {
  if (!isPlainObject(patch)) return clone(patch);
  if (patch.$patch === "delete") return undefined;
  if (patch.$patch === "replace") {
    const out = clone(patch);
    delete out.$patch;
    return out;
  }
  const out: Obj = isPlainObject(original) ? clone(original) : {};
  const orders: Record<string, Obj[]> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === "$patch") continue;
    if (k === "$retainKeys") {
      if (Array.isArray(v)) for (const key of Object.keys(out)) if (!v.includes(key) && !(key in patch)) delete out[key];
      continue;
    }
    if (k.startsWith("$setElementOrder/")) {
      if (Array.isArray(v)) orders[k.slice("$setElementOrder/".length)] = v;
      continue;
    }
    if (k.startsWith("$deleteFromPrimitiveList/")) {
      const field = k.slice("$deleteFromPrimitiveList/".length);
      if (Array.isArray(out[field]) && Array.isArray(v)) out[field] = (out[field] as Obj[]).filter((x) => !v.includes(x));
      continue;
    }
    if (k.startsWith("$")) continue;
    if (v === null) {
      delete out[k];
    } else if (Array.isArray(v)) {
      out[k] = mergeList(k, out[k], v);
    } else if (isPlainObject(v)) {
      const merged = strategicMergePatch(out[k], v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else {
      out[k] = v;
    }
  }
  for (const [field, order] of Object.entries(orders)) {
    if (Array.isArray(out[field])) out[field] = applyOrder(out[field], order, MERGE_KEYS[field]);
  }
  return out;
}
