/**
 * The cluster a test file runs on, whichever it is: JOBX_TEST_CLUSTER says.
 *
 *   fake  our own test cluster (test/fake-cluster/), one per describe block (the default)
 *   real  the upstream control plane (test/control-plane/) started once for the whole run
 *         by real-setup.ts; each test file gets a namespace of its own
 *   own   a cluster of one's own (kind, minikube, …) through JOBX_TEST_KUBECONFIG (or
 *         KUBECONFIG): a namespace of its own per test file, deleted afterwards
 *
 * Tests that need what only the fake can do (injected faults, cut watches, a chosen
 * server version, exact timing) are declared with fakeOnly(reason) and are skipped, with
 * that reason printed, on the others. Request counts work on the real control plane too,
 * from its API server's audit log (not on a cluster of one's own).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, inject, it } from "vitest";
import { startFakeCluster } from "../fake-cluster/index";
import { kubectlRunner } from "../fake-cluster/kubectl";
import { auditCounter } from "../control-plane/audit";
import type { FakeCluster, FakeClusterOptions } from "../fake-cluster/types";
import { EXEC_LABEL, TIME_SCALE_LABEL } from "../node-agent/index";

export type ClusterKind = "fake" | "real" | "own";


declare module "vitest" {
  export interface ProvidedContext {
    /** The real control plane's admin kubeconfig, from real-setup.ts. */
    realKubeconfig: string;
    /** Its audit log: the requests of kubectl and jobx, counted per namespace. */
    realAuditLog: string;
  }
}

export function clusterKind(): ClusterKind {
  const v = process.env.JOBX_TEST_CLUSTER ?? "fake";
  if (v === "fake" || v === "real" || v === "own") return v;
  throw new Error(`JOBX_TEST_CLUSTER=${v}: expected fake, real or own`);
}

/** A cluster as a test sees it; what only the fake has fails loudly elsewhere (see fakeOnly). */
export interface TestCluster extends FakeCluster {
  kind: ClusterKind;
  /** The namespace the test's kubeconfig points at. */
  namespace: string;
  /** The kubeconfig's current context. */
  context: string;
}

/** `it`, or on a cluster other than the fake, a skip that says why. */
export function fakeOnly(reason: string): typeof it {
  if (clusterKind() === "fake") return it;
  const skip = ((name: string, ...rest: unknown[]) => {
    process.stderr.write(`skipped on the ${clusterKind()} cluster (fake only: ${reason}): ${name}\n`);
    return (it.skip as (...a: unknown[]) => void)(`${name} [fake only: ${reason}]`, ...rest);
  }) as unknown as typeof it;
  return skip;
}

function fakeOnlyMethod(name: string): never {
  throw new Error(`${name}() needs the fake cluster: declare this test with fakeOnly(reason)`);
}

/** A fresh namespace on a cluster we do not own, and a kubeconfig that points at it. */
async function namespaceCluster(kind: ClusterKind, adminKubeconfig: string, options: FakeClusterOptions, auditLog?: string): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), "jobx-test-ns-"));
  const cacheDir = join(dir, "cache");
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  const admin = kubectlRunner({ ...env, KUBECONFIG: adminKubeconfig }, cacheDir);
  const flat = await admin.run(["config", "view", "--minify", "--flatten", "-o", "json"]);
  if (flat.exitCode !== 0) throw new Error(`reading ${adminKubeconfig}: ${flat.stderr}`);
  const config = JSON.parse(flat.stdout) as { clusters: { cluster: { server: string } }[]; contexts: { context: Record<string, string> }[]; "current-context": string };
  const namespace = `jobx-test-${randomBytes(4).toString("hex")}`;
  for (const c of config.contexts) c.context.namespace = namespace;
  const kubeconfigPath = join(dir, "kubeconfig");
  writeFileSync(kubeconfigPath, JSON.stringify(config), { mode: 0o600 });
  env.KUBECONFIG = kubeconfigPath;
  env.KUBECACHEDIR = cacheDir;
  const runner = kubectlRunner(env, cacheDir);
  const labels = [`${TIME_SCALE_LABEL}=${options.timeScale ?? 1}`, `${EXEC_LABEL}=${options.execCommands ? "true" : "false"}`];
  const made = await runner.run(["create", "namespace", namespace]);
  if (made.exitCode !== 0) throw new Error(`creating namespace ${namespace}: ${made.stderr}`);
  if (kind === "real") {
    const labelled = await runner.run(["label", "namespace", namespace, ...labels]);
    if (labelled.exitCode !== 0) throw new Error(`labelling namespace ${namespace}: ${labelled.stderr}`);
  }
  const url = config.clusters[0]?.cluster.server ?? "";
  const audit = auditLog ? auditCounter(auditLog, namespace) : undefined;
  return {
    kind,
    namespace,
    context: config["current-context"],
    url,
    port: Number(new URL(url).port || 443),
    kubeconfigPath,
    cacheDir,
    env,
    kubectl: runner.run,
    requestCounts: () => (audit ? audit.counts() : fakeOnlyMethod("requestCounts")),
    resetCounts: () => (audit ? audit.reset() : fakeOnlyMethod("resetCounts")),
    setFaults: () => fakeOnlyMethod("setFaults"),
    clearFaults: () => {},
    setMinorVersion: () => fakeOnlyMethod("setMinorVersion"),
    async stop() {
      await runner.run(["delete", "namespace", namespace, "--wait=false", "--ignore-not-found"]);
      runner.killAll();
      admin.killAll();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startCluster(options: FakeClusterOptions): Promise<TestCluster> {
  const kind = clusterKind();
  if (kind === "fake") return { ...(await startFakeCluster(options)), kind, namespace: "default", context: "fake" };
  if (kind === "real") return namespaceCluster(kind, inject("realKubeconfig"), options, inject("realAuditLog"));
  const own = process.env.JOBX_TEST_KUBECONFIG ?? process.env.KUBECONFIG;
  if (!own) throw new Error("JOBX_TEST_CLUSTER=own needs JOBX_TEST_KUBECONFIG (or KUBECONFIG) naming the cluster's kubeconfig");
  return namespaceCluster(kind, own, options);
}

/**
 * A cluster for one vitest `describe` block (or file): started (or its namespace made)
 * before the first test, faults cleared after each, stopped after the last. Returns a
 * getter, because the cluster exists only once `beforeAll` has run.
 */
export function useCluster(options: FakeClusterOptions = { timeScale: 0.01 }): () => TestCluster {
  let cluster: TestCluster | undefined;
  beforeAll(async () => {
    cluster = await startCluster(options);
  }, 120_000);
  afterEach(() => {
    cluster?.clearFaults();
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  return () => {
    if (!cluster) throw new Error("the test cluster is not running");
    return cluster;
  };
}
