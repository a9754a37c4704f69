/**
 * The apiserver's REST semantics on top of the store: create/update/patch/delete with
 * defaulting, validation, generateName, resourceVersion preconditions, dry run, strict
 * field validation, field ownership, finalizers and deletion propagation.
 * (K: staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go)
 */
import {
  alreadyExists,
  ApiError,
  badRequest,
  conflict,
  forbidden,
  invalid,
  notFound,
  qualified,
  successStatus,
  unsupportedMediaType,
  type FieldError,
} from "./errors";
import {
  defaultJob,
  defaultPodSpec,
  generateJobSelector,
  validateConfigMap,
  validateJob,
  validateJobUpdate,
  validateNamespace,
  validatePod,
  validatePodUpdate,
} from "./jobs-api";
import { jsonPatch, mergePatch, strategicMergePatch } from "./patch";
import { apiVersionOf, findResource, RESOURCES, type ResourceType } from "./resources";
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from "./selectors";
import { serverSideApply, trackUpdate } from "./ssa";
import type { Store } from "./store";
import { unknownFields } from "./strict";
import { clone, isPlainObject, newUid, randomSuffix, timestamp, type Obj } from "./util";

export type FieldValidation = "Strict" | "Warn" | "Ignore";

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: FieldValidation;
  subresource?: string;
  force?: boolean;
  /** internal: managedFields were already computed (server-side apply) */
  skipTracking?: boolean;
}

export interface WriteResult {
  object: Obj;
  /** 201 on create */
  created: boolean;
  warnings: string[];
}

export interface DeleteOptions {
  propagationPolicy?: string;
  orphanDependents?: boolean;
  dryRun?: boolean;
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface ListOptions {
  labelSelector?: string | null;
  fieldSelector?: string | null;
  limit?: number;
  continue?: string | null;
}

export const R = {
  namespaces: findResource("", "v1", "namespaces") as ResourceType,
  pods: findResource("", "v1", "pods") as ResourceType,
  configmaps: findResource("", "v1", "configmaps") as ResourceType,
  events: findResource("", "v1", "events") as ResourceType,
  jobs: findResource("batch", "v1", "jobs") as ResourceType,
};

export const FOREGROUND_FINALIZER = "foregroundDeletion";
export const ORPHAN_FINALIZER = "orphan";

export interface RegistryHooks {
  /** quota check before a create is stored */
  beforeCreate?(r: ResourceType, namespace: string | undefined, obj: Obj): void;
  /** a pod was asked to go (graceful deletion started) */
  podDeleting?(pod: Obj): void;
  /** objects whose ownerReferences must be removed before an Orphan delete completes */
  orphanDependents?(owner: Obj, r: ResourceType): void;
}

export class Registry {
  readonly hooks: RegistryHooks = {};

  constructor(
    readonly store: Store,
    private readonly minor: () => number,
  ) {}

  get(r: ResourceType, namespace: string | undefined, name: string): Obj {
    const obj = this.store.get(r, namespace, name);
    if (obj === undefined) throw notFound(r.name, r.group, name);
    return obj;
  }

  tryGet(r: ResourceType, namespace: string | undefined, name: string): Obj | undefined {
    return this.store.get(r, namespace, name);
  }

  list(r: ResourceType, namespace: string | undefined, opts: ListOptions = {}): Obj {
    const labels = parseLabelSelector(opts.labelSelector);
    const fields = parseFieldSelector(opts.fieldSelector);
    let rv = this.store.resourceVersion;
    let start = "";
    if (opts.continue) {
      try {
        const token = JSON.parse(Buffer.from(opts.continue, "base64").toString("utf8")) as { rv: string; start: string };
        rv = token.rv;
        start = token.start;
      } catch {
        throw badRequest("continue key is not valid: illegal base64 data at input byte 0");
      }
    }
    const keyOf = (o: Obj): string => `${o.metadata.namespace ?? ""}/${o.metadata.name}`;
    const all = this.store
      .scan(r, namespace)
      .filter((o) => (start === "" || keyOf(o) > start) && matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o))
      .sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
    const items = opts.limit && opts.limit > 0 ? all.slice(0, opts.limit) : all;
    const metadata: Obj = { resourceVersion: rv };
    if (items.length < all.length) {
      const last = items[items.length - 1];
      metadata.continue = Buffer.from(JSON.stringify({ rv, start: last ? keyOf(last) : "" })).toString("base64");
      metadata.remainingItemCount = all.length - items.length;
    }
    return {
      kind: `${r.kind}List`,
      apiVersion: apiVersionOf(r),
      metadata,
      // Items of a typed list carry no apiVersion/kind, as the apiserver encodes them.
      items: items.map((o) => {
        const c = clone(o);
        delete c.apiVersion;
        delete c.kind;
        return c;
      }),
    };
  }

  private checkNamespace(r: ResourceType, namespace: string | undefined): void {
    if (!r.namespaced) return;
    if (!namespace) throw badRequest("the server could not find the requested resource");
    const ns = this.store.get(R.namespaces, undefined, namespace);
    if (!ns) throw notFound("namespaces", "", namespace);
    if (ns.metadata.deletionTimestamp) {
      throw forbidden(`${r.name}${r.group ? `.${r.group}` : ""} "" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, { kind: r.name, group: r.group });
    }
  }

  private strictCheck(r: ResourceType, body: Obj, opts: WriteOptions, warnings: string[]): void {
    const unknown = unknownFields(r.kind, body);
    if (unknown.length === 0) return;
    if (opts.fieldValidation === "Strict") {
      throw badRequest(`strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(", ")}`);
    }
    if (opts.fieldValidation !== "Ignore") for (const f of unknown) warnings.push(`unknown field "${f}"`);
  }

  private validate(r: ResourceType, obj: Obj, old: Obj | undefined): void {
    let errors: FieldError[] = [];
    if (r === R.jobs) errors = old ? validateJobUpdate(obj, old) : validateJob(obj);
    else if (r === R.pods) errors = old ? validatePodUpdate(obj, old) : validatePod(obj);
    else if (r === R.configmaps) errors = validateConfigMap(obj);
    else if (r === R.namespaces) errors = validateNamespace(obj);
    else if (!old && (typeof obj.metadata?.name !== "string" || obj.metadata.name === "")) {
      errors = [{ type: "FieldValueRequired", field: "metadata.name", detail: "Required value: name or generateName is required" }];
    }
    if (errors.length > 0) throw invalid(r.kind, r.group, obj.metadata?.name ?? "", errors);
  }

  private checkKind(r: ResourceType, body: Obj): void {
    if (!isPlainObject(body)) throw badRequest("Object 'Kind' is missing in request body");
    if (body.kind !== undefined && body.kind !== r.kind) {
      throw badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (${apiVersionOf(r)})`);
    }
    if (body.apiVersion !== undefined && body.apiVersion !== apiVersionOf(r)) {
      throw badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (${apiVersionOf(r)})`);
    }
  }

  create(r: ResourceType, namespace: string | undefined, body: Obj, opts: WriteOptions = {}): WriteResult {
    const warnings: string[] = [];
    this.checkKind(r, body);
    this.strictCheck(r, body, opts, warnings);
    const obj = clone(body);
    obj.metadata ??= {};
    const meta = obj.metadata;
    if (r.namespaced) {
      if (meta.namespace !== undefined && meta.namespace !== "" && meta.namespace !== namespace) {
        throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
      }
      meta.namespace = namespace;
    } else delete meta.namespace;
    this.checkNamespace(r, namespace);
    if ((meta.name === undefined || meta.name === "") && typeof meta.generateName === "string" && meta.generateName !== "") {
      const prefix = meta.generateName.length > 58 ? meta.generateName.slice(0, 58) : meta.generateName;
      meta.name = `${prefix}${randomSuffix()}`;
    }
    if (typeof meta.name === "string" && this.store.get(r, namespace, meta.name)) throw alreadyExists(r.name, r.group, meta.name);
    meta.uid = newUid();
    meta.creationTimestamp = timestamp();
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (!opts.skipTracking) delete meta.managedFields;
    delete meta.selfLink;
    this.prepareForCreate(r, obj);
    this.validate(r, obj, undefined);
    this.hooks.beforeCreate?.(r, namespace, obj);
    if (!opts.skipTracking) trackUpdate(obj, undefined, opts.fieldManager ?? defaultManager(), undefined);
    obj.apiVersion = apiVersionOf(r);
    obj.kind = r.kind;
    if (opts.dryRun) return { object: obj, created: true, warnings };
    return { object: this.store.insert(r, obj), created: true, warnings };
  }

  private prepareForCreate(r: ResourceType, obj: Obj): void {
    const minor = this.minor();
    if (r === R.jobs) {
      defaultJob(obj, minor);
      obj.metadata.generation = 1;
      if (typeof obj.metadata.name === "string") generateJobSelector(obj);
      // batch/v1 defaulting copies the template labels onto a Job without labels.
      if (!obj.metadata.labels || Object.keys(obj.metadata.labels).length === 0) {
        if (obj.spec.template?.metadata?.labels) obj.metadata.labels = clone(obj.spec.template.metadata.labels);
      }
      obj.status = {};
    } else if (r === R.pods) {
      obj.spec ??= {};
      defaultPodSpec(obj.spec, "Always");
      obj.spec.enableServiceLinks ??= true;
      obj.spec.priority ??= 0;
      obj.spec.preemptionPolicy ??= "PreemptLowerPriority";
      // Scheduled at once onto the one simulated node.
      obj.spec.nodeName ??= "fake-node";
      obj.status = { phase: "Pending", conditions: [{ type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: obj.metadata.creationTimestamp }], qosClass: "BestEffort" };
    } else if (r === R.namespaces) {
      obj.metadata.labels = { ...(obj.metadata.labels ?? {}), "kubernetes.io/metadata.name": obj.metadata.name };
      obj.spec = { finalizers: ["kubernetes"] };
      obj.status = { phase: "Active" };
    }
  }

  update(r: ResourceType, namespace: string | undefined, name: string, body: Obj, opts: WriteOptions = {}): WriteResult {
    const warnings: string[] = [];
    this.checkKind(r, body);
    this.strictCheck(r, body, opts, warnings);
    const old = this.store.get(r, namespace, name);
    if (!old) throw notFound(r.name, r.group, name);
    const obj = clone(body);
    obj.metadata ??= {};
    if (obj.metadata.name !== undefined && obj.metadata.name !== name) {
      throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    }
    if (obj.metadata.resourceVersion !== undefined && obj.metadata.resourceVersion !== "" && obj.metadata.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(r.name, r.group, name, "the object has been modified; please apply your changes to the latest version and try again");
    }
    return this.persistUpdate(r, old, obj, opts, warnings);
  }

  /** Applies the strategy (what a write may change) and stores the result. */
  private persistUpdate(r: ResourceType, old: Obj, obj: Obj, opts: WriteOptions, warnings: string[]): WriteResult {
    const status = opts.subresource === "status";
    const meta = obj.metadata;
    // Fields the client cannot change.
    meta.name = old.metadata.name;
    if (r.namespaced) meta.namespace = old.metadata.namespace;
    meta.uid = old.metadata.uid;
    meta.creationTimestamp = old.metadata.creationTimestamp;
    if (old.metadata.deletionTimestamp) {
      meta.deletionTimestamp = old.metadata.deletionTimestamp;
      if (old.metadata.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
    } else {
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
    }
    if (old.metadata.generation !== undefined) meta.generation = old.metadata.generation;
    if (!opts.skipTracking) meta.managedFields = old.metadata.managedFields;
    if (status) {
      // The status subresource changes status only (and metadata in limited ways).
      obj.spec = clone(old.spec);
      obj.metadata = { ...clone(old.metadata), ...pick(meta, ["labels", "annotations", "finalizers", "ownerReferences", "managedFields"]) };
    } else if (r === R.jobs || r === R.pods || r === R.namespaces) {
      obj.status = clone(old.status);
    }
    if (r === R.jobs && !status) {
      defaultJob(obj, this.minor());
      if (JSON.stringify(obj.spec) !== JSON.stringify(old.spec)) meta.generation = (old.metadata.generation ?? 1) + 1;
    }
    if (r === R.pods && !status) defaultPodSpec(obj.spec ?? {}, "Always");
    if (r === R.namespaces && !status) obj.spec = clone(old.spec);
    if (old.metadata.deletionTimestamp) {
      const added = ((obj.metadata.finalizers ?? []) as string[]).filter((f) => !((old.metadata.finalizers ?? []) as string[]).includes(f));
      if (added.length > 0) {
        throw forbidden(`${qualified(r.name, r.group)} "${old.metadata.name}" is forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`);
      }
    }
    if (!status) this.validate(r, obj, old);
    if (!opts.skipTracking) trackUpdate(obj, old, opts.fieldManager ?? defaultManager(), opts.subresource);
    obj.apiVersion = apiVersionOf(r);
    obj.kind = r.kind;
    if (opts.dryRun) return { object: obj, created: false, warnings };
    if (JSON.stringify(stripVolatile(obj)) === JSON.stringify(stripVolatile(old))) {
      // A no-op write keeps the resourceVersion and sends no watch event.
      return { object: old, created: false, warnings };
    }
    if (obj.metadata.deletionTimestamp && (obj.metadata.finalizers ?? []).length === 0) {
      delete obj.metadata.finalizers;
      this.store.replace(r, obj);
      const gone = this.store.remove(r, obj.metadata.namespace, obj.metadata.name);
      return { object: gone, created: false, warnings };
    }
    if (Array.isArray(obj.metadata.finalizers) && obj.metadata.finalizers.length === 0) delete obj.metadata.finalizers;
    return { object: this.store.replace(r, obj), created: false, warnings };
  }

  patch(r: ResourceType, namespace: string | undefined, name: string, contentType: string, body: Obj, opts: WriteOptions = {}): WriteResult {
    const type = contentType.split(";")[0]?.trim() ?? "";
    const old = this.store.get(r, namespace, name);
    if (type === "application/apply-patch+yaml") {
      if (!opts.fieldManager) throw badRequest("PATCH, application/apply-patch+yaml requires fieldManager to be set");
      if (!isPlainObject(body)) throw badRequest("error decoding YAML: the patch must be an object");
      this.checkKind(r, body);
      if (body.apiVersion === undefined || body.kind === undefined) throw badRequest(`invalid object type: /, Kind=`);
      if (old === undefined) {
        const created = serverSideApply(undefined, body, opts.fieldManager, true, apiVersionOf(r));
        created.metadata.name ??= name;
        const warnings: string[] = [];
        this.strictCheck(r, body, opts, warnings);
        const res = this.create(r, namespace, created, { ...opts, fieldValidation: "Ignore", skipTracking: true });
        return { object: res.object, created: true, warnings };
      }
      const warnings: string[] = [];
      this.strictCheck(r, body, opts, warnings);
      const merged = serverSideApply(old, body, opts.fieldManager, opts.force === true, apiVersionOf(r));
      return this.persistUpdate(r, old, merged, { ...opts, skipTracking: true }, warnings);
    }
    if (old === undefined) throw notFound(r.name, r.group, name);
    let patched: Obj = undefined;
    if (type === "application/merge-patch+json") patched = mergePatch(old, body);
    else if (type === "application/strategic-merge-patch+json") patched = strategicMergePatch(old, body);
    else if (type === "application/json-patch+json") patched = jsonPatch(old, body);
    else throw unsupportedMediaType(type);
    if (!isPlainObject(patched)) throw badRequest("patch produced a non-object");
    const warnings: string[] = [];
    if (opts.fieldValidation === "Strict" || opts.fieldValidation === "Warn" || opts.fieldValidation === undefined) {
      this.strictCheck(r, patched, opts, warnings);
    }
    const patchedRv: unknown = (patched as Obj).metadata?.resourceVersion;
    if (patchedRv !== undefined && patchedRv !== old.metadata.resourceVersion) {
      throw conflict(r.name, r.group, name, "the object has been modified; please apply your changes to the latest version and try again");
    }
    return this.persistUpdate(r, old, patched, opts, warnings);
  }

  /**
   * DELETE. Returns the object while finalizers (or graceful pod termination) hold it,
   * otherwise a Success Status.
   */
  delete(r: ResourceType, namespace: string | undefined, name: string, opts: DeleteOptions = {}): Obj {
    const obj = this.store.get(r, namespace, name);
    if (!obj) throw notFound(r.name, r.group, name);
    if (opts.preconditions?.uid && opts.preconditions.uid !== obj.metadata.uid) {
      throw conflict(r.name, r.group, name, `Precondition failed: UID in precondition: ${opts.preconditions.uid}, UID in object meta: ${obj.metadata.uid}`);
    }
    if (opts.preconditions?.resourceVersion && opts.preconditions.resourceVersion !== obj.metadata.resourceVersion) {
      throw conflict(r.name, r.group, name, `Precondition failed: ResourceVersion in precondition: ${opts.preconditions.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`);
    }
    let policy = opts.propagationPolicy;
    if (policy !== undefined && !["Orphan", "Background", "Foreground"].includes(policy)) {
      throw invalid("DeleteOptions", "", "", [{ type: "FieldValueNotSupported", field: "propagationPolicy", detail: `Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan", "nil"` }]);
    }
    if (policy === undefined && opts.orphanDependents !== undefined) policy = opts.orphanDependents ? "Orphan" : "Background";
    // batch/v1 Jobs orphan their pods when no policy is given (pkg/registry/batch/job/strategy.go DefaultGarbageCollectionPolicy).
    if (policy === undefined) policy = r === R.jobs ? "Orphan" : "Background";
    if (opts.dryRun) {
      return obj.metadata.finalizers?.length || r === R.pods ? obj : successStatus(name, r.group, r.name, obj.metadata.uid);
    }
    if (r === R.namespaces) return this.deleteNamespace(obj);
    const alreadyDeleting = obj.metadata.deletionTimestamp !== undefined;
    if (policy === "Orphan") {
      this.hooks.orphanDependents?.(obj, r);
      const fresh = this.store.get(r, namespace, name);
      if (fresh) Object.assign(obj, fresh);
    }
    const finalizers: string[] = [...((obj.metadata.finalizers ?? []) as string[])];
    if (policy === "Foreground" && !finalizers.includes(FOREGROUND_FINALIZER) && !alreadyDeleting) finalizers.push(FOREGROUND_FINALIZER);
    const graceful = r === R.pods && opts.gracePeriodSeconds !== 0 && obj.spec?.nodeName !== undefined && !isTerminalPod(obj);
    if (finalizers.length > 0 || graceful) {
      if (alreadyDeleting) {
        if (r === R.pods && opts.gracePeriodSeconds === 0) this.hooks.podDeleting?.(obj);
        return obj;
      }
      const next = clone(obj);
      next.metadata.deletionTimestamp = timestamp();
      next.metadata.deletionGracePeriodSeconds = r === R.pods ? (opts.gracePeriodSeconds ?? obj.spec?.terminationGracePeriodSeconds ?? 30) : 0;
      if (finalizers.length > 0) next.metadata.finalizers = finalizers;
      const stored = this.store.replace(r, next);
      if (r === R.pods) this.hooks.podDeleting?.(stored);
      return stored;
    }
    const gone = this.store.remove(r, namespace, name);
    return successStatus(name, r.group, r.name, gone?.metadata.uid ?? obj.metadata.uid);
  }

  /** Called when a graceful pod deletion has finished on the node. */
  finishPodDeletion(pod: Obj): void {
    const cur = this.store.get(R.pods, pod.metadata.namespace, pod.metadata.name);
    if (!cur || cur.metadata.uid !== pod.metadata.uid) return;
    if ((cur.metadata.finalizers ?? []).length > 0) return;
    this.store.remove(R.pods, cur.metadata.namespace, cur.metadata.name);
  }

  private deleteNamespace(ns: Obj): Obj {
    const name = ns.metadata.name as string;
    let current = ns;
    if (!ns.metadata.deletionTimestamp) {
      const next = clone(ns);
      next.metadata.deletionTimestamp = timestamp();
      next.metadata.deletionGracePeriodSeconds = 0;
      next.status = { phase: "Terminating" };
      current = this.store.replace(R.namespaces, next);
    }
    for (const r of RESOURCES) {
      if (!r.namespaced) continue;
      for (const o of this.store.list(r, name)) {
        try {
          this.delete(r, name, o.metadata.name, { propagationPolicy: "Background", gracePeriodSeconds: 0 });
        } catch (e) {
          if (!(e instanceof ApiError) || e.code !== 404) throw e;
        }
      }
    }
    this.finishNamespace(name);
    return current;
  }

  /** Removes a terminating namespace once nothing is left in it. */
  finishNamespace(name: string): boolean {
    const ns = this.store.get(R.namespaces, undefined, name);
    if (!ns?.metadata.deletionTimestamp) return false;
    for (const r of RESOURCES) if (r.namespaced && this.store.scan(r, name).length > 0) return false;
    this.store.remove(R.namespaces, undefined, name);
    return true;
  }

  /** For the controllers: read-modify-write without preconditions; undefined when gone. */
  mutate(r: ResourceType, namespace: string | undefined, name: string, fn: (obj: Obj) => void, opts: WriteOptions = {}): Obj | undefined {
    const old = this.store.get(r, namespace, name);
    if (!old) return undefined;
    const next = clone(old);
    fn(next);
    return this.persistUpdate(r, old, next, { fieldManager: "kube-controller-manager", ...opts }, []).object;
  }
}

function defaultManager(): string {
  return "unknown";
}

function pick(obj: Obj, keys: string[]): Obj {
  const out: Obj = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

function stripVolatile(obj: Obj): Obj {
  const c = clone(obj);
  delete c.metadata.resourceVersion;
  delete c.metadata.managedFields;
  return c;
}

export function isTerminalPod(pod: Obj): boolean {
  return pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
}
