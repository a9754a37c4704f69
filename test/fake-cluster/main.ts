/**
 * `npm run fake-cluster -- --kubeconfig PATH [--port N] [--time-scale X] [--exec-commands] [--minor-version N]`
 * Runs the test cluster in the foreground until SIGINT/SIGTERM.
 */
import { parseArgs } from "node:util";
import { runInForeground } from "../cluster/foreground";
import { startFakeCluster } from "./index";

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: fake-cluster --kubeconfig PATH [--port N] [--time-scale X] [--exec-commands] [--minor-version N]\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        kubeconfig: { type: "string" },
        port: { type: "string" },
        "time-scale": { type: "string" },
        "exec-commands": { type: "boolean" },
        "minor-version": { type: "string" },
      },
      strict: true,
    }));
  } catch (e) {
    usage((e as Error).message);
  }
  if (!values.kubeconfig) usage("--kubeconfig is required");
  const num = (v: string | undefined, name: string): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) usage(`${name} must be a non-negative number`);
    return n;
  };
  await runInForeground(
    () =>
      startFakeCluster({
        kubeconfigPath: values.kubeconfig,
        port: num(values.port, "--port"),
        timeScale: num(values["time-scale"], "--time-scale"),
        execCommands: values["exec-commands"] ?? false,
        minorVersion: num(values["minor-version"], "--minor-version"),
      }),
    (cluster) => `fake cluster ready at ${cluster.url} (kubeconfig ${cluster.kubeconfigPath})`,
  );
}

void main();
