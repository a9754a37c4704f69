/**
 * `npm run real-cluster -- --kubeconfig PATH [--exec-commands] [--time-scale X]`
 * Builds the upstream control plane if it is not cached, starts it on 127.0.0.1 with the
 * node agent as its Node, writes the kubeconfig once the API server is ready, prints one
 * ready line, and runs until SIGINT/SIGTERM, when it stops every process and removes its data.
 */
import { parseArgs } from "node:util";
import { runInForeground } from "../cluster/foreground";
import { startRealCluster } from "./start";

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: real-cluster --kubeconfig PATH [--exec-commands] [--time-scale X]\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ options: { kubeconfig: { type: "string" }, "exec-commands": { type: "boolean" }, "time-scale": { type: "string" } }, strict: true }));
  } catch (e) {
    usage((e as Error).message);
  }
  if (!values.kubeconfig) usage("--kubeconfig is required");
  const scale = values["time-scale"] === undefined ? undefined : Number(values["time-scale"]);
  if (scale !== undefined && !(Number.isFinite(scale) && scale >= 0)) usage("--time-scale must be a non-negative number");
  await runInForeground(
    () => startRealCluster({ kubeconfigPath: values.kubeconfig, execCommands: values["exec-commands"] ?? false, timeScale: scale }),
    (cluster) => `real cluster ${cluster.version} ready at ${cluster.url} (kubeconfig ${cluster.kubeconfigPath}, node ${cluster.nodeName})`,
  );
}

main().catch((e: Error) => {
  process.stderr.write(`real-cluster: ${e.message}\n`);
  process.exit(1);
});
