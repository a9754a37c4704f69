/**
 * HTTP routing: non-resource paths (/version, discovery, OpenAPI) and the REST paths
 * /api/v1[/namespaces/NS]/RESOURCE[/NAME[/SUB]] and /apis/GROUP/VERSION/..., including the
 * legacy /watch/ prefix. Every request is counted and passes the fault injector first.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  aggregatedContentType,
  aggregatedDiscovery,
  aggregatedVersionWanted,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
} from "./discovery";
import { ApiError, badRequest, methodNotAllowed, notFound } from "./errors";
import type { Faults } from "./faults";
import { decodeProtobuf, PROTOBUF } from "./protobuf";
import { openApiGroup, openApiIndex } from "./openapi";
import { openApiV2Json, openApiV2Protobuf } from "./openapi-v2";
import { R, type Registry, type WriteOptions } from "./registry";
import { findResource, type ResourceType } from "./resources";
import { wantsTable, toTable } from "./tables";
import type { WatchHub } from "./watch";
import type { Obj } from "./util";

export interface LogProvider {
  /** Serves GET pods/NAME/log (plain text, or a stream with follow=true). */
  serveLogs(pod: Obj, query: URLSearchParams, res: ServerResponse): void;
}

export interface HttpContext {
  registry: Registry;
  faults: Faults;
  watches: WatchHub;
  logs: LogProvider;
  minor: () => number;
  hostPort: () => string;
}

interface Route {
  kind: "resource";
  resource: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  watchPrefix: boolean;
}

function parseResourcePath(segs: string[]): Route | undefined {
  let group = "";
  let version: string;
  let rest: string[];
  if (segs[0] === "api") {
    version = segs[1] ?? "";
    rest = segs.slice(2);
  } else if (segs[0] === "apis") {
    group = segs[1] ?? "";
    version = segs[2] ?? "";
    rest = segs.slice(3);
  } else return undefined;
  let watchPrefix = false;
  if (rest[0] === "watch") {
    watchPrefix = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length >= 3) {
    const r = findResource(group, version, rest[2] ?? "");
    if (r && r.namespaced) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
  }
  const resource = findResource(group, version, rest[0] ?? "");
  if (!resource || rest.length > 3) return undefined;
  return { kind: "resource", resource, namespace, name: rest[1], subresource: rest[2], watchPrefix };
}

function verbOf(method: string, route: Route, query: URLSearchParams): string {
  switch (method) {
    case "GET":
      if (route.watchPrefix || query.get("watch") === "true" || query.get("watch") === "1") return "watch";
      return route.name === undefined ? "list" : "get";
    case "POST":
      return "create";
    case "PUT":
      return "update";
    case "PATCH":
      return "patch";
    case "DELETE":
      return route.name === undefined ? "deletecollection" : "delete";
    default:
      return "other";
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function parseJsonText(text: string): Obj {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

export function sendJson(res: ServerResponse, code: number, body: Obj, extraHeaders: Record<string, string> = {}, contentType = "application/json"): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(code, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(text), "Cache-Control": "no-cache, private", ...extraHeaders });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown): void {
  const e = err instanceof ApiError ? err : new ApiError(500, "InternalError", `Internal error occurred: ${(err as Error)?.message ?? String(err)}`);
  sendJson(res, e.code, e.toStatus(), e.headers);
}

function classify(method: string, path: string, query: URLSearchParams): { verb: string; resource: string; route?: Route } {
  const segs = path.split("/").filter((s) => s !== "");
  if (path === "/version" || path === "/version/") return { verb: "version", resource: "" };
  if (segs[0] === "openapi") return { verb: "openapi", resource: "" };
  if ((segs[0] === "api" && segs.length <= 2) || (segs[0] === "apis" && segs.length <= 3)) return { verb: "discovery", resource: "" };
  const route = parseResourcePath(segs);
  if (!route) return { verb: "other", resource: "" };
  const resource = route.subresource ? `${route.resource.name}/${route.subresource}` : route.resource.name;
  return { verb: verbOf(method, route, query), resource, route };
}

export function createHandler(ctx: HttpContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void handle(ctx, req, res).catch((err: unknown) => sendError(res, err));
  };
}

async function handle(ctx: HttpContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const method = req.method ?? "GET";
  const query = url.searchParams;
  const { verb, resource, route } = classify(method, url.pathname, query);
  const body = method === "GET" || method === "HEAD" ? Buffer.alloc(0) : await readBody(req);
  const isProtobuf = (req.headers["content-type"] ?? "").startsWith(PROTOBUF);
  const bodyText = isProtobuf ? "" : body.toString("utf8");
  ctx.faults.count(verb, resource);
  if (process.env.JOBX_FAKE_CLUSTER_DEBUG) {
    process.stderr.write(`${method} ${req.url} [${verb} ${resource}] ${req.headers["content-type"] ?? ""} ${bodyText.slice(0, 2000)}\n`);
  }
  const delay = ctx.faults.delayMs();
  if (delay > 0) await new Promise((r) => setTimeout(r, delay).unref());
  const rejected = ctx.faults.reject(verb, resource);
  if (rejected) {
    sendError(res, rejected);
    return;
  }
  if (!route) {
    serveNonResource(ctx, req, res, url.pathname);
    return;
  }
  serveResource(ctx, req, res, route, verb, query, isProtobuf ? decodeProtobuf(body) : bodyText);
}

function serveNonResource(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, path: string): void {
  const p = path.replace(/\/+$/, "") || "/";
  const minor = ctx.minor();
  if (p === "/version") {
    sendJson(res, 200, {
      major: "1",
      minor: String(minor),
      gitVersion: `v1.${minor}.0`,
      gitCommit: "0000000000000000000000000000000000000000",
      gitTreeState: "clean",
      buildDate: "2025-01-01T00:00:00Z",
      goVersion: "go1.23.0",
      compiler: "gc",
      platform: "linux/amd64",
    });
    return;
  }
  if (p === "/healthz" || p === "/readyz" || p === "/livez") {
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.end("ok");
    return;
  }
  if (p === "/api" || p === "/apis") {
    const agg = aggregatedVersionWanted(req.headers.accept);
    if (agg) {
      sendJson(res, 200, aggregatedDiscovery(p === "/api", agg), {}, aggregatedContentType(agg));
      return;
    }
    sendJson(res, 200, p === "/api" ? apiVersions(ctx.hostPort()) : apiGroupList());
    return;
  }
  const segs = p.split("/").filter((s) => s !== "");
  if (segs[0] === "api" && segs.length === 2) {
    const list = apiResourceList("", segs[1] ?? "");
    if (list) return sendJson(res, 200, list);
  }
  if (segs[0] === "apis" && segs.length === 2) {
    const g = apiGroup(segs[1] ?? "");
    if (g) return sendJson(res, 200, { kind: "APIGroup", apiVersion: "v1", ...g });
  }
  if (segs[0] === "apis" && segs.length === 3) {
    const list = apiResourceList(segs[1] ?? "", segs[2] ?? "");
    if (list) return sendJson(res, 200, list);
  }
  if (p === "/openapi/v2") {
    if ((req.headers.accept ?? "").includes("protobuf")) {
      const body = openApiV2Protobuf();
      res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": body.length });
      res.end(body);
      return;
    }
    return sendJson(res, 200, openApiV2Json());
  }
  if (p === "/openapi/v3") return sendJson(res, 200, openApiIndex());
  if (segs[0] === "openapi" && segs[1] === "v3") {
    const doc = openApiGroup(segs.slice(2).join("/"));
    if (doc) return sendJson(res, 200, doc);
  }
  sendJson(res, 404, new ApiError(404, "NotFound", "the server could not find the requested resource").toStatus());
}

function writeOptions(query: URLSearchParams, subresource: string | undefined): WriteOptions {
  const fv = query.get("fieldValidation");
  return {
    dryRun: query.getAll("dryRun").includes("All"),
    fieldManager: query.get("fieldManager") ?? undefined,
    fieldValidation: fv === "Strict" || fv === "Ignore" || fv === "Warn" ? fv : undefined,
    force: query.get("force") === "true",
    subresource,
  };
}

function warningHeaders(warnings: string[]): Record<string, string> {
  if (warnings.length === 0) return {};
  return { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(", ") };
}

function serveResource(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, route: Route, verb: string, query: URLSearchParams, bodyIn: string | Obj): void {
  const parseJson = (text: string | Obj): Obj => (typeof text === "string" ? parseJsonText(text) : text);
  const bodyText = bodyIn;
  const { registry } = ctx;
  const r = route.resource;
  const ns = r.namespaced ? route.namespace : undefined;
  const sub = route.subresource;
  if (sub !== undefined && !r.subresources.includes(sub)) throw notFound(r.name, r.group, route.name ?? "");
  const table = wantsTable(req.headers.accept);
  switch (verb) {
    case "get": {
      const obj = registry.get(r, ns, route.name ?? "");
      if (sub === "log") {
        ctx.logs.serveLogs(obj, query, res);
        return;
      }
      sendJson(res, 200, table ? toTable(r, [obj], obj.metadata.resourceVersion, ctx.minor()) : obj);
      return;
    }
    case "list": {
      if (r.namespaced && route.namespace !== undefined && !registry.tryGet(R.namespaces, undefined, route.namespace)) {
        // Listing in a namespace that does not exist is an empty list, not an error.
      }
      const list = registry.list(r, ns, {
        labelSelector: query.get("labelSelector"),
        fieldSelector: query.get("fieldSelector"),
        limit: query.has("limit") ? Number(query.get("limit")) : undefined,
        continue: query.get("continue"),
      });
      if (table) {
        const t = toTable(r, list.items, list.metadata.resourceVersion, ctx.minor());
        t.metadata = list.metadata;
        sendJson(res, 200, t);
      } else sendJson(res, 200, list);
      return;
    }
    case "watch":
      ctx.watches.serve(req, res, r, ns, route.name, query, table ? ctx.minor() : undefined);
      return;
    case "create": {
      if (route.name !== undefined) throw methodNotAllowed();
      const body = parseJson(bodyText);
      const result = registry.create(r, ns, body, writeOptions(query, undefined));
      sendJson(res, 201, result.object, warningHeaders(result.warnings));
      return;
    }
    case "update": {
      if (sub === "log") throw methodNotAllowed();
      const body = parseJson(bodyText);
      const result = registry.update(r, ns, route.name ?? "", body, writeOptions(query, sub));
      sendJson(res, 200, result.object, warningHeaders(result.warnings));
      return;
    }
    case "patch": {
      if (sub === "log") throw methodNotAllowed();
      const body = parseJson(bodyText);
      const contentType = req.headers["content-type"] ?? "";
      const result = registry.patch(r, ns, route.name ?? "", contentType, body, writeOptions(query, sub));
      sendJson(res, result.created ? 201 : 200, result.object, warningHeaders(result.warnings));
      return;
    }
    case "delete": {
      if (sub !== undefined) throw methodNotAllowed();
      const body = parseJson(bodyText) ?? {};
      const out = registry.delete(r, ns, route.name ?? "", {
        propagationPolicy: body.propagationPolicy ?? query.get("propagationPolicy") ?? undefined,
        orphanDependents: body.orphanDependents ?? (query.has("orphanDependents") ? query.get("orphanDependents") === "true" : undefined),
        dryRun: (Array.isArray(body.dryRun) && body.dryRun.includes("All")) || query.getAll("dryRun").includes("All"),
        gracePeriodSeconds: body.gracePeriodSeconds ?? (query.has("gracePeriodSeconds") ? Number(query.get("gracePeriodSeconds")) : undefined),
        preconditions: body.preconditions,
      });
      sendJson(res, 200, out);
      return;
    }
    case "deletecollection": {
      const body = parseJson(bodyText) ?? {};
      const list = registry.list(r, ns, { labelSelector: query.get("labelSelector"), fieldSelector: query.get("fieldSelector") });
      for (const item of list.items as Obj[]) {
        try {
          registry.delete(r, item.metadata.namespace, item.metadata.name, {
            propagationPolicy: body.propagationPolicy ?? query.get("propagationPolicy") ?? undefined,
            dryRun: query.getAll("dryRun").includes("All"),
          });
        } catch (e) {
          if (!(e instanceof ApiError) || e.code !== 404) throw e;
        }
      }
      sendJson(res, 200, list);
      return;
    }
    default:
      throw methodNotAllowed();
  }
}
