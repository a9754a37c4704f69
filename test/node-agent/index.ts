/**
 * The node of the real control plane: what a kubelet does that jobx and its tests rely on,
 * done through the real API server. No container runtime can run here, so the containers
 * are the test cluster's simulated ones (test/fake-cluster/kubelet.ts), run as they are
 * there: their `sh -c` script on the host in exec mode, or the POD_BEHAVIOUR annotations.
 *
 * It registers one Node (loopback addresses only, Ready, its Lease renewed), binds every
 * unscheduled pod to it (there is no scheduler), runs the pods, writes their status as the
 * kubelet does, lets deleted pods go once their containers stopped, and serves the
 * kubelet's HTTPS log endpoint the API server proxies `kubectl logs` to.
 */
import { createServer, type Server } from "node:https";
import type { Duplex } from "node:stream";
import { Clock } from "../fake-cluster/clock";
import { ApiError } from "../fake-cluster/errors";
import { HOST_IP, Kubelet, type PodHost } from "../fake-cluster/kubelet";
import { clone, timestamp, type Obj } from "../fake-cluster/util";
import { ApiClient } from "./api-client";

export interface NodeAgentOptions {
  /** https://127.0.0.1:PORT of the API server */
  server: string;
  token: string;
  /** PEM of the CA that signed the API server's certificate */
  ca: string;
  /** Key and certificate the log endpoint serves with (the API server does not verify them). */
  tls: { key: string; cert: string };
  nodeName?: string;
  execCommands?: boolean;
  /** Multiplies the simulated cold start and run times (not the control plane's own timers). */
  timeScale?: number;
  kubeletVersion: string;
  log?: (line: string) => void;
}

export interface NodeAgent {
  nodeName: string;
  /** The log endpoint's port on 127.0.0.1. */
  port: number;
  stop(): Promise<void>;
}

const INDEX_ANNOTATION = "batch.kubernetes.io/job-completion-index";
const LEASE_SECONDS = 40;
/** Namespace labels: the time scale of its pods' simulated containers, and whether their `sh -c` scripts run on the host. */
export const TIME_SCALE_LABEL = "test.jobx.dev/time-scale";
export const EXEC_LABEL = "test.jobx.dev/exec-commands";

interface RunMode {
  timeScale: number;
  execCommands: boolean;
}

export async function startNodeAgent(options: NodeAgentOptions): Promise<NodeAgent> {
  const nodeName = options.nodeName ?? "jobx-node";
  const log = options.log ?? (() => {});
  const api = new ApiClient(options.server, options.token, options.ca);
  const clock = new Clock(options.timeScale ?? 1);
  const pods = new Map<string, Obj>();
  const key = (ns: string, name: string): string => `${ns}/${name}`;
  /** Status writes of one pod go out one after the other, in order. */
  const writes = new Map<string, Promise<void>>();
  /** Pods seen per Job (and completion index): the attempt number of the POD_BEHAVIOUR exit codes. */
  const attempts = new Map<string, number>();
  let stopped = false;

  const rv = (o: Obj): number => Number(o?.metadata?.resourceVersion ?? 0);
  const remember = (pod: Obj): void => {
    const k = key(pod.metadata.namespace, pod.metadata.name);
    const old = pods.get(k);
    if (!old || old.metadata.uid !== pod.metadata.uid || rv(pod) >= rv(old)) pods.set(k, pod);
  };

  const host: PodHost = {
    nodeName,
    get: (ns, name) => pods.get(key(ns, name)),
    writeStatus: (ns, name, uid, fn) => {
      const k = key(ns, name);
      const next = (writes.get(k) ?? Promise.resolve()).then(async () => {
        const cur = pods.get(k);
        if (stopped || !cur || cur.metadata.uid !== uid) return;
        const copy = clone(cur);
        fn(copy);
        // A merge patch with the uid: it applies to this pod only, never to a namesake.
        const res = await api.request("PATCH", `/api/v1/namespaces/${ns}/pods/${name}/status`, { metadata: { uid }, status: copy.status }, "application/merge-patch+json");
        if (res.status === 200) remember(res.body);
        else if (res.status !== 404 && res.status !== 409) log(`node agent: status of ${k}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      }).catch((e: Error) => log(`node agent: status of ${k}: ${e.message}`));
      writes.set(k, next);
    },
    configMap: async (ns, name) => {
      const res = await api.request("GET", `/api/v1/namespaces/${ns}/configmaps/${name}`);
      return res.status === 200 ? res.body : undefined;
    },
    finishDeletion: (pod) => {
      void api
        .request("DELETE", `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } })
        .catch((e: Error) => log(`node agent: deleting ${pod.metadata.name}: ${e.message}`));
    },
  };
  // One simulated kubelet per way of running: a namespace may ask for its own time scale
  // and exec mode with the labels below (tests sharing one control plane differ in both).
  const kubelets = new Map<string, { kubelet: Kubelet; clock: Clock }>();
  const kubeletOf = (mode: RunMode): Kubelet => {
    const k = `${mode.timeScale}/${mode.execCommands}`;
    let entry = kubelets.get(k);
    if (!entry) {
      const c = new Clock(mode.timeScale);
      entry = { kubelet: new Kubelet(host, c, mode.execCommands), clock: c };
      kubelets.set(k, entry);
    }
    return entry.kubelet;
  };
  /** The kubelet that runs (or ran) each pod, by uid. */
  const running = new Map<string, Kubelet>();
  const modes = new Map<string, Promise<RunMode>>();
  const defaults: RunMode = { timeScale: options.timeScale ?? 1, execCommands: options.execCommands ?? false };
  const modeOf = (namespace: string): Promise<RunMode> => {
    let p = modes.get(namespace);
    if (!p) {
      p = api.request("GET", `/api/v1/namespaces/${namespace}`).then((res) => {
        const labels = (res.body?.metadata?.labels ?? {}) as Record<string, string>;
        const scale = Number(labels[TIME_SCALE_LABEL]);
        const exec = labels[EXEC_LABEL];
        return {
          timeScale: labels[TIME_SCALE_LABEL] !== undefined && Number.isFinite(scale) && scale >= 0 ? scale : defaults.timeScale,
          execCommands: exec === undefined ? defaults.execCommands : exec === "true",
        };
      }, () => defaults);
      modes.set(namespace, p);
    }
    return p;
  };

  const attemptOf = (pod: Obj): number => {
    const owner = ((pod.metadata.ownerReferences ?? []) as Obj[]).find((o) => o.controller)?.uid ?? pod.metadata.uid;
    const k = `${owner}/${pod.metadata.annotations?.[INDEX_ANNOTATION] ?? ""}`;
    const n = attempts.get(k) ?? 0;
    attempts.set(k, n + 1);
    return n;
  };

  const admit = async (pod: Obj): Promise<void> => {
    const uid = pod.metadata.uid as string;
    const attempt = attemptOf(pod);
    const kubelet = kubeletOf(await modeOf(pod.metadata.namespace));
    running.set(uid, kubelet);
    const latest = pods.get(key(pod.metadata.namespace, pod.metadata.name));
    if (stopped || !latest || latest.metadata.uid !== uid) return;
    if (latest.metadata.deletionTimestamp) kubelet.terminate(latest);
    else kubelet.admit(latest, attempt);
  };

  const onPod = (type: string, pod: Obj): void => {
    const uid = pod.metadata.uid as string;
    if (type === "DELETED") {
      pods.delete(key(pod.metadata.namespace, pod.metadata.name));
      running.get(uid)?.forget(uid);
      running.delete(uid);
      return;
    }
    remember(pod);
    const terminal = pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
    if (!pod.spec.nodeName) {
      if (!pod.metadata.deletionTimestamp) void bind(pod);
      return;
    }
    if (pod.spec.nodeName !== nodeName) return;
    const kubelet = running.get(uid);
    if (kubelet) {
      if (pod.metadata.deletionTimestamp) kubelet.terminate(pod);
      return;
    }
    if (running.has(uid) || admitting.has(uid)) return;
    if (terminal && !pod.metadata.deletionTimestamp) return;
    admitting.add(uid);
    void admit(pod).finally(() => admitting.delete(uid));
  };
  const admitting = new Set<string>();

  const bind = async (pod: Obj): Promise<void> => {
    const res = await api.request("POST", `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/binding`, {
      apiVersion: "v1",
      kind: "Binding",
      metadata: { name: pod.metadata.name, uid: pod.metadata.uid },
      target: { apiVersion: "v1", kind: "Node", name: nodeName },
    });
    if (res.status !== 201 && res.status !== 200 && res.status !== 409 && res.status !== 404) log(`node agent: binding ${pod.metadata.name}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  };

  // The kubelet's log endpoint.
  const sockets = new Set<Duplex>();
  const server: Server = createServer({ key: options.tls.key, cert: options.tls.cert }, (req, res) => {
    const url = new URL(req.url ?? "/", "https://127.0.0.1");
    const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (!m) {
      res.writeHead(url.pathname === "/healthz" ? 200 : 404).end(url.pathname === "/healthz" ? "ok" : "not found");
      return;
    }
    const [, ns, name, container] = m.map((p) => decodeURIComponent(p));
    const pod = pods.get(key(ns ?? "", name ?? ""));
    try {
      if (!pod) throw new ApiError(404, "NotFound", `pod "${name}" not found on this node`);
      url.searchParams.set("container", container ?? "");
      const kubelet = running.get(pod.metadata.uid);
      if (!kubelet) throw new ApiError(400, "BadRequest", `container "${container}" in pod "${name}" is waiting to start: ContainerCreating`);
      kubelet.serveLogs(pod, url.searchParams, res);
    } catch (e) {
      const status = e instanceof ApiError ? e.code : 500;
      if (!res.headersSent) res.writeHead(status, { "Content-Type": "text/plain" });
      res.end((e as Error).message);
    }
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, HOST_IP, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;

  // The Node, Ready, with loopback addresses only.
  const node = await api.request("POST", "/api/v1/nodes", {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: nodeName, labels: { "kubernetes.io/hostname": nodeName, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64" } },
  });
  if (node.status !== 201 && node.status !== 409) throw new Error(`node agent: creating the Node: ${node.status} ${JSON.stringify(node.body)}`);
  const nodeStatus = (): Obj => {
    const now = timestamp();
    const condition = (type: string, status: string, reason: string, message: string): Obj => ({ type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime: now });
    return {
      status: {
        addresses: [
          { type: "InternalIP", address: HOST_IP },
          { type: "Hostname", address: nodeName },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: port } },
        capacity: { cpu: "64", memory: "256Gi", pods: "10000", "ephemeral-storage": "1Ti" },
        allocatable: { cpu: "64", memory: "256Gi", pods: "10000", "ephemeral-storage": "1Ti" },
        conditions: [
          condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
          condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
          condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
          condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
        ],
        nodeInfo: {
          kubeletVersion: options.kubeletVersion,
          kubeProxyVersion: "",
          operatingSystem: "linux",
          architecture: "amd64",
          containerRuntimeVersion: "jobx-node-agent://1",
          kernelVersion: "",
          osImage: "jobx node agent",
          machineID: "",
          systemUUID: "",
          bootID: "",
        },
      },
    };
  };
  const ready = await api.request("PATCH", `/api/v1/nodes/${nodeName}/status`, nodeStatus(), "application/merge-patch+json");
  if (ready.status !== 200) throw new Error(`node agent: Node status: ${ready.status} ${JSON.stringify(ready.body)}`);

  // The Lease the node lifecycle controller reads; renewed every 10 s until stop().
  const renewLease = async (): Promise<void> => {
    const path = `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${nodeName}`;
    const spec = { holderIdentity: nodeName, leaseDurationSeconds: LEASE_SECONDS, renewTime: new Date().toISOString().replace("Z", "000Z") };
    const res = await api.request("PATCH", path, { spec }, "application/merge-patch+json");
    if (res.status === 404) await api.request("POST", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: nodeName }, spec });
  };
  await renewLease().catch((e: Error) => log(`node agent: lease: ${e.message}`));
  const stopLease = clock.every(10_000, () => void renewLease().catch((e: Error) => log(`node agent: lease: ${e.message}`)));

  const watch = api.watchPods(onPod, log);

  return {
    nodeName,
    port,
    async stop() {
      stopped = true;
      stopLease();
      watch.stop();
      for (const k of kubelets.values()) {
        k.kubelet.stop();
        k.clock.stop();
      }
      clock.stop();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await watch.done;
    },
  };
}
