/**
 * Object storage with one global resourceVersion counter, a bounded event history (so a
 * watch from an old resourceVersion gets 410 Expired, as from the apiserver's watch cache),
 * and fan-out of change events to watch streams and to the in-process controllers.
 */
import { apiVersionOf, type ResourceType } from "./resources";
import { clone, type Obj } from "./util";

export type EventType = "ADDED" | "MODIFIED" | "DELETED";

export interface StoreEvent {
  rv: number;
  type: EventType;
  resource: ResourceType;
  /** the object after the change (for DELETED: as it was when removed, with the deletion RV) */
  object: Obj;
  /** the object before the change (MODIFIED, DELETED) */
  previous?: Obj;
}

export type StoreListener = (event: StoreEvent) => void;

function keyOf(namespace: string | undefined, name: string): string {
  return `${namespace ?? ""}/${name}`;
}

export class Store {
  private rv = 1;
  /** type → namespace ("" for cluster-scoped) → name → object */
  private readonly objects = new Map<string, Map<string, Map<string, Obj>>>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<StoreListener>();

  /**
   * historySize caps the kept events; events older than maxAgeMs go too, like the
   * apiserver's watch cache, which keeps about the last 75 seconds.
   */
  constructor(
    private readonly historySize: number,
    private readonly maxAgeMs = 75_000,
  ) {}

  private readonly times: number[] = [];

  get resourceVersion(): string {
    return String(this.rv);
  }

  /** The oldest resourceVersion a watch can still start from. */
  get oldestWatchableRv(): number {
    const first = this.history[0];
    return first === undefined ? this.rv : first.rv - 1;
  }

  private table(r: ResourceType): Map<string, Map<string, Obj>> {
    const k = `${r.group}/${r.name}`;
    let t = this.objects.get(k);
    if (!t) {
      t = new Map();
      this.objects.set(k, t);
    }
    return t;
  }

  private bucket(r: ResourceType, namespace: string | undefined, create: boolean): Map<string, Obj> | undefined {
    const t = this.table(r);
    const ns = r.namespaced ? (namespace ?? "") : "";
    let b = t.get(ns);
    if (!b && create) {
      b = new Map();
      t.set(ns, b);
    }
    return b;
  }

  get(r: ResourceType, namespace: string | undefined, name: string): Obj | undefined {
    const o = this.bucket(r, namespace, false)?.get(name);
    return o === undefined ? undefined : clone(o);
  }

  /**
   * The stored objects themselves (not copies), in no particular order: for read-only
   * scans that then copy only what they keep.
   */
  scan(r: ResourceType, namespace?: string): Obj[] {
    const t = this.table(r);
    if (namespace !== undefined && r.namespaced) return [...(t.get(namespace)?.values() ?? [])];
    const out: Obj[] = [];
    for (const b of t.values()) out.push(...b.values());
    return out;
  }

  /** All objects of a type (in one namespace when given), sorted by namespace then name. */
  list(r: ResourceType, namespace?: string): Obj[] {
    const out = this.scan(r, namespace);
    out.sort((a, b) => keyOf(a.metadata.namespace, a.metadata.name).localeCompare(keyOf(b.metadata.namespace, b.metadata.name)));
    return out.map((o) => clone(o));
  }

  private stamp(r: ResourceType, obj: Obj): Obj {
    this.rv += 1;
    obj.apiVersion = apiVersionOf(r);
    obj.kind = r.kind;
    obj.metadata.resourceVersion = String(this.rv);
    return obj;
  }

  insert(r: ResourceType, obj: Obj): Obj {
    const stored = this.stamp(r, clone(obj));
    this.bucket(r, stored.metadata.namespace, true)?.set(stored.metadata.name, stored);
    const out = clone(stored);
    this.emit({ rv: this.rv, type: "ADDED", resource: r, object: clone(stored) });
    return out;
  }

  replace(r: ResourceType, obj: Obj): Obj {
    const b = this.bucket(r, obj.metadata.namespace, true);
    const previous = b?.get(obj.metadata.name);
    const stored = this.stamp(r, clone(obj));
    b?.set(stored.metadata.name, stored);
    const out = clone(stored);
    this.emit({ rv: this.rv, type: "MODIFIED", resource: r, object: clone(stored), previous });
    return out;
  }

  remove(r: ResourceType, namespace: string | undefined, name: string): Obj | undefined {
    const b = this.bucket(r, namespace, false);
    const previous = b?.get(name);
    if (previous === undefined || !b) return undefined;
    b.delete(name);
    this.rv += 1;
    const gone = clone(previous);
    gone.metadata.resourceVersion = String(this.rv);
    this.emit({ rv: this.rv, type: "DELETED", resource: r, object: clone(gone), previous });
    return gone;
  }

  /** Events after a resourceVersion, or undefined when that point is no longer kept. */
  eventsSince(rv: number): StoreEvent[] | undefined {
    if (rv < this.oldestWatchableRv) return undefined;
    return this.history.filter((e) => e.rv > rv);
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stored objects are replaced, never mutated, so events can share them read-only. */
  private emit(event: StoreEvent): void {
    const now = Date.now();
    this.history.push(event);
    this.times.push(now);
    let drop = Math.max(0, this.history.length - this.historySize);
    // Old events go only beyond a floor of recent ones, as the watch cache keeps a minimum capacity.
    const floor = Math.min(this.historySize, 1000);
    while (this.times.length - drop > floor && (this.times[drop] ?? now) < now - this.maxAgeMs) drop++;
    if (drop > 0) {
      this.history.splice(0, drop);
      this.times.splice(0, drop);
    }
    for (const l of [...this.listeners]) l(event);
  }

  clearListeners(): void {
    this.listeners.clear();
  }
}
