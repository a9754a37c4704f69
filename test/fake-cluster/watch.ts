/**
 * Watch streams: newline-delimited JSON events over a chunked 200 response
 * (K: staging/src/k8s.io/apimachinery/pkg/watch/watch.go, apiserver watch cache semantics):
 * - resourceVersion unset or "0": every current object as ADDED, then changes;
 * - resourceVersion N: only changes after N; 410 Expired (as an ERROR event) when N is
 *   older than the kept history;
 * - selectors see objects entering (ADDED) and leaving (DELETED) the selection;
 * - BOOKMARK events when allowWatchBookmarks=true; timeoutSeconds ends the stream.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Clock } from "./clock";
import { expired } from "./errors";
import type { Faults } from "./faults";
import { apiVersionOf, type ResourceType } from "./resources";
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from "./selectors";
import type { Store, StoreEvent } from "./store";
import { toTable } from "./tables";
import type { Obj } from "./util";

const BOOKMARK_INTERVAL_MS = 1000;

export class WatchHub {
  private readonly open = new Set<() => void>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly faults: Faults,
  ) {}

  get openCount(): number {
    return this.open.size;
  }

  closeAll(): void {
    for (const close of [...this.open]) close();
  }

  serve(req: IncomingMessage, res: ServerResponse, r: ResourceType, namespace: string | undefined, name: string | undefined, query: URLSearchParams, tableMinor: number | undefined): void {
    const labels = parseLabelSelector(query.get("labelSelector"));
    const fields = parseFieldSelector(query.get("fieldSelector"));
    const rvParam = query.get("resourceVersion") ?? "";
    const bookmarks = query.get("allowWatchBookmarks") === "true";
    const sendInitial = query.get("sendInitialEvents") === "true";
    const timeoutSeconds = query.has("timeoutSeconds") ? Number(query.get("timeoutSeconds")) : undefined;

    const matches = (o: Obj | undefined): boolean => {
      if (!o) return false;
      if (r.namespaced && namespace !== undefined && o.metadata?.namespace !== namespace) return false;
      if (name !== undefined && o.metadata?.name !== name) return false;
      return matchesLabels(labels, o.metadata?.labels) && matchesFields(fields, o);
    };

    res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked", "Cache-Control": "no-cache, private" });
    res.flushHeaders();

    let closed = false;
    let sent = 0;
    const cleanups: (() => void)[] = [];
    const close = (): void => {
      if (closed) return;
      closed = true;
      for (const c of cleanups) c();
      this.open.delete(close);
      res.end();
    };
    this.open.add(close);
    req.on("close", close);
    res.on("close", close);

    const cut = this.faults.cutWatch;
    const write = (type: string, object: Obj): void => {
      if (closed) return;
      const payload = tableMinor !== undefined && type !== "ERROR" && type !== "BOOKMARK" ? { ...toTable(r, [object], object.metadata?.resourceVersion ?? "", tableMinor), metadata: { resourceVersion: object.metadata?.resourceVersion } } : object;
      res.write(`${JSON.stringify({ type, object: payload })}\n`);
      sent += 1;
      if (cut?.afterEvents !== undefined && sent >= cut.afterEvents) close();
    };
    const withKind = (o: Obj): Obj => ({ ...o, apiVersion: apiVersionOf(r), kind: r.kind });

    const deliver = (e: StoreEvent): void => {
      if (e.resource !== r) return;
      const nowIn = e.type !== "DELETED" && matches(e.object);
      const wasIn = e.type !== "ADDED" && matches(e.previous ?? e.object);
      if (e.type === "ADDED" && nowIn) write("ADDED", withKind(e.object));
      else if (e.type === "DELETED" && matches(e.object)) write("DELETED", withKind(e.object));
      else if (e.type === "MODIFIED") {
        if (nowIn && wasIn) write("MODIFIED", withKind(e.object));
        else if (nowIn) write("ADDED", withKind(e.object));
        else if (wasIn) write("DELETED", withKind(e.object));
      }
    };

    const lastRv = this.store.resourceVersion;
    if (rvParam === "" || rvParam === "0" || sendInitial) {
      for (const o of this.store.list(r, namespace).filter(matches)) write("ADDED", withKind(o));
      if (sendInitial && bookmarks) {
        write("BOOKMARK", { kind: r.kind, apiVersion: apiVersionOf(r), metadata: { resourceVersion: lastRv, annotations: { "k8s.io/initial-events-end": "true" } } });
      }
    } else {
      const n = Number(rvParam);
      const events = Number.isFinite(n) ? this.store.eventsSince(n) : undefined;
      if (events === undefined) {
        const msg = Number.isFinite(n) ? `too old resource version: ${rvParam} (${this.store.oldestWatchableRv})` : `resourceVersion: Invalid value: "${rvParam}": must be a number`;
        write("ERROR", expired(msg).toStatus());
        close();
        return;
      }
      for (const e of events) deliver(e);
    }
    if (closed) return;
    cleanups.push(
      this.store.subscribe((e) => deliver(e)),
    );
    if (bookmarks) {
      cleanups.push(
        this.clock.every(BOOKMARK_INTERVAL_MS, () => {
          write("BOOKMARK", { kind: r.kind, apiVersion: apiVersionOf(r), metadata: { resourceVersion: this.store.resourceVersion } });
        }),
      );
    }
    if (timeoutSeconds !== undefined && Number.isFinite(timeoutSeconds) && timeoutSeconds > 0) {
      cleanups.push(this.clock.afterReal(timeoutSeconds * 1000, close));
    }
    if (cut?.afterMs !== undefined) cleanups.push(this.clock.afterReal(cut.afterMs, close));
  }
}
