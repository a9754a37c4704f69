/**
 * Garbage collection by ownerReferences (K: pkg/controller/garbagecollector):
 * - when an owner is gone, each dependent loses that reference; a dependent left with no
 *   live owner is deleted (Background);
 * - Foreground: the owner keeps a deletionTimestamp and the foregroundDeletion finalizer
 *   until its blocking dependents (blockOwnerDeletion) are gone;
 * - Orphan: dependents lose their references to the owner before the owner goes;
 * - a new object whose owners are all absent is deleted.
 */
import type { Clock } from "./clock";
import { ApiError } from "./errors";
import { FOREGROUND_FINALIZER, type Registry } from "./registry";
import type { ResourceType } from "./resources";
import type { StoreEvent } from "./store";
import type { Obj } from "./util";

interface Ref {
  resource: ResourceType;
  namespace: string | undefined;
  name: string;
}

export class GarbageCollector {
  /** uid → where the object lives, for owner lookups */
  private readonly byUid = new Map<string, Ref>();
  /** owner uid → dependents referring to it, kept from events */
  private readonly dependents = new Map<string, Map<string, Ref>>();
  private readonly pendingOwners = new Set<string>();
  /** owners in foreground deletion, waiting for their dependents */
  private readonly foreground = new Set<string>();
  private scheduled = false;

  constructor(
    private readonly registry: Registry,
    private readonly clock: Clock,
  ) {
    registry.hooks.orphanDependents = (owner) => this.orphan(owner);
  }

  private index(e: StoreEvent): void {
    const key = `${e.resource.group}/${e.resource.name}/${e.object.metadata.namespace ?? ""}/${e.object.metadata.name}`;
    const ref: Ref = { resource: e.resource, namespace: e.object.metadata.namespace, name: e.object.metadata.name };
    for (const o of (e.previous?.metadata.ownerReferences ?? []) as Obj[]) this.dependents.get(o.uid)?.delete(key);
    if (e.type === "DELETED") return;
    for (const o of (e.object.metadata.ownerReferences ?? []) as Obj[]) {
      let m = this.dependents.get(o.uid);
      if (!m) this.dependents.set(o.uid, (m = new Map()));
      m.set(key, ref);
    }
  }

  onEvent(e: StoreEvent): void {
    this.index(e);
    const meta = e.object.metadata;
    if (e.type === "DELETED") {
      this.byUid.delete(meta.uid);
      this.foreground.delete(meta.uid);
      this.pendingOwners.add(meta.uid);
    } else {
      this.byUid.set(meta.uid, { resource: e.resource, namespace: meta.namespace, name: meta.name });
      if (meta.deletionTimestamp && (meta.finalizers ?? []).includes(FOREGROUND_FINALIZER)) {
        this.foreground.add(meta.uid);
        this.pendingOwners.add(meta.uid);
      } else this.foreground.delete(meta.uid);
      if (e.type === "ADDED" && (meta.ownerReferences ?? []).length > 0) this.pendingOwners.add(`dependent:${meta.uid}`);
    }
    // A dependent changing or going may unblock an owner in foreground deletion.
    for (const ref of (meta.ownerReferences ?? []) as Obj[]) {
      if (this.foreground.has(ref.uid)) this.pendingOwners.add(ref.uid);
    }
    if (this.pendingOwners.size > 0) this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.clock.afterReal(0, () => {
      this.scheduled = false;
      const work = [...this.pendingOwners];
      this.pendingOwners.clear();
      for (const uid of work) {
        try {
          if (uid.startsWith("dependent:")) this.checkNewDependent(uid.slice("dependent:".length));
          else this.process(uid);
        } catch (e) {
          if (!(e instanceof ApiError)) throw e;
        }
      }
    });
  }

  private dependentsOf(uid: string): { resource: ResourceType; object: Obj }[] {
    const out: { resource: ResourceType; object: Obj }[] = [];
    for (const ref of this.dependents.get(uid)?.values() ?? []) {
      const o = this.registry.tryGet(ref.resource, ref.namespace, ref.name);
      if (o && ((o.metadata.ownerReferences ?? []) as Obj[]).some((r) => r.uid === uid)) out.push({ resource: ref.resource, object: o });
    }
    return out;
  }

  private process(uid: string): void {
    const ref = this.byUid.get(uid);
    if (!ref) {
      // The owner is gone: its dependents lose the reference or go.
      for (const { resource, object } of this.dependentsOf(uid)) this.ownerGone(resource, object, uid);
      if (!this.dependents.get(uid)?.size) this.dependents.delete(uid);
      return;
    }
    const owner = this.registry.tryGet(ref.resource, ref.namespace, ref.name);
    if (!owner || owner.metadata.uid !== uid) return;
    if (!owner.metadata.deletionTimestamp || !(owner.metadata.finalizers ?? []).includes(FOREGROUND_FINALIZER)) return;
    const deps = this.dependentsOf(uid);
    let blocking = 0;
    for (const { resource, object } of deps) {
      const myRef = ((object.metadata.ownerReferences ?? []) as Obj[]).find((r) => r.uid === uid);
      if (myRef?.blockOwnerDeletion) blocking += 1;
      if (!object.metadata.deletionTimestamp) {
        this.registry.delete(resource, object.metadata.namespace, object.metadata.name, { propagationPolicy: myRef?.blockOwnerDeletion ? "Foreground" : "Background" });
      }
    }
    if (blocking === 0) {
      this.registry.mutate(ref.resource, ref.namespace, ref.name, (o) => {
        o.metadata.finalizers = ((o.metadata.finalizers ?? []) as string[]).filter((f) => f !== FOREGROUND_FINALIZER);
      }, { fieldManager: "kube-controller-manager" });
    }
  }

  private liveOwner(uid: string): boolean {
    const ref = this.byUid.get(uid);
    if (!ref) return false;
    const o = this.registry.tryGet(ref.resource, ref.namespace, ref.name);
    return o !== undefined && o.metadata.uid === uid;
  }

  private ownerGone(resource: ResourceType, object: Obj, uid: string): void {
    const refs = (object.metadata.ownerReferences ?? []) as Obj[];
    const others = refs.filter((r) => r.uid !== uid);
    if (others.some((r) => this.liveOwner(r.uid))) {
      this.registry.mutate(resource, object.metadata.namespace, object.metadata.name, (o) => {
        o.metadata.ownerReferences = others;
      }, { fieldManager: "kube-controller-manager" });
      return;
    }
    if (object.metadata.deletionTimestamp) return;
    this.registry.delete(resource, object.metadata.namespace, object.metadata.name, { propagationPolicy: "Background" });
  }

  private checkNewDependent(uid: string): void {
    const ref = this.byUid.get(uid);
    if (!ref) return;
    const o = this.registry.tryGet(ref.resource, ref.namespace, ref.name);
    if (!o || o.metadata.deletionTimestamp) return;
    const refs = (o.metadata.ownerReferences ?? []) as Obj[];
    if (refs.length === 0 || refs.some((r) => this.liveOwner(r.uid))) return;
    this.registry.delete(ref.resource, ref.namespace, ref.name, { propagationPolicy: "Background" });
  }

  /** Orphan propagation: strip references to the owner from all its dependents now. */
  orphan(owner: Obj): void {
    const uid = owner.metadata.uid as string;
    for (const { resource, object } of this.dependentsOf(uid)) {
      this.registry.mutate(resource, object.metadata.namespace, object.metadata.name, (o) => {
        o.metadata.ownerReferences = ((o.metadata.ownerReferences ?? []) as Obj[]).filter((r) => r.uid !== uid);
        if (o.metadata.ownerReferences.length === 0) delete o.metadata.ownerReferences;
      }, { fieldManager: "kube-controller-manager" });
    }
  }
}
