/**
 * vitest globalSetup of the `real` project: one upstream control plane for the whole run
 * (test files share it, each in a namespace of its own), stopped when the run ends.
 */
import type { TestProject } from "vitest/node";
import { startRealCluster, type RealCluster } from "../control-plane/start";

let cluster: RealCluster | undefined;

export async function setup(project: TestProject): Promise<void> {
  const started = Date.now();
  cluster = await startRealCluster({ log: (line) => process.stderr.write(`${line}\n`) });
  process.stderr.write(`real control plane ${cluster.version} ready at ${cluster.url} in ${Math.round((Date.now() - started) / 1000)} s\n`);
  project.provide("realKubeconfig", cluster.kubeconfigPath);
  project.provide("realAuditLog", cluster.auditLog);
}

export async function teardown(): Promise<void> {
  await cluster?.stop();
}
