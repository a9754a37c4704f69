/**
 * The node agent's way to the API server: JSON requests and a pod list-and-watch, over
 * HTTPS on 127.0.0.1 with a bearer token. Every loop here is bounded: a watch that cannot
 * reconnect for a while gives up by itself.
 */
import { request as httpsRequest, type RequestOptions } from "node:https";
import type { Obj } from "../fake-cluster/util";

export interface ApiResponse {
  status: number;
  body: Obj;
}

/** Reconnecting attempts a watch makes after the server stopped answering (one per second). */
const WATCH_RECONNECTS = 60;

export class ApiClient {
  private readonly base: URL;

  constructor(
    server: string,
    private readonly token: string,
    private readonly ca: string,
  ) {
    this.base = new URL(server);
    if (this.base.hostname !== "127.0.0.1") throw new Error(`the node agent talks to 127.0.0.1 only, not ${this.base.hostname}`);
  }

  private options(method: string, path: string, contentType?: string, length?: number): RequestOptions {
    return {
      method,
      host: "127.0.0.1",
      port: this.base.port,
      path,
      ca: this.ca,
      headers: {
        Authorization: `Bearer ${this.token}`,
        Accept: "application/json",
        ...(contentType ? { "Content-Type": contentType } : {}),
        // Always given: Node sends a DELETE's body without it, and the server then reads
        // that body as the next request on the connection (answering it 400 Bad Request).
        ...(length !== undefined ? { "Content-Length": String(length) } : {}),
      },
    };
  }

  request(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<ApiResponse> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = httpsRequest(this.options(method, path, payload && contentType, payload?.length), (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (text += d));
        res.on("end", () => {
          let parsed: Obj = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on("error", reject);
      });
      req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
      req.on("error", reject);
      req.end(payload);
    });
  }

  /**
   * Lists every pod, then watches from that list's resourceVersion, calling onPod for each
   * (ADDED for the listed ones). Relists when the watch expires; stops on stop(), or after
   * WATCH_RECONNECTS failed attempts in a row.
   */
  watchPods(onPod: (type: string, pod: Obj) => void, log: (line: string) => void): { stop(): void; done: Promise<void> } {
    let stopped = false;
    let abort = (): void => {};
    const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());
    const watchOnce = (resourceVersion: string): Promise<"expired" | "ended"> =>
      new Promise((resolve, reject) => {
        const path = `/api/v1/pods?watch=1&allowWatchBookmarks=true&resourceVersion=${resourceVersion}&timeoutSeconds=300`;
        const req = httpsRequest(this.options("GET", path), (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            resolve(res.statusCode === 410 ? "expired" : "ended");
            return;
          }
          let partial = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => {
            const lines = (partial + chunk).split("\n");
            partial = lines.pop() ?? "";
            for (const line of lines) {
              if (!line.trim()) continue;
              const event = JSON.parse(line) as { type: string; object: Obj };
              if (event.type === "ERROR") {
                resolve(event.object?.code === 410 ? "expired" : "ended");
                req.destroy();
                return;
              }
              resourceVersion = event.object?.metadata?.resourceVersion ?? resourceVersion;
              current.rv = resourceVersion;
              if (event.type !== "BOOKMARK") onPod(event.type, event.object);
            }
          });
          res.on("end", () => resolve("ended"));
          res.on("error", reject);
        });
        req.on("error", reject);
        abort = () => req.destroy();
        req.end();
      });
    const current = { rv: "" };
    const done = (async () => {
      let failures = 0;
      while (!stopped && failures < WATCH_RECONNECTS) {
        try {
          if (!current.rv) {
            const list = await this.request("GET", "/api/v1/pods");
            if (list.status !== 200) throw new Error(`listing pods: ${list.status}`);
            for (const pod of (list.body.items ?? []) as Obj[]) onPod("ADDED", { apiVersion: "v1", kind: "Pod", ...pod });
            current.rv = String(list.body.metadata.resourceVersion);
          }
          const end = await watchOnce(current.rv);
          if (end === "expired") current.rv = "";
          failures = 0;
        } catch (e) {
          if (stopped) break;
          failures += 1;
          if (failures === 1) log(`node agent: pod watch: ${(e as Error).message}; reconnecting`);
          await sleep(1000);
        }
      }
      if (!stopped) log(`node agent: gave up watching pods after ${WATCH_RECONNECTS} failed attempts`);
    })();
    return {
      stop() {
        stopped = true;
        abort();
      },
      done,
    };
  }
}
