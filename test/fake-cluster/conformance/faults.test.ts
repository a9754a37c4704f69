/**
 * Faults the test cluster can inject, and how the real kubectl reacts to them.
 *
 * Upstream truth:
 * - K: staging/src/k8s.io/client-go/rest/with_retry.go and request.go (checkWait) — a 429
 *   or 5xx answer with a Retry-After header is retried (any verb, POST included) after the
 *   given seconds, up to 10 retries; without the header there is no retry.
 * - K: staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go — NewTooManyRequests
 *   (reason TooManyRequests, code 429), NewForbidden (reason Forbidden, code 403).
 * - K: plugin/pkg/admission/resourcequota/controller.go — `exceeded quota: <name>, requested:
 *   ..., used: ..., limited: ...` as a 403 Forbidden.
 * - K: staging/src/k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go —
 *   an authorizer's refusal: `User "u" cannot <verb> resource "<r>" in API group "<g>" in
 *   the namespace "<ns>"`, wrapped by NewForbidden as `<resource>.<group> is forbidden: ...`.
 * - K: staging/src/k8s.io/kubectl/pkg/cmd/util/helpers.go — printed as
 *   `Error from server (<Reason>): ...`, exit 1.
 */
import { describe, expect } from "vitest";
import { fakeOnly, useCluster } from "../../cluster/index";

/** Every test here injects a fault, which only the fake can do on demand. */
const faultTest = fakeOnly("injected faults");
import { missingClients, skipWithoutClient } from "../kubectl-clients";
import { VERSIONS, getJob, jobManifest, kubectlOk, listJobs, manifestInput, requestCount, uniqueName } from "./helpers";

// Each block needs the kubectl of its minor: the dispatcher picks it from /version; a
// stock kubectl runs one client for every server, so the other minors are skipped.
const missing = await missingClients(VERSIONS);

describe.each(VERSIONS)("Injected faults with kubectl 1.%i", (minor) => {
  if (skipWithoutClient(missing, minor)) return;
  const cluster = useCluster({ minorVersion: minor, timeScale: 0.01 });

  // K: staging/src/k8s.io/client-go/rest/with_retry.go, request.go checkWait.
  faultTest("429 with Retry-After on creates: kubectl retries and succeeds", async () => {
    const name = uniqueName("retry");
    cluster().setFaults({ failNext: { count: 2, status: 429, retryAfterSeconds: 1, verbs: ["create"], resources: ["jobs"] } });
    cluster().resetCounts();
    const started = Date.now();
    const out = await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { suspend: true })));
    expect(out.trim()).toBe(`job.batch/${name} created`);
    expect(requestCount(cluster(), "create", "jobs"), JSON.stringify(cluster().requestCounts())).toBe(3);
    expect(Date.now() - started, "client-go sleeps Retry-After seconds between attempts").toBeGreaterThanOrEqual(1800);
    expect(await getJob(cluster(), name)).toBeDefined();
  }, 30_000);

  // K: staging/src/k8s.io/client-go/rest/with_retry.go (5xx with Retry-After).
  faultTest("5xx with Retry-After on a get: kubectl retries and succeeds", async () => {
    const name = uniqueName("retry5xx");
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { suspend: true })));
    cluster().setFaults({ failNext: { count: 1, status: 503, retryAfterSeconds: 1, verbs: ["get"], resources: ["jobs"] } });
    cluster().resetCounts();
    const out = await kubectlOk(cluster(), ["get", "job", name, "-o", "name"]);
    expect(out.trim()).toBe(`job.batch/${name}`);
    expect(requestCount(cluster(), "get", "jobs"), JSON.stringify(cluster().requestCounts())).toBe(2);
  }, 30_000);

  // K: staging/src/k8s.io/client-go/rest/request.go checkWait (no header, no retry).
  faultTest("429 without Retry-After: no retry, kubectl fails with TooManyRequests", async () => {
    const name = uniqueName("noretry");
    cluster().setFaults({ failNext: { count: 1, status: 429, verbs: ["create"], resources: ["jobs"] } });
    cluster().resetCounts();
    const r = await cluster().kubectl(["create", "-f", "-"], { input: manifestInput(jobManifest(name, { suspend: true })) });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("Error from server (TooManyRequests)");
    expect(requestCount(cluster(), "create", "jobs")).toBe(1);
    cluster().clearFaults();
    expect(await getJob(cluster(), name)).toBeUndefined();
  }, 30_000);

  // K: staging/src/k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go
  // (forbiddenMessage) inside apimachinery's NewForbidden; 403 is not retried.
  faultTest("403 as RBAC refuses: kubectl fails with Forbidden, naming user, verb, resource, group and namespace", async () => {
    cluster().setFaults({ failNext: { count: 1, status: 403, verbs: ["list"], resources: ["jobs"] } });
    cluster().resetCounts();
    const r = await cluster().kubectl(["get", "jobs"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/Error from server \(Forbidden\): jobs\.batch is forbidden: User "[^"]+" cannot list resource "jobs" in API group "batch" in the namespace "default"/);
    expect(requestCount(cluster(), "list", "jobs")).toBe(1);
  }, 30_000);

  // K: plugin/pkg/admission/resourcequota/controller.go ("exceeded quota").
  faultTest("jobQuota: a create beyond the quota is refused with 403 exceeded quota", async () => {
    const existing = (await listJobs(cluster())).length;
    cluster().setFaults({ jobQuota: existing + 1 });
    const allowed = uniqueName("quota-ok");
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(allowed, { suspend: true })));
    const refused = uniqueName("quota-no");
    const r = await cluster().kubectl(["create", "-f", "-"], { input: manifestInput(jobManifest(refused, { suspend: true })) });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("Error from server (Forbidden)");
    expect(r.stderr).toContain("exceeded quota");
    cluster().clearFaults();
    expect(await getJob(cluster(), refused)).toBeUndefined();
  }, 30_000);

  // K: staging/src/k8s.io/client-go/rest/with_retry.go (up to 10 retries).
  faultTest("rateLimit with Retry-After: a batch of creates all succeed, with extra attempts", async () => {
    const names = [1, 2, 3, 4, 5].map((i) => uniqueName(`rate${i}`));
    cluster().setFaults({ rateLimit: { perSecond: 2, retryAfterSeconds: 1, verbs: ["create"], resources: ["jobs"] } });
    cluster().resetCounts();
    const out = await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(...names.map((n) => jobManifest(n, { suspend: true }))), 60_000);
    expect(out.trim().split("\n")).toEqual(names.map((n) => `job.batch/${n} created`));
    expect(requestCount(cluster(), "create", "jobs"), "throttled creates are retried").toBeGreaterThan(5);
    cluster().clearFaults();
    for (const n of names) expect(await getJob(cluster(), n), n).toBeDefined();
  }, 60_000);

  // K: staging/src/k8s.io/client-go/rest/request.go; errors.go NewInternalError.
  faultTest("500 without Retry-After on a get: no retry, kubectl fails with InternalError", async () => {
    const name = uniqueName("err500");
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { suspend: true })));
    cluster().setFaults({ failNext: { count: 1, status: 500, verbs: ["get"], resources: ["jobs"] } });
    cluster().resetCounts();
    const r = await cluster().kubectl(["get", "job", name, "-o", "name"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("Error from server (InternalError)");
    expect(requestCount(cluster(), "get", "jobs")).toBe(1);
  }, 30_000);

  // K: staging/src/k8s.io/client-go/rest/with_retry.go; kubectl delete.go.
  faultTest("429 with Retry-After on a delete: kubectl delete -l retries and the job goes", async () => {
    const group = uniqueName("delretry");
    const name = uniqueName("delretry");
    await kubectlOk(cluster(), ["create", "-f", "-"], manifestInput(jobManifest(name, { suspend: true, labels: { group } })));
    cluster().setFaults({ failNext: { count: 1, status: 429, retryAfterSeconds: 1, verbs: ["delete"], resources: ["jobs"] } });
    cluster().resetCounts();
    const out = await kubectlOk(cluster(), ["delete", "job", "-l", `group=${group}`], undefined, 30_000);
    expect(out.trim()).toBe(`job.batch "${name}" deleted`);
    expect(requestCount(cluster(), "delete", "jobs")).toBe(2);
    cluster().clearFaults();
    expect(await getJob(cluster(), name)).toBeUndefined();
  }, 30_000);
});
