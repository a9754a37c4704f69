/**
 * Field ownership (metadata.managedFields) and server-side apply, reduced to what a client
 * of built-in types sees: per-manager field sets in FieldsV1 form, 409 conflicts when an
 * apply changes a field another manager owns (unless force=true), and removal of fields a
 * manager applied before and no longer applies.
 * (K: staging/src/k8s.io/apimachinery/pkg/util/managedfields, sigs.k8s.io/structured-merge-diff)
 */
import { ApiError } from "./errors";
import { MERGE_KEYS } from "./patch";
import { clone, isPlainObject, timestamp, type Obj } from "./util";

type Path = string[];

const META_TRACKED = new Set(["labels", "annotations", "ownerReferences", "finalizers"]);

function keySegment(item: Obj, key: string): string {
  return `k:${JSON.stringify({ [key]: item[key] })}`;
}

/** Every field path an object sets (leaves, plus a "." node per keyed list item). */
export function fieldPaths(obj: Obj, includeStatus: boolean): Path[] {
  const out: Path[] = [];
  const walk = (value: Obj, prefix: Path, depth: number): void => {
    for (const [k, v] of Object.entries(value as Record<string, Obj>)) {
      if (depth === 0 && (k === "apiVersion" || k === "kind")) continue;
      if (depth === 0 && k === "status" && !includeStatus) continue;
      if (depth === 1 && prefix[0] === "f:metadata" && !META_TRACKED.has(k)) continue;
      if (v === null || v === undefined) continue;
      const seg = `f:${k}`;
      const mergeKey = MERGE_KEYS[k];
      if (isPlainObject(v) && Object.keys(v).length > 0) {
        walk(v, [...prefix, seg], depth + 1);
      } else if (Array.isArray(v) && mergeKey !== undefined && v.every((i) => isPlainObject(i) && i[mergeKey] !== undefined)) {
        for (const item of v) {
          const itemPath = [...prefix, seg, keySegment(item, mergeKey)];
          out.push([...itemPath, "."]);
          walk(item, itemPath, depth + 2);
        }
      } else if (Array.isArray(v) && k === "finalizers") {
        for (const item of v) out.push([...prefix, seg, `v:${JSON.stringify(item)}`]);
      } else {
        out.push([...prefix, seg]);
      }
    }
  };
  if (isPlainObject(obj)) walk(obj, [], 0);
  return out;
}

function findItem(list: Obj, seg: string): Obj {
  if (!Array.isArray(list)) return undefined;
  const wanted = JSON.parse(seg.slice(2)) as Record<string, unknown>;
  const [[k, v] = ["", undefined]] = Object.entries(wanted);
  return list.find((i) => isPlainObject(i) && i[k] === v);
}

function valueAt(obj: Obj, path: Path): unknown {
  let cur: Obj = obj;
  for (const seg of path) {
    if (cur === undefined || cur === null) return undefined;
    if (seg === ".") return cur === undefined ? undefined : true;
    if (seg.startsWith("f:")) cur = cur[seg.slice(2)];
    else if (seg.startsWith("k:")) cur = findItem(cur, seg);
    else if (seg.startsWith("v:")) return Array.isArray(cur) && cur.includes(JSON.parse(seg.slice(2))) ? true : undefined;
  }
  return cur;
}

function removeAt(obj: Obj, path: Path): void {
  let cur: Obj = obj;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i] ?? "";
    if (cur === undefined || cur === null) return;
    if (seg.startsWith("f:")) cur = cur[seg.slice(2)];
    else if (seg.startsWith("k:")) {
      const next = path[i + 1];
      if (next === ".") {
        const item = findItem(cur, seg);
        const idx = Array.isArray(cur) ? cur.indexOf(item) : -1;
        if (idx >= 0) cur.splice(idx, 1);
        return;
      }
      cur = findItem(cur, seg);
    }
  }
  const last = path[path.length - 1] ?? "";
  if (cur === undefined || cur === null) return;
  if (last.startsWith("f:")) delete cur[last.slice(2)];
  else if (last.startsWith("v:") && Array.isArray(cur)) {
    const v = JSON.parse(last.slice(2));
    const idx = cur.indexOf(v);
    if (idx >= 0) cur.splice(idx, 1);
  }
}

/** Human form used in conflict messages: .spec.template.spec.containers[name="c"].image */
export function pathString(path: Path): string {
  let s = "";
  for (const seg of path) {
    if (seg === ".") continue;
    if (seg.startsWith("f:")) s += `.${seg.slice(2)}`;
    else if (seg.startsWith("k:")) {
      const o = JSON.parse(seg.slice(2)) as Record<string, unknown>;
      s += `[${Object.entries(o).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",")}]`;
    } else if (seg.startsWith("v:")) s += `[${seg.slice(2)}]`;
  }
  return s;
}

function toFieldsV1(paths: Path[]): Obj {
  const root: Obj = {};
  for (const p of paths) {
    let cur = root;
    for (const seg of p) cur = cur[seg] ??= {};
  }
  return root;
}

function fromFieldsV1(tree: Obj): Path[] {
  const out: Path[] = [];
  const walk = (node: Obj, prefix: Path): void => {
    const entries = Object.entries((node ?? {}) as Record<string, Obj>);
    for (const [seg, child] of entries) {
      const p = [...prefix, seg];
      if (!isPlainObject(child) || Object.keys(child).length === 0) out.push(p);
      else walk(child, p);
    }
  };
  walk(tree, []);
  return out;
}

interface Entry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  time: string;
  subresource?: string;
  paths: Path[];
}

function readEntries(obj: Obj): Entry[] {
  return ((obj?.metadata?.managedFields ?? []) as Obj[]).map((m) => ({
    manager: m.manager,
    operation: m.operation,
    apiVersion: m.apiVersion,
    time: m.time,
    subresource: m.subresource,
    paths: fromFieldsV1(m.fieldsV1),
  }));
}

function writeEntries(obj: Obj, entries: Entry[]): void {
  const kept = entries.filter((e) => e.paths.length > 0);
  obj.metadata.managedFields = kept.map((e) => {
    const m: Obj = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion, time: e.time, fieldsType: "FieldsV1", fieldsV1: toFieldsV1(e.paths) };
    if (e.subresource) m.subresource = e.subresource;
    return m;
  });
  if (obj.metadata.managedFields.length === 0) delete obj.metadata.managedFields;
}

const key = (p: Path): string => p.join("\u0000");

/**
 * Records that `manager` wrote `updated` (operation Update): it owns every field it set or
 * changed relative to `old` (all fields on create); other managers lose those fields.
 */
export function trackUpdate(updated: Obj, old: Obj | undefined, manager: string, subresource: string | undefined): void {
  const isStatus = subresource === "status";
  const entries = readEntries(old ?? updated);
  const now = fieldPaths(updated, isStatus).filter((p) => !isStatus || p[0] === "f:status");
  const changed = now.filter((p) => old === undefined || JSON.stringify(valueAt(old, p)) !== JSON.stringify(valueAt(updated, p)));
  const nowKeys = new Set(now.map(key));
  const changedKeys = new Set(changed.map(key));
  for (const e of entries) e.paths = e.paths.filter((p) => nowKeys.has(key(p)) || !p[0] || (p[0] === "f:status") !== isStatus).filter((p) => !(changedKeys.has(key(p)) && e.manager !== manager));
  let mine = entries.find((e) => e.manager === manager && e.operation === "Update" && (e.subresource ?? "") === (subresource ?? ""));
  if (!mine) {
    mine = { manager, operation: "Update", apiVersion: updated.apiVersion, time: timestamp(), subresource, paths: [] };
    entries.push(mine);
  }
  const have = new Set(mine.paths.map(key));
  for (const p of changed) if (!have.has(key(p))) mine.paths.push(p);
  mine.time = timestamp();
  writeEntries(updated, entries);
}

function applyMerge(target: Obj, applied: Obj): Obj {
  if (!isPlainObject(applied)) return clone(applied);
  const out: Obj = isPlainObject(target) ? target : {};
  for (const [k, v] of Object.entries(applied)) {
    const mergeKey = MERGE_KEYS[k];
    if (Array.isArray(v) && mergeKey !== undefined && Array.isArray(out[k])) {
      const list = out[k] as Obj[];
      for (const item of v) {
        const idx = list.findIndex((i) => isPlainObject(i) && isPlainObject(item) && i[mergeKey] === item[mergeKey]);
        if (idx >= 0) list[idx] = applyMerge(list[idx], item);
        else list.push(clone(item));
      }
    } else if (Array.isArray(v) && k === "finalizers" && Array.isArray(out[k])) {
      for (const f of v) if (!out[k].includes(f)) out[k].push(f);
    } else if (isPlainObject(v)) {
      out[k] = applyMerge(out[k], v);
    } else {
      out[k] = clone(v);
    }
  }
  return out;
}

/**
 * Server-side apply of `applied` onto `existing` (undefined when creating).
 * Returns the merged object with managedFields updated; throws 409 on conflicts unless force.
 */
export function serverSideApply(existing: Obj | undefined, applied: Obj, manager: string, force: boolean, apiVersion: string): Obj {
  const appliedPaths = fieldPaths(applied, false);
  const entries = existing ? readEntries(existing) : [];
  if (existing) {
    const conflicts = new Map<string, Path[]>();
    for (const e of entries) {
      if (e.manager === manager && e.operation === "Apply") continue;
      const owned = new Set(e.paths.map(key));
      for (const p of appliedPaths) {
        if (p[p.length - 1] === "." || !owned.has(key(p))) continue;
        if (JSON.stringify(valueAt(existing, p)) === JSON.stringify(valueAt(applied, p))) continue;
        const list = conflicts.get(e.manager) ?? [];
        list.push(p);
        conflicts.set(e.manager, list);
      }
    }
    if (conflicts.size > 0 && !force) {
      const causes: { reason: string; message: string; field: string }[] = [];
      const parts: string[] = [];
      let count = 0;
      for (const [m, paths] of conflicts) {
        count += paths.length;
        for (const p of paths) causes.push({ reason: "FieldManagerConflict", message: `conflict with "${m}" using ${apiVersion}`, field: pathString(p) });
        parts.push(paths.length === 1 ? `conflict with "${m}" using ${apiVersion}: ${pathString(paths[0] ?? [])}` : `conflicts with "${m}" using ${apiVersion}:\n${paths.map((p) => `- ${pathString(p)}`).join("\n")}`);
      }
      throw new ApiError(409, "Conflict", `Apply failed with ${count} conflict${count === 1 ? "" : "s"}: ${parts.join("\n")}`, { causes });
    }
  }
  const appliedKeys = new Set(appliedPaths.map(key));
  let result: Obj = existing ? clone(existing) : {};
  const mineBefore = entries.find((e) => e.manager === manager && e.operation === "Apply" && !e.subresource);
  if (mineBefore) {
    const ownedByOthers = new Set(entries.filter((e) => e !== mineBefore).flatMap((e) => e.paths.map(key)));
    const dropped = mineBefore.paths.filter((p) => !appliedKeys.has(key(p)) && !ownedByOthers.has(key(p)));
    // Remove deeper paths first so list items go before their parents are inspected.
    dropped.sort((a, b) => b.length - a.length);
    for (const p of dropped) removeAt(result, p);
  }
  result = applyMerge(result, applied);
  for (const e of entries) if (!(e.manager === manager && e.operation === "Apply")) e.paths = e.paths.filter((p) => !appliedKeys.has(key(p)));
  const mine: Entry = mineBefore ?? { manager, operation: "Apply", apiVersion, time: timestamp(), paths: [] };
  mine.paths = appliedPaths;
  mine.time = timestamp();
  if (!mineBefore) entries.push(mine);
  result.metadata ??= {};
  writeEntries(result, entries);
  return result;
}
