/**
 * Starts the upstream control plane on 127.0.0.1: etcd, kube-apiserver,
 * kube-controller-manager (the Job, garbage-collector, TTL-after-finished, namespace and
 * resource-quota controllers), and the node agent (test/node-agent/) as its one Node.
 * Every listener binds 127.0.0.1 and every advertised address is 127.0.0.1.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ApiClient } from "../node-agent/api-client";
import { startNodeAgent, type NodeAgent } from "../node-agent/index";
import { ensureControlPlane } from "./build";

export interface RealClusterOptions {
  /** Where to write the kubeconfig once the API server is ready; default inside the cluster's own folder. */
  kubeconfigPath?: string;
  /** Run each container's `sh -c` script on the host (see test/node-agent). Default false. */
  execCommands?: boolean;
  /** Multiplies the simulated cold start and run times on the node. Default 1. */
  timeScale?: number;
  /** Progress and component failures; default stderr. */
  log?: (line: string) => void;
}

export interface RealCluster {
  /** https://127.0.0.1:PORT */
  url: string;
  kubeconfigPath: string;
  /** e.g. v1.33.13 */
  version: string;
  nodeName: string;
  /** The folder of the cluster's data and component logs (removed by stop()). */
  dir: string;
  /**
   * The API server's audit log (JSON lines): one entry per request of the admin user, the
   * one kubectl and jobx use — not of the controllers or the node, which have users of
   * their own. Tests count requests with it (see test/cluster).
   */
  auditLog: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until ok() or the deadline; a bounded loop, as every loop that talks to a server here. */
async function until(what: string, deadlineMs: number, ok: () => Promise<boolean> | boolean, failed: () => string | undefined): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    const why = failed();
    if (why) throw new Error(`${what}: ${why}`);
    if (await Promise.resolve().then(ok).catch(() => false)) return;
    await sleep(200);
  }
  throw new Error(`${what}: not ready after ${Math.round(deadlineMs / 1000)} s`);
}

export function kubeconfigText(url: string, caPem: string, token: string, namespace?: string): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: jobx-real
  cluster:
    server: ${url}
    certificate-authority-data: ${Buffer.from(caPem).toString("base64")}
users:
- name: jobx-admin
  user:
    token: ${token}
contexts:
- name: jobx-real
  context:
    cluster: jobx-real
    user: jobx-admin${namespace ? `\n    namespace: ${namespace}` : ""}
current-context: jobx-real
`;
}

export async function startRealCluster(options: RealClusterOptions = {}): Promise<RealCluster> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const bin = ensureControlPlane();
  const dir = mkdtempSync(join(tmpdir(), "jobx-real-cluster-"));
  const procs: { name: string; child: ChildProcess; logFile: string; exited?: string }[] = [];
  let agent: NodeAgent | undefined;

  const run = (name: string, file: string, args: string[]): void => {
    const logFile = join(dir, `${name}.log`);
    const fd = openSync(logFile, "a");
    const child = spawn(file, args, { stdio: ["ignore", fd, fd], env: { ...process.env, GOMAXPROCS: "2" } });
    closeSync(fd);
    const entry: (typeof procs)[number] = { name, child, logFile };
    child.on("exit", (code, signal) => (entry.exited = `exited (${signal ?? code}); its log ends:\n${tail(logFile)}`));
    procs.push(entry);
  };
  const exitedOf = (name: string) => () => procs.find((p) => p.name === name)?.exited;

  const stop = async (): Promise<void> => {
    await agent?.stop().catch(() => {});
    // Controllers first, then the API server, then etcd.
    for (const p of [...procs].reverse()) {
      if (p.child.exitCode !== null || p.child.signalCode !== null) continue;
      const gone = new Promise<void>((r) => p.child.once("exit", () => r()));
      p.child.kill("SIGTERM");
      const killer = setTimeout(() => p.child.kill("SIGKILL"), 5000);
      await gone;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", () => {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill("SIGKILL");
  });

  try {
    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    run("etcd", bin.etcd, [
      "--name=jobx",
      `--data-dir=${join(dir, "etcd")}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=jobx=http://127.0.0.1:${etcdPeer}`,
      "--unsafe-no-fsync",
      "--log-level=warn",
    ]);
    await until("etcd", 30_000, async () => (await fetch(`${etcdUrl}/health`)).ok, exitedOf("etcd"));

    // Service-account keys and one static token in system:masters, for kubectl, jobx,
    // the controller manager and the node agent alike.
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(join(dir, "sa.key"), privateKey.export({ type: "pkcs8", format: "pem" }));
    writeFileSync(join(dir, "sa.pub"), publicKey.export({ type: "spki", format: "pem" }));
    const newToken = (): string => randomBytes(24).toString("hex");
    const token = newToken();
    const controllerToken = newToken();
    const nodeToken = newToken();
    writeFileSync(
      join(dir, "tokens.csv"),
      [
        `${token},jobx-admin,jobx-admin,"system:masters"`,
        `${controllerToken},system:kube-controller-manager,kcm,"system:masters"`,
        `${nodeToken},system:node:jobx-node,node,"system:masters,system:nodes"`,
      ].join("\n") + "\n",
    );
    const auditLog = join(dir, "audit.log");
    writeFileSync(
      join(dir, "audit-policy.yaml"),
      `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
- level: Metadata
  users: ["jobx-admin"]
- level: None
`,
    );
    const certDir = join(dir, "certs");
    mkdirSync(certDir);
    run("kube-apiserver", bin.kubeApiserver, [
      `--etcd-servers=${etcdUrl}`,
      "--bind-address=127.0.0.1",
      `--secure-port=${apiPort}`,
      // Advertise loopback; the endpoint reconciler would refuse it, so it is off (no
      // `kubernetes` Endpoints: nothing here dials a ClusterIP).
      "--advertise-address=127.0.0.1",
      "--endpoint-reconciler-type=none",
      // Required, and allocation-only: no component dials an address of this range.
      "--service-cluster-ip-range=10.0.0.0/24",
      `--cert-dir=${certDir}`,
      `--token-auth-file=${join(dir, "tokens.csv")}`,
      "--authorization-mode=RBAC",
      `--service-account-key-file=${join(dir, "sa.pub")}`,
      `--service-account-signing-key-file=${join(dir, "sa.key")}`,
      "--service-account-issuer=https://kubernetes.default.svc",
      // No service-account token controller runs: pods go without a token volume.
      "--disable-admission-plugins=ServiceAccount",
      "--kubelet-preferred-address-types=InternalIP",
      `--audit-policy-file=${join(dir, "audit-policy.yaml")}`,
      `--audit-log-path=${auditLog}`,
      "--audit-log-format=json",
      "--profiling=false",
      "--v=1",
    ]);
    const url = `https://127.0.0.1:${apiPort}`;
    const caFile = join(certDir, "apiserver.crt");
    await until("kube-apiserver", 120_000, () => existsSync(caFile), exitedOf("kube-apiserver"));
    const ca = readFileSync(caFile, "utf8");
    const api = new ApiClient(url, token, ca);
    const ok = async (path: string): Promise<boolean> => (await api.request("GET", path)).status === 200;
    await until("kube-apiserver", 120_000, () => ok("/readyz"), exitedOf("kube-apiserver"));

    const kubeconfig = kubeconfigText(url, ca, token);
    const cmKubeconfig = join(dir, "controller-manager.kubeconfig");
    writeFileSync(cmKubeconfig, kubeconfigText(url, ca, controllerToken));
    run("kube-controller-manager", bin.kubeControllerManager, [
      `--kubeconfig=${cmKubeconfig}`,
      "--controllers=job-controller,garbage-collector-controller,ttl-after-finished-controller,namespace-controller,resourcequota-controller",
      "--leader-elect=false",
      "--bind-address=127.0.0.1",
      "--secure-port=0",
      "--kube-api-qps=200",
      "--kube-api-burst=400",
      "--profiling=false",
      "--v=1",
    ]);

    agent = await startNodeAgent({
      server: url,
      token: nodeToken,
      ca,
      tls: { key: readFileSync(join(certDir, "apiserver.key"), "utf8"), cert: ca },
      execCommands: options.execCommands,
      timeScale: options.timeScale,
      kubeletVersion: bin.kubernetesVersion,
      log,
    });
    await until("the default namespace", 60_000, () => ok("/api/v1/namespaces/default"), exitedOf("kube-controller-manager"));

    const kubeconfigPath = options.kubeconfigPath ?? join(dir, "kubeconfig");
    mkdirSync(dirname(kubeconfigPath), { recursive: true });
    writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });
    const nodeName = agent.nodeName;
    return { url, kubeconfigPath, version: bin.kubernetesVersion, nodeName, dir, auditLog, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
