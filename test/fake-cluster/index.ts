/**
 * The test cluster: a fake Kubernetes API server on 127.0.0.1 with a simulated Job
 * controller, garbage collector and kubelet, driven through the real kubectl.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Clock } from "./clock";
import { JobController } from "./controller";
import { EventRecorder } from "./events";
import { Faults } from "./faults";
import { GarbageCollector } from "./gc";
import { createHandler } from "./http";
import { Kubelet } from "./kubelet";
import { kubectlRunner } from "./kubectl";
import { R, Registry } from "./registry";
import { Store } from "./store";
import type { FakeCluster, FakeClusterOptions } from "./types";
import { WatchHub } from "./watch";

export * from "./types";

/**
 * Events kept for watches from an older resourceVersion (at most this many, and none older
 * than 75 s); a watch from before them gets 410 Expired.
 */
const DEFAULT_WATCH_HISTORY = 100_000;

export function kubeconfigYaml(url: string, token: string): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: fake",
    "  cluster:",
    `    server: ${url}`,
    "    insecure-skip-tls-verify: true",
    "users:",
    "- name: fake-user",
    "  user:",
    `    token: ${token}`,
    "contexts:",
    "- name: fake",
    "  context:",
    "    cluster: fake",
    "    user: fake-user",
    "    namespace: default",
    "current-context: fake",
    "",
  ].join("\n");
}

export async function startFakeCluster(options: FakeClusterOptions = {}): Promise<FakeCluster> {
  let minor = options.minorVersion ?? 32;
  const clock = new Clock(options.timeScale ?? 1);
  const store = new Store(options.watchHistory ?? DEFAULT_WATCH_HISTORY);
  const registry = new Registry(store, () => minor);
  const faults = new Faults();
  const watches = new WatchHub(store, clock, faults);
  const events = new EventRecorder(registry);
  const gc = new GarbageCollector(registry, clock);
  const kubelet = Kubelet.forRegistry(registry, clock, options.execCommands ?? false);
  const controller = new JobController(registry, clock, kubelet, events, () => minor);
  registry.hooks.beforeCreate = (r, namespace, obj) => {
    if (r === R.jobs && namespace !== undefined) faults.checkJobQuota(obj.metadata?.name ?? "", store.scan(R.jobs, namespace).length);
  };
  store.subscribe((e) => {
    gc.onEvent(e);
    kubelet.onEvent(e);
    controller.onEvent(e);
    if (e.resource === R.pods || e.resource === R.jobs || e.resource === R.configmaps) {
      if (e.type === "DELETED") {
        const ns = e.object.metadata.namespace;
        if (ns) clock.afterReal(0, () => registry.finishNamespace(ns));
      }
    }
  });
  for (const ns of ["default", "kube-system", "kube-public"]) registry.create(R.namespaces, undefined, { metadata: { name: ns } }, { fieldManager: "kube-apiserver" });

  let port = 0;
  const server: Server = createServer();
  const sockets = new Set<Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.on("request", createHandler({ registry, faults, watches, logs: kubelet, minor: () => minor, hostPort: () => `127.0.0.1:${port}` }));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  port = typeof address === "object" && address !== null ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;

  const tempDir = mkdtempSync(join(tmpdir(), "jobx-fake-cluster-"));
  const kubeconfigPath = options.kubeconfigPath ?? join(tempDir, "kubeconfig");
  const ownsKubeconfig = options.kubeconfigPath === undefined;
  mkdirSync(dirname(kubeconfigPath), { recursive: true });
  writeFileSync(kubeconfigPath, kubeconfigYaml(url, "fake-token"), { mode: 0o600 });
  const cacheDir = join(tempDir, "cache");
  mkdirSync(cacheDir, { recursive: true });
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  env.KUBECONFIG = kubeconfigPath;
  env.KUBECACHEDIR = cacheDir;

  const runner = kubectlRunner(env, cacheDir);
  const kubectl = runner.run;
  let stopped = false;

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    runner.killAll();
    clock.stop();
    kubelet.stop();
    controller.stop();
    watches.closeAll();
    store.clearListeners();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
    });
    rmSync(tempDir, { recursive: true, force: true });
    if (!ownsKubeconfig) rmSync(kubeconfigPath, { force: true });
  };

  return {
    url,
    port,
    kubeconfigPath,
    cacheDir,
    env,
    kubectl,
    requestCounts: () => faults.requestCounts(),
    resetCounts: () => faults.resetCounts(),
    setFaults: (f) => faults.set(f),
    clearFaults: () => faults.clear(),
    setMinorVersion: (m) => {
      minor = m;
    },
    stop,
  };
}
