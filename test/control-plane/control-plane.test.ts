/**
 * The upstream control plane the `real` project runs on is what it claims to be: the
 * pinned release (not v0.0.0-master), the full built-in API with its OpenAPI, and one
 * Ready Node whose every address is loopback.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useCluster } from "../cluster/index";
import { stagingModules } from "./build";

const pinned = /k8s\.io\/kubernetes (v\S+)/.exec(readFileSync(join(import.meta.dirname, "kubernetes", "go.mod"), "utf8"))?.[1];

describe("the real control plane", () => {
  const cluster = useCluster();

  it("reports the pinned release", async () => {
    const r = await cluster().kubectl(["version", "-o", "json"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const v = JSON.parse(r.stdout) as { serverVersion: { gitVersion: string; major: string; minor: string } };
    expect(v.serverVersion.gitVersion).toBe(pinned);
    expect(`v${v.serverVersion.major}.${v.serverVersion.minor}.`).toBe(`${pinned?.replace(/\.\d+$/, "")}.`);
  });

  it("serves the full built-in API, with OpenAPI", async () => {
    const r = await cluster().kubectl(["api-resources", "-o", "name"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const names = r.stdout.split("\n");
    for (const n of ["jobs.batch", "cronjobs.batch", "pods", "configmaps", "resourcequotas", "leases.coordination.k8s.io", "customresourcedefinitions.apiextensions.k8s.io", "events.events.k8s.io"]) expect(names).toContain(n);
    const explain = await cluster().kubectl(["explain", "job.spec.backoffLimitPerIndex"]);
    expect(explain.exitCode, explain.stderr).toBe(0);
    expect(explain.stdout).toContain("backoffLimitPerIndex <integer>");
  });

  it("has one Ready Node with loopback addresses only", async () => {
    const r = await cluster().kubectl(["get", "nodes", "-o", "json"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const nodes = (JSON.parse(r.stdout) as { items: { status: { addresses: { type: string; address: string }[]; conditions: { type: string; status: string }[]; daemonEndpoints: { kubeletEndpoint: { Port: number } } } }[] }).items;
    expect(nodes).toHaveLength(1);
    const status = nodes[0]?.status;
    expect(status?.conditions.find((c) => c.type === "Ready")?.status).toBe("True");
    for (const a of status?.addresses.filter((x) => x.type.endsWith("IP")) ?? []) expect(a.address).toBe("127.0.0.1");
    expect(status?.daemonEndpoints.kubeletEndpoint.Port).toBeGreaterThan(0);
  });
});

describe("the build", () => {
  it("derives the staging replaces from the release's go.mod, one per => ./staging line", () => {
    const goMod = "replace (\n\tk8s.io/api => ./staging/src/k8s.io/api\n\tk8s.io/client-go => ./staging/src/k8s.io/client-go\n\tgithub.com/x/y => github.com/x/y v1.0.0\n)\n";
    expect(stagingModules(goMod)).toEqual(["k8s.io/api", "k8s.io/client-go"]);
  });
});
