/**
 * The cluster a benchmark measures on: BENCH_CLUSTER=fake (the project's test cluster, the
 * default), real (the upstream control plane of test/control-plane/, a fresh one each
 * time, its pods run by the node agent) or both. On the real one, request counts come
 * from the API server's audit log of the admin user and cover the namespace only (no
 * discovery, /version or OpenAPI requests).
 */
import { join } from "node:path";
import { auditCounter } from "../test/control-plane/audit";
import { startRealCluster } from "../test/control-plane/start";
import { startFakeCluster, type FakeCluster } from "../test/fake-cluster/index";
import { kubectlRunner } from "../test/fake-cluster/kubectl";

export type ClusterKind = "fake" | "real";
export const CLUSTERS: ClusterKind[] = process.env.BENCH_CLUSTER === "both" ? ["fake", "real"] : process.env.BENCH_CLUSTER === "real" ? ["real"] : ["fake"];

/** What a run needs of a cluster, fake or real. */
export type BenchCluster = Pick<FakeCluster, "url" | "kubeconfigPath" | "env" | "kubectl" | "requestCounts" | "resetCounts" | "stop">;

export async function startCluster(kind: ClusterKind, timeScale: number, verbose = false): Promise<BenchCluster> {
  if (kind === "fake") return startFakeCluster({ timeScale });
  const real = await startRealCluster({ timeScale, log: verbose ? (l) => process.stderr.write(`${l}\n`) : () => {} });
  const cacheDir = join(real.dir, "kubectl-cache");
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  env.KUBECONFIG = real.kubeconfigPath;
  env.KUBECACHEDIR = cacheDir;
  const runner = kubectlRunner(env, cacheDir);
  const audit = auditCounter(real.auditLog, "default");
  return {
    url: real.url,
    kubeconfigPath: real.kubeconfigPath,
    env,
    kubectl: runner.run,
    requestCounts: () => audit.counts(),
    resetCounts: () => audit.reset(),
    stop: async () => {
      runner.killAll();
      await real.stop();
    },
  };
}
