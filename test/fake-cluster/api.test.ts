/** The API server over plain HTTP: watch semantics, paging, patches, apply, deletion. */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POD_BEHAVIOUR, startFakeCluster, type FakeCluster } from "./index";
import type { Obj } from "./util";

let cluster: FakeCluster;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: Obj;
}

function call(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    const headers = data === undefined ? {} : { "content-type": contentType, "content-length": String(Buffer.byteLength(data)) };
    const req = request(`${cluster.url}${path}`, { method, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => {
        let json: Obj;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on("error", reject);
    req.end(data);
  });
}

/** Reads a watch until the server ends it (use timeoutSeconds) and returns its events. */
async function watchEvents(path: string): Promise<Obj[]> {
  const r = await call("GET", path);
  return r.text.split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

const JOBS = "/apis/batch/v1/namespaces/default/jobs";
const CMS = "/api/v1/namespaces/default/configmaps";
const PODS = "/api/v1/namespaces/default/pods";

function job(name: string, extra: Obj = {}): Obj {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, labels: { suite: "api" }, ...(extra.metadata ?? {}) },
    spec: {
      template: {
        metadata: { annotations: { [POD_BEHAVIOUR.runTime]: "1h", ...(extra.annotations ?? {}) } },
        spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox" }] },
      },
      ...(extra.spec ?? {}),
    },
  };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  cluster = await startFakeCluster({ timeScale: 0.01, watchHistory: 20 });
});

afterAll(async () => {
  await cluster?.stop();
});

describe("watch", () => {
  it("from an empty resourceVersion: current objects as ADDED, then changes, until timeoutSeconds", async () => {
    await call("POST", CMS, { metadata: { name: "w1", labels: { w: "1" } }, data: { a: "1" } });
    const pending = watchEvents(`${CMS}?watch=1&labelSelector=w%3D1&timeoutSeconds=1`);
    await new Promise((r) => setTimeout(r, 200));
    await call("PATCH", `${CMS}/w1`, { data: { a: "2" } }, "application/merge-patch+json");
    await call("PATCH", `${CMS}/w1`, { metadata: { labels: { w: "2" } } }, "application/merge-patch+json");
    const events = await pending;
    expect(events.map((e) => e.type)).toEqual(["ADDED", "MODIFIED", "DELETED"]);
    expect(events[0].object).toMatchObject({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "w1" } });
    expect(events[1].object.data).toEqual({ a: "2" });
  });

  it("from a resourceVersion: only later events; 410 Expired once it is out of the history", async () => {
    const created = await call("POST", CMS, { metadata: { name: "w2" } });
    const rv = created.json.metadata.resourceVersion as string;
    await call("DELETE", `${CMS}/w2`);
    const later = await watchEvents(`${CMS}?watch=true&resourceVersion=${rv}&timeoutSeconds=1`);
    expect(later.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(["DELETED w2"]);
    for (let i = 0; i < 25; i++) await call("POST", CMS, { metadata: { generateName: "filler-" } });
    const expired = await watchEvents(`${CMS}?watch=true&resourceVersion=${rv}&timeoutSeconds=1`);
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatchObject({ type: "ERROR", object: { kind: "Status", code: 410, reason: "Expired" } });
  });

  it("sends bookmarks when asked", async () => {
    const events = await watchEvents(`${CMS}?watch=true&resourceVersion=${(await call("GET", CMS)).json.metadata.resourceVersion}&allowWatchBookmarks=true&timeoutSeconds=2`);
    expect(events.some((e) => e.type === "BOOKMARK" && e.object.metadata.resourceVersion)).toBe(true);
  });
});

describe("list", () => {
  it("pages with limit and continue", async () => {
    for (const n of ["p-a", "p-b", "p-c"]) await call("POST", CMS, { metadata: { name: n, labels: { page: "yes" } } });
    const first = await call("GET", `${CMS}?labelSelector=page%3Dyes&limit=2`);
    expect(first.json.items.map((i: Obj) => i.metadata.name)).toEqual(["p-a", "p-b"]);
    expect(first.json.metadata.remainingItemCount).toBe(1);
    const second = await call("GET", `${CMS}?labelSelector=page%3Dyes&limit=2&continue=${encodeURIComponent(first.json.metadata.continue)}`);
    expect(second.json.items.map((i: Obj) => i.metadata.name)).toEqual(["p-c"]);
    expect(second.json.metadata.continue).toBeUndefined();
  });
});

describe("writes", () => {
  it("update with a stale resourceVersion is a 409 Conflict", async () => {
    const c = await call("POST", CMS, { metadata: { name: "u1" }, data: { a: "1" } });
    await call("PUT", `${CMS}/u1`, { ...c.json, data: { a: "2" } });
    const stale = await call("PUT", `${CMS}/u1`, { ...c.json, data: { a: "3" } });
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({ kind: "Status", reason: "Conflict", code: 409 });
    expect(stale.json.message).toContain('Operation cannot be fulfilled on configmaps "u1"');
  });

  it("server-side apply creates, conflicts with another manager and forces", async () => {
    const body = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ssa" }, data: { a: "1" } };
    const created = await call("PATCH", `${CMS}/ssa?fieldManager=one`, body, "application/apply-patch+yaml");
    expect(created.status).toBe(201);
    expect(created.json.metadata.managedFields[0]).toMatchObject({ manager: "one", operation: "Apply", fieldsType: "FieldsV1", fieldsV1: { "f:data": { "f:a": {} } } });
    const clash = await call("PATCH", `${CMS}/ssa?fieldManager=two`, { ...body, data: { a: "2" } }, "application/apply-patch+yaml");
    expect(clash.status).toBe(409);
    expect(clash.json.message).toBe('Apply failed with 1 conflict: conflict with "one": .data.a'.replace('"one"', '"one" using v1'));
    const forced = await call("PATCH", `${CMS}/ssa?fieldManager=two&force=true`, { ...body, data: { a: "2" } }, "application/apply-patch+yaml");
    expect(forced.status).toBe(200);
    expect(forced.json.data).toEqual({ a: "2" });
  });

  it("dryRun=All stores nothing", async () => {
    const r = await call("POST", `${JOBS}?dryRun=All`, job("dry"));
    expect(r.status).toBe(201);
    expect(r.json.spec.backoffLimit).toBe(6);
    expect((await call("GET", `${JOBS}/dry`)).status).toBe(404);
  });

  it("422 carries causes", async () => {
    const bad = job("bad");
    bad.spec.template.spec.restartPolicy = "Always";
    const r = await call("POST", JOBS, bad);
    expect(r.status).toBe(422);
    expect(r.json.details.causes).toEqual([{ reason: "FieldValueRequired", message: 'Required value: valid values: "OnFailure", "Never"', field: "spec.template.spec.restartPolicy" }]);
  });
});

const podsOf = async (name: string): Promise<Obj[]> => (await call("GET", `${PODS}?labelSelector=job-name%3D${name}`)).json.items;

describe("deletion", () => {
  it("Foreground: the Job waits with a finalizer until its pods are gone", async () => {
    await call("POST", JOBS, job("fg"));
    await until("a running pod", async () => ((await podsOf("fg")).some((p) => p.status.phase === "Running") ? true : undefined));
    const del = await call("DELETE", `${JOBS}/fg`, { propagationPolicy: "Foreground" });
    expect(`${del.status} ${del.text}`).toMatch(/^200 /);
    expect(del.json.metadata.deletionTimestamp).toBeDefined();
    expect(del.json.metadata.finalizers).toContain("foregroundDeletion");
    await until("the job to go", async () => ((await call("GET", `${JOBS}/fg`)).status === 404 ? true : undefined));
    expect(await podsOf("fg")).toEqual([]);
  });

  it("no propagationPolicy on a Job orphans its pods", async () => {
    await call("POST", JOBS, job("orph"));
    await until("a pod", async () => ((await podsOf("orph")).length > 0 ? true : undefined));
    const del = await call("DELETE", `${JOBS}/orph`);
    expect(del.json).toMatchObject({ kind: "Status", status: "Success", details: { name: "orph", group: "batch", kind: "jobs" } });
    const pods = await until("the pods to be released", async () => {
      const ps = await podsOf("orph");
      return ps.length > 0 && ps.every((p) => !p.metadata.ownerReferences && !p.metadata.finalizers) ? ps : undefined;
    });
    expect(pods).toHaveLength(1);
  });

  it("a Job owned by a ConfigMap goes with it, and its pods follow", async () => {
    const cm = await call("POST", CMS, { metadata: { name: "owner" } });
    const owned = job("owned", { metadata: { ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: cm.json.metadata.uid }] } });
    await call("POST", JOBS, owned);
    await until("a pod", async () => ((await podsOf("owned")).length > 0 ? true : undefined));
    await call("DELETE", `${CMS}/owner`, { propagationPolicy: "Background" });
    await until("the job and its pods to go", async () => ((await call("GET", `${JOBS}/owned`)).status === 404 && (await podsOf("owned")).length === 0 ? true : undefined));
  });
});

describe("pod logs", () => {
  it("a container still starting is 400 waiting to start; afterwards the log is served", async () => {
    await call("POST", JOBS, job("logs", { annotations: { [POD_BEHAVIOUR.coldStart]: "50s", [POD_BEHAVIOUR.runTime]: "1s", [POD_BEHAVIOUR.log]: "a\nb $POD_NAME" } }));
    const pod = await until("a pod", async () => (await podsOf("logs"))[0]);
    const early = await call("GET", `${PODS}/${pod.metadata.name}/log`);
    expect(early.status).toBe(400);
    expect(early.json.message).toBe(`container "main" in pod "${pod.metadata.name}" is waiting to start: ContainerCreating`);
    await until("the pod to finish", async () => ((await call("GET", `${PODS}/${pod.metadata.name}`)).json.status.phase === "Succeeded" ? true : undefined));
    const log = await call("GET", `${PODS}/${pod.metadata.name}/log?timestamps=true`);
    const lines = log.text.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z b ${pod.metadata.name}$`));
    expect((await call("GET", `${PODS}/${pod.metadata.name}/log?tailLines=1`)).text).toBe(`b ${pod.metadata.name}\n`);
  });
});
