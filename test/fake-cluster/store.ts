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
  private readonly objects = new Map<string, Map<string, Obj>>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<StoreListener>();

  constructor(private readonly historySize: number) {}

  get resourceVersion(): string {
    return String(this.rv);
  }

  /** The oldest resourceVersion a watch can still start from. */
  get oldestWatchableRv(): number {
    const first = this.history[0];
    return first === undefined ? this.rv : first.rv - 1;
  }

  private table(r: ResourceType): Map<string, Obj> {
    const k = `${r.group}/${r.name}`;
    let t = this.objects.get(k);
    if (!t) {
      t = new Map();
      this.objects.set(k, t);
    }
    return t;
  }

  get(r: ResourceType, namespace: string | undefined, name: string): Obj | undefined {
    const o = this.table(r).get(keyOf(r.namespaced ? namespace : undefined, name));
    return o === undefined ? undefined : clone(o);
  }

  /** All objects of a type (in one namespace when given), sorted by namespace then name. */
  list(r: ResourceType, namespace?: string): Obj[] {
    const out: Obj[] = [];
    for (const o of this.table(r).values()) {
      if (namespace !== undefined && r.namespaced && o.metadata.namespace !== namespace) continue;
      out.push(clone(o));
    }
    out.sort((a, b) => keyOf(a.metadata.namespace, a.metadata.name).localeCompare(keyOf(b.metadata.namespace, b.metadata.name)));
    return out;
  }

  /** Objects of every type, for the garbage collector's owner lookups. */
  *allObjects(): Generator<{ resource: ResourceType; object: Obj }> {
    for (const t of this.objects.values()) {
      for (const o of t.values()) {
        const r = o.__resource as ResourceType | undefined;
        if (r) yield { resource: r, object: o };
      }
    }
  }

  private stamp(r: ResourceType, obj: Obj): Obj {
    this.rv += 1;
    obj.apiVersion = apiVersionOf(r);
    obj.kind = r.kind;
    obj.metadata.resourceVersion = String(this.rv);
    return obj;
  }

  private strip(obj: Obj): Obj {
    const copy = clone(obj);
    delete copy.__resource;
    return copy;
  }

  insert(r: ResourceType, obj: Obj): Obj {
    const stored = this.stamp(r, clone(obj));
    this.table(r).set(keyOf(r.namespaced ? stored.metadata.namespace : undefined, stored.metadata.name), stored);
    Object.defineProperty(stored, "__resource", { value: r, enumerable: false, configurable: true });
    this.emit({ rv: this.rv, type: "ADDED", resource: r, object: clone(stored) });
    return clone(stored);
  }

  replace(r: ResourceType, obj: Obj): Obj {
    const t = this.table(r);
    const k = keyOf(r.namespaced ? obj.metadata.namespace : undefined, obj.metadata.name);
    const previous = t.get(k);
    const stored = this.stamp(r, clone(obj));
    t.set(k, stored);
    Object.defineProperty(stored, "__resource", { value: r, enumerable: false, configurable: true });
    this.emit({ rv: this.rv, type: "MODIFIED", resource: r, object: clone(stored), previous: previous === undefined ? undefined : clone(previous) });
    return clone(stored);
  }

  remove(r: ResourceType, namespace: string | undefined, name: string): Obj | undefined {
    const t = this.table(r);
    const k = keyOf(r.namespaced ? namespace : undefined, name);
    const previous = t.get(k);
    if (previous === undefined) return undefined;
    t.delete(k);
    this.rv += 1;
    const gone = clone(previous);
    gone.metadata.resourceVersion = String(this.rv);
    this.emit({ rv: this.rv, type: "DELETED", resource: r, object: clone(gone), previous: clone(previous) });
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

  private emit(event: StoreEvent): void {
    event.object = this.strip(event.object);
    if (event.previous !== undefined) event.previous = this.strip(event.previous);
    this.history.push(event);
    if (this.history.length > this.historySize) this.history.splice(0, this.history.length - this.historySize);
    for (const l of [...this.listeners]) l(event);
  }

  clearListeners(): void {
    this.listeners.clear();
  }
}
