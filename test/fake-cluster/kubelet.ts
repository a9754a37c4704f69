/**
 * A simulated node. Pods go Pending (ContainerCreating, for the cold start) → Running →
 * Succeeded/Failed, with container states, restartCount (OnFailure restarts in place with
 * the kubelet's crash-loop back-off) and the Ready condition
 * (K: pkg/kubelet/kubelet_pods.go, pkg/kubelet/status). What a container does comes from the
 * pod annotations in POD_BEHAVIOUR, or, with execCommands, from running its `sh -c` script.
 * It also serves pods/log.
 */
import { execFile, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Clock } from "./clock";
import { ApiError, badRequest } from "./errors";
import { R, type Registry } from "./registry";
import type { StoreEvent } from "./store";
import { POD_BEHAVIOUR } from "./types";
import { parseDuration, timestamp, timestampNano, type Obj } from "./util";
import { canMount, materializeVolumes, mountScript } from "./volumes";

export const NODE_NAME = "fake-node";

/**
 * Where the simulated node keeps its pods: the test cluster's own registry, or (for the
 * node agent of the real control plane) a real API server.
 */
export interface PodHost {
  readonly nodeName: string;
  /** The pod as last seen, or undefined once it is gone. */
  get(namespace: string, name: string): Obj | undefined;
  /** Writes the pod's status: fn edits a copy of the pod; nothing happens if the pod with this uid is gone. */
  writeStatus(namespace: string, name: string, uid: string, fn: (pod: Obj) => void): void;
  /** The pod's containers have stopped after a graceful deletion: let the object go. */
  finishDeletion(pod: Obj): void;
  /** A ConfigMap a pod's volume names (exec mode mounts it). */
  configMap(namespace: string, name: string): Promise<Obj | undefined>;
}

/** The test cluster's registry as a pod host. */
export function registryHost(registry: Registry): PodHost {
  return {
    nodeName: NODE_NAME,
    get: (namespace, name) => registry.tryGet(R.pods, namespace, name),
    writeStatus: (namespace, name, uid, fn) => {
      try {
        const cur = registry.tryGet(R.pods, namespace, name);
        if (!cur || cur.metadata.uid !== uid) return;
        registry.mutate(R.pods, namespace, name, fn, { subresource: "status", fieldManager: "kubelet" });
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
      }
    },
    finishDeletion: (pod) => registry.finishPodDeletion(pod),
    configMap: (namespace, name) => Promise.resolve(registry.tryGet(R.configmaps, namespace, name)),
  };
}
const COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";

interface LogLine {
  at: number;
  text: string;
}

interface ContainerRun {
  name: string;
  containerId: string;
  startedAt: number;
  finishedAt?: number;
  exitCode?: number;
  /** what the container wrote to its terminationMessagePath (exec mode) */
  message?: string;
  lines: LogLine[];
}

interface PodRun {
  uid: string;
  namespace: string;
  name: string;
  restartPolicy: string;
  /** per container: current run and the one before (for previous=true) */
  current: Map<string, ContainerRun>;
  previous: Map<string, ContainerRun>;
  restarts: Map<string, number>;
  waiting: Map<string, string>;
  cancels: (() => void)[];
  procs: Set<ChildProcess>;
  done: boolean;
  deleting: boolean;
}

/** The kubelet's crash-loop back-off: 10s doubling to 5 minutes (pkg/kubelet/kubelet.go). */
export function crashLoopDelayMs(restarts: number): number {
  return Math.min(10_000 * 2 ** Math.max(0, restarts - 1), 300_000);
}

/** Exit code for attempt n from "1,1,0" (the last entry repeats). */
export function exitCodeFor(spec: string | undefined, attempt: number): number {
  if (spec === undefined || spec.trim() === "") return 0;
  const codes = spec.split(",").map((s) => Number(s.trim()));
  const v = codes[Math.min(attempt, codes.length - 1)];
  return v === undefined || !Number.isFinite(v) ? 0 : v;
}

/** "0=1,0;3=1" → the codes for one index, if listed. */
export function exitCodesForIndex(spec: string | undefined, index: number): string | undefined {
  if (!spec) return undefined;
  for (const part of spec.split(";")) {
    const [k, v] = part.split("=");
    if (k !== undefined && v !== undefined && Number(k.trim()) === index) return v;
  }
  return undefined;
}

/**
 * The kubelet's `$(VAR)` expansion of env values, command and args: `$$` is a literal `$`,
 * a variable the container does not have stays as written (K: third_party/forked/golang/expansion).
 */
export function expandVars(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m: string, v: string | undefined) => (v === undefined ? "$" : (env[v] ?? m)));
}

/** The script of a `sh -c SCRIPT` container, after `$(VAR)` expansion. */
function shScript(container: Obj, env: Record<string, string>): string | undefined {
  const full = [...((container.command ?? []) as string[]), ...((container.args ?? []) as string[])].map((a) => expandVars(a, env));
  if (full.length >= 3 && ["sh", "/bin/sh", "bash", "/bin/bash"].includes(full[0] ?? "") && full[1] === "-c") return full[2];
  return undefined;
}

export class Kubelet {
  private readonly runs = new Map<string, PodRun>();
  /** pod uid → attempt number, recorded by whoever creates the pod (the Job controller) */
  readonly attempts = new Map<string, number>();
  private readonly pendingAttempts = new Map<string, number>();

  constructor(
    private readonly host: PodHost,
    private readonly clock: Clock,
    private readonly execCommands: boolean,
  ) {}

  /** The test cluster: pods come and go through its store, deletions through its hook. */
  static forRegistry(registry: Registry, clock: Clock, execCommands: boolean): Kubelet {
    const kubelet = new Kubelet(registryHost(registry), clock, execCommands);
    registry.hooks.podDeleting = (pod) => kubelet.terminate(pod);
    return kubelet;
  }

  /** The Job controller says which attempt a pod it is about to create is. */
  expectAttempt(namespace: string, name: string, attempt: number): void {
    this.pendingAttempts.set(`${namespace}/${name}`, attempt);
  }

  onEvent(e: StoreEvent): void {
    if (e.resource !== R.pods) return;
    const pod = e.object;
    if (e.type === "ADDED") {
      const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
      const attempt = this.pendingAttempts.get(key);
      this.pendingAttempts.delete(key);
      if (attempt !== undefined) this.attempts.set(pod.metadata.uid, attempt);
      this.admit(pod);
    } else if (e.type === "DELETED") this.forget(pod.metadata.uid);
  }

  /** The pod object is gone: stop whatever still runs for it. */
  forget(uid: string): void {
    const run = this.runs.get(uid);
    if (run) this.stopRun(run);
    this.runs.delete(uid);
    this.attempts.delete(uid);
  }

  /** Whether this node is running (or has run) the pod. */
  has(uid: string): boolean {
    return this.runs.has(uid);
  }

  stop(): void {
    for (const run of this.runs.values()) this.stopRun(run);
    this.runs.clear();
  }

  private stopRun(run: PodRun): void {
    for (const c of run.cancels) c();
    run.cancels = [];
    for (const p of run.procs) p.kill("SIGKILL");
    run.procs.clear();
  }

  private update(run: PodRun, fn: (pod: Obj) => void): void {
    this.host.writeStatus(run.namespace, run.name, run.uid, fn);
  }

  private current(run: PodRun): Obj | undefined {
    const pod = this.host.get(run.namespace, run.name);
    return pod && pod.metadata.uid === run.uid ? pod : undefined;
  }

  private annotation(pod: Obj, key: string): string | undefined {
    return pod.metadata.annotations?.[key];
  }

  /** Starts running a pod bound to this node; attempt counts the pods before it (see POD_BEHAVIOUR.exitCodes). */
  admit(pod: Obj, attempt?: number): void {
    if (this.runs.has(pod.metadata.uid)) return;
    if (attempt !== undefined) this.attempts.set(pod.metadata.uid, attempt);
    const run: PodRun = {
      uid: pod.metadata.uid,
      namespace: pod.metadata.namespace,
      name: pod.metadata.name,
      restartPolicy: pod.spec.restartPolicy ?? "Always",
      current: new Map(),
      previous: new Map(),
      restarts: new Map(),
      waiting: new Map(),
      cancels: [],
      procs: new Set(),
      done: false,
      deleting: false,
    };
    this.runs.set(run.uid, run);
    const containers = (pod.spec.containers ?? []) as Obj[];
    for (const c of containers) run.waiting.set(c.name, "ContainerCreating");
    run.cancels.push(
      this.clock.afterReal(0, () => {
        const now = timestamp();
        this.update(run, (p) => {
          p.status = {
            ...p.status,
            phase: "Pending",
            conditions: conditions(now, false, true),
            hostIP: HOST_IP,
            hostIPs: [{ ip: HOST_IP }],
            podIP: HOST_IP,
            podIPs: [{ ip: HOST_IP }],
            startTime: now,
            containerStatuses: containers.map((c) => waitingStatus(c, "ContainerCreating", 0)),
          };
        });
        const coldStart = parseDuration(this.annotation(pod, POD_BEHAVIOUR.coldStart), 0);
        run.cancels.push(this.clock.after(coldStart, () => this.startAll(run, pod)));
      }),
    );
  }

  private attemptFor(run: PodRun, pod: Obj, container: string): number {
    const base = this.attempts.get(run.uid) ?? 0;
    return base + (run.restarts.get(container) ?? 0);
  }

  private env(pod: Obj, container: Obj): Record<string, string> {
    const env: Record<string, string> = {
      HOSTNAME: pod.spec.hostname ?? pod.metadata.name,
      POD_NAME: pod.metadata.name,
    };
    for (const e of (container.env ?? []) as Obj[]) {
      if (typeof e.value === "string") env[e.name] = expandVars(e.value, env);
      else if (e.valueFrom?.fieldRef?.fieldPath) {
        const path = String(e.valueFrom.fieldRef.fieldPath);
        const m = path.match(/^metadata\.(annotations|labels)\['(.+)'\]$/);
        if (m) env[e.name] = pod.metadata[m[1] ?? ""]?.[m[2] ?? ""] ?? "";
        else if (path === "metadata.name") env[e.name] = pod.metadata.name;
        else if (path === "metadata.namespace") env[e.name] = pod.metadata.namespace;
        else if (path === "metadata.uid") env[e.name] = pod.metadata.uid;
        else if (path === "spec.nodeName") env[e.name] = this.host.nodeName;
        else if (path === "status.podIP" || path === "status.hostIP") env[e.name] = HOST_IP;
      } else env[e.name] = "";
    }
    return env;
  }

  private startAll(run: PodRun, pod: Obj): void {
    for (const c of (pod.spec.containers ?? []) as Obj[]) this.startContainer(run, pod, c);
    this.publish(run, pod);
  }

  private startContainer(run: PodRun, pod: Obj, container: Obj): void {
    const startedAt = Date.now();
    const cr: ContainerRun = { name: container.name, containerId: `containerd://${randomBytes(32).toString("hex")}`, startedAt, lines: [] };
    run.current.set(container.name, cr);
    run.waiting.delete(container.name);
    const env = this.env(pod, container);
    const script = this.execCommands ? shScript(container, env) : undefined;
    if (script !== undefined) {
      void this.execContainer(run, pod, container, cr, env, script);
      return;
    }
    const runTime = parseDuration(this.annotation(pod, POD_BEHAVIOUR.runTime), 0);
    const realRun = this.clock.real(runTime);
    const logText = this.annotation(pod, POD_BEHAVIOUR.log);
    if (logText !== undefined && logText !== "") {
      const lines = logText.split("\n");
      if (lines[lines.length - 1] === "") lines.pop();
      lines.forEach((l, i) => {
        const text = l.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, a: string | undefined, b: string | undefined) => env[a ?? b ?? ""] ?? "");
        cr.lines.push({ at: startedAt + (lines.length > 0 ? (realRun * i) / lines.length : 0), text });
      });
    }
    const index = pod.metadata.annotations?.[COMPLETION_INDEX];
    const byIndex = index !== undefined ? exitCodesForIndex(this.annotation(pod, POD_BEHAVIOUR.exitCodesByIndex), Number(index)) : undefined;
    const code = exitCodeFor(byIndex ?? this.annotation(pod, POD_BEHAVIOUR.exitCodes), this.attemptFor(run, pod, container.name));
    run.cancels.push(this.clock.afterReal(realRun, () => this.finishContainer(run, container.name, code)));
  }

  /** Exec mode: the container's script on the host, with its env and (where the host can) its volumes. */
  private async execContainer(run: PodRun, pod: Obj, container: Obj, cr: ContainerRun, env: Record<string, string>, script: string): Promise<void> {
    let file = "sh";
    let args = ["-c", script];
    let messageFile: string | undefined;
    if (canMount()) {
      const podDir = this.podDir(run);
      const mounts = await materializeVolumes(pod, container, podDir, (ns, name) => this.host.configMap(ns, name));
      messageFile = join(podDir, `termination-${container.name}-${run.restarts.get(container.name) ?? 0}`);
      writeFileSync(messageFile, "");
      const termination = { file: messageFile, path: String(container.terminationMessagePath ?? "/dev/termination-log"), podDir };
      file = "unshare";
      args = ["--mount", "--propagation", "private", "sh", "-c", mountScript(mounts, termination), script];
    }
    if (run.deleting || this.clock.isStopped) return;
    const child = execFile(file, args, { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env }, maxBuffer: 64 * 1024 * 1024 }, () => {});
    run.procs.add(child);
    let partial = "";
    const onData = (chunk: Buffer | string): void => {
      const text = partial + chunk.toString();
      const parts = text.split("\n");
      partial = parts.pop() ?? "";
      for (const p of parts) cr.lines.push({ at: Date.now(), text: p });
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("close", (code, signal) => {
      run.procs.delete(child);
      if (partial !== "") cr.lines.push({ at: Date.now(), text: partial });
      if (run.deleting || this.clock.isStopped) return;
      const exit = code ?? (signal ? 128 + (signal === "SIGKILL" ? 9 : 15) : 1);
      // The kubelet keeps at most 4096 bytes of the termination message.
      const message = messageFile && existsSync(messageFile) ? readFileSync(messageFile, "utf8").slice(0, 4096) : "";
      if (message) cr.message = message;
      this.finishContainer(run, container.name, exit);
    });
  }

  /** A folder of the pod's own on the host (its volumes), removed with the pod. */
  private podDir(run: PodRun): string {
    const dir = join(tmpdir(), `jobx-pod-${run.uid}`);
    mkdirSync(dir, { recursive: true });
    run.cancels.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  private finishContainer(run: PodRun, name: string, exitCode: number): void {
    const cr = run.current.get(name);
    if (!cr || cr.exitCode !== undefined || run.deleting) return;
    cr.exitCode = exitCode;
    cr.finishedAt = Date.now();
    const pod = this.current(run);
    if (!pod) return;
    const restart = run.restartPolicy === "Always" || (run.restartPolicy === "OnFailure" && exitCode !== 0);
    if (restart) {
      const restarts = (run.restarts.get(name) ?? 0) + 1;
      run.restarts.set(name, restarts);
      run.previous.set(name, cr);
      run.waiting.set(name, "CrashLoopBackOff");
      this.publish(run, pod);
      const container = ((pod.spec.containers ?? []) as Obj[]).find((c) => c.name === name);
      run.cancels.push(
        this.clock.after(crashLoopDelayMs(restarts), () => {
          const fresh = this.current(run);
          if (!fresh || run.deleting || !container) return;
          this.startContainer(run, fresh, container);
          this.publish(run, fresh);
        }),
      );
      return;
    }
    this.publish(run, pod);
  }

  /** Writes the pod status for the current state of its containers. */
  private publish(run: PodRun, pod: Obj): void {
    const containers = (pod.spec.containers ?? []) as Obj[];
    const statuses = containers.map((c) => this.containerStatus(run, c));
    const allDone = containers.every((c) => {
      const cr = run.current.get(c.name);
      return cr?.exitCode !== undefined && !run.waiting.has(c.name);
    });
    const allRunning = containers.every((c) => {
      const cr = run.current.get(c.name);
      return cr !== undefined && cr.exitCode === undefined && !run.waiting.has(c.name);
    });
    let phase = "Running";
    if (allDone) {
      phase = containers.every((c) => run.current.get(c.name)?.exitCode === 0) ? "Succeeded" : "Failed";
      run.done = true;
    } else if (containers.every((c) => run.current.get(c.name) === undefined)) phase = "Pending";
    const now = timestamp();
    this.update(run, (p) => {
      const prevReady = ((p.status?.conditions ?? []) as Obj[]).find((c) => c.type === "Ready")?.status === "True";
      p.status = { ...p.status, phase, containerStatuses: statuses };
      if (allRunning !== prevReady || allDone) p.status.conditions = conditions(now, allRunning, !allDone, p.status.conditions);
    });
  }

  private containerStatus(run: PodRun, c: Obj): Obj {
    const restartCount = run.restarts.get(c.name) ?? 0;
    const cr = run.current.get(c.name);
    const waiting = run.waiting.get(c.name);
    const prev = run.previous.get(c.name);
    const base: Obj = waiting !== undefined || !cr ? waitingStatus(c, waiting ?? "ContainerCreating", restartCount) : {
      name: c.name,
      state: {},
      lastState: {},
      ready: cr.exitCode === undefined,
      restartCount,
      image: c.image,
      imageID: imageId(c.image),
      containerID: cr.containerId,
      started: cr.exitCode === undefined,
    };
    if (waiting === "CrashLoopBackOff") {
      base.state = { waiting: { reason: "CrashLoopBackOff", message: `back-off ${crashLoopDelayMs(restartCount) / 1000}s restarting failed container=${c.name} pod=${run.name}_${run.namespace}(${run.uid})` } };
    } else if (cr && waiting === undefined) {
      base.state = cr.exitCode === undefined
        ? { running: { startedAt: timestamp(cr.startedAt) } }
        : { terminated: terminated(cr) };
    }
    if (prev) base.lastState = { terminated: terminated(prev) };
    return base;
  }

  /** Graceful deletion: stop the containers, report a terminal phase, then let the pod go. */
  terminate(pod: Obj): void {
    const run = this.runs.get(pod.metadata.uid);
    const finish = (): void => {
      this.host.finishDeletion(pod);
    };
    if (!run) {
      this.clock.afterReal(0, finish);
      return;
    }
    if (run.deleting) return;
    run.deleting = true;
    this.stopRun(run);
    run.cancels.push(
      this.clock.after(100, () => {
        if (!run.done) {
          const now = Date.now();
          for (const c of (pod.spec.containers ?? []) as Obj[]) {
            const cr = run.current.get(c.name);
            if (cr && cr.exitCode === undefined) {
              cr.exitCode = 137;
              cr.finishedAt = now;
            }
          }
          const nowTs = timestamp();
          this.update(run, (p) => {
            p.status = {
              ...p.status,
              phase: "Failed",
              conditions: conditions(nowTs, false, false, p.status?.conditions),
              containerStatuses: ((p.spec.containers ?? []) as Obj[]).map((c) => {
                const cr = run.current.get(c.name);
                if (!cr) {
                  return { ...waitingStatus(c, "", run.restarts.get(c.name) ?? 0), state: { terminated: { exitCode: 137, reason: "ContainerStatusUnknown", message: "The container could not be located when the pod was terminated", startedAt: null, finishedAt: null } } };
                }
                return { ...this.containerStatus(run, c), ready: false, started: false, state: { terminated: terminated(cr) } };
              }),
            };
          });
          run.done = true;
        }
        finish();
      }),
    );
  }

  // ---- logs ----

  serveLogs(pod: Obj, query: URLSearchParams, res: ServerResponse): void {
    const containers = ((pod.spec?.containers ?? []) as Obj[]).map((c) => c.name as string);
    let name = query.get("container") ?? undefined;
    if (name === undefined || name === "") {
      if (containers.length !== 1) throw badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${containers.join(" ")}]`);
      name = containers[0] ?? "";
    }
    if (!containers.includes(name)) throw badRequest(`container ${name} is not valid for pod ${pod.metadata.name}`);
    const run = this.runs.get(pod.metadata.uid);
    const previous = query.get("previous") === "true";
    let cr = previous ? run?.previous.get(name) : run?.current.get(name);
    if (previous && !cr) throw badRequest(`previous terminated container "${name}" in pod "${pod.metadata.name}" not found`);
    if (!previous && run?.waiting.get(name) === "CrashLoopBackOff") cr = run.previous.get(name);
    if (!cr) {
      const reason = run?.waiting.get(name) ?? "ContainerCreating";
      throw badRequest(`container "${name}" in pod "${pod.metadata.name}" is waiting to start: ${reason}`);
    }
    const follow = query.get("follow") === "true";
    const withTs = query.get("timestamps") === "true";
    const tail = query.has("tailLines") ? Number(query.get("tailLines")) : undefined;
    const limitBytes = query.has("limitBytes") ? Number(query.get("limitBytes")) : undefined;
    const sinceSeconds = query.has("sinceSeconds") ? Number(query.get("sinceSeconds")) : undefined;
    const sinceTime = query.has("sinceTime") ? Date.parse(query.get("sinceTime") ?? "") : undefined;
    const since = sinceSeconds !== undefined ? Date.now() - sinceSeconds * 1000 : sinceTime;
    const format = (l: LogLine): string => `${withTs ? `${timestampNano(l.at)} ` : ""}${l.text}\n`;
    const visible = (): LogLine[] => cr.lines.filter((l) => l.at <= Date.now() && (since === undefined || l.at >= since));
    let first = visible();
    if (tail !== undefined && tail >= 0) first = first.slice(Math.max(0, first.length - tail));
    let written = 0;
    let out = "";
    const take = (s: string): string => {
      if (limitBytes === undefined) return s;
      const room = limitBytes - written;
      return room <= 0 ? "" : Buffer.from(s).subarray(0, room).toString();
    };
    for (const l of first) {
      const piece = take(format(l));
      written += Buffer.byteLength(piece);
      out += piece;
    }
    const run2 = run;
    const ended = (): boolean => cr.exitCode !== undefined || !run2 || run2.current.get(name) !== cr || run2.deleting;
    if (!follow || ended()) {
      res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": Buffer.byteLength(out) });
      res.end(out);
      return;
    }
    res.writeHead(200, { "Content-Type": "text/plain", "Transfer-Encoding": "chunked" });
    res.write(out);
    let sent = cr.lines.indexOf(first[first.length - 1] as LogLine) + 1;
    if (first.length === 0) sent = cr.lines.filter((l) => l.at <= Date.now() && since !== undefined && l.at < since).length;
    let stopPoll = (): void => {};
    const finish = (): void => {
      stopPoll();
      res.end();
    };
    stopPoll = this.clock.every(20, () => {
      const now = Date.now();
      while (sent < cr.lines.length && (cr.lines[sent]?.at ?? Infinity) <= now) {
        const piece = take(format(cr.lines[sent] as LogLine));
        written += Buffer.byteLength(piece);
        if (piece) res.write(piece);
        sent += 1;
      }
      if ((ended() && sent >= cr.lines.length) || (limitBytes !== undefined && written >= limitBytes) || this.clock.isStopped) finish();
    });
    res.on("close", () => stopPoll());
    run?.cancels.push(() => {});
  }
}

/** Every address a simulated node or pod advertises: loopback, never another interface. */
export const HOST_IP = "127.0.0.1";

function imageId(image: string): string {
  return `docker.io/library/${image}@sha256:${"0".repeat(64)}`;
}

function waitingStatus(c: Obj, reason: string, restartCount: number): Obj {
  return {
    name: c.name,
    state: { waiting: reason ? { reason } : {} },
    lastState: {},
    ready: false,
    restartCount,
    image: c.image,
    imageID: "",
    started: false,
  };
}

function terminated(cr: ContainerRun): Obj {
  return {
    exitCode: cr.exitCode ?? 0,
    reason: cr.exitCode === 0 ? "Completed" : "Error",
    startedAt: timestamp(cr.startedAt),
    finishedAt: timestamp(cr.finishedAt ?? Date.now()),
    containerID: cr.containerId,
    ...(cr.message ? { message: cr.message } : {}),
  };
}

function conditions(now: string, ready: boolean, alive: boolean, previous?: Obj[]): Obj[] {
  const prev = new Map(((previous ?? []) as Obj[]).map((c) => [c.type, c]));
  const make = (type: string, status: boolean, reason?: string): Obj => {
    const s = status ? "True" : "False";
    const old = prev.get(type);
    const c: Obj = { type, status: s, lastProbeTime: null, lastTransitionTime: old && old.status === s ? old.lastTransitionTime : now };
    if (!status && reason) c.reason = reason;
    return c;
  };
  return [
    make("PodReadyToStartContainers", alive),
    make("Initialized", true),
    make("Ready", ready, alive ? "ContainersNotReady" : "PodCompleted"),
    make("ContainersReady", ready, alive ? "ContainersNotReady" : "PodCompleted"),
    make("PodScheduled", true),
  ];
}
