/**
 * Exec mode's volumes: what a container's volumeMounts would show it, made real on the
 * host for the `sh -c` script. ConfigMap, projected-ConfigMap and emptyDir volumes are
 * written into a folder of the pod's own, and each is bind-mounted at its mountPath in a
 * private mount namespace (`unshare --mount`), so the script reads them where its pod
 * spec says, and no other process sees them.
 *
 * The container also gets a /dev of its own with its termination message file
 * (terminationMessagePath, when under /dev), read back into its terminated state.
 *
 * Where the host cannot (no `unshare`, not root) a container is given neither: its script
 * runs without, as the README says. Other volume types (secrets, downward API, PVCs, …)
 * and subPath mounts are not given either.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, realpathSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Obj } from "./util";

export interface Mount {
  /** the folder on the host that holds the volume's files */
  source: string;
  /** where the container sees it */
  target: string;
}

let mountable: boolean | undefined;

/** Whether this host can give a process a private mount namespace with bind mounts. */
export function canMount(): boolean {
  if (mountable === undefined) {
    const probe = spawnSync("unshare", ["--mount", "--propagation", "private", "sh", "-c", "mount -t tmpfs tmpfs /mnt"], { stdio: "ignore" });
    mountable = probe.status === 0;
  }
  return mountable;
}

function writeFiles(dir: string, data: Record<string, string>, binary: Record<string, string>, items?: { key: string; path: string }[]): void {
  const all: [string, Buffer][] = [...Object.entries(data).map(([k, v]) => [k, Buffer.from(v)] as [string, Buffer]), ...Object.entries(binary).map(([k, v]) => [k, Buffer.from(v, "base64")] as [string, Buffer])];
  const byKey = new Map(all);
  const wanted = items ? items.map((i) => [i.path, byKey.get(i.key)] as const) : all;
  for (const [path, content] of wanted) {
    if (content === undefined) continue;
    const file = resolve(dir, path);
    if (!file.startsWith(`${dir}/`)) continue;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

/**
 * Writes the volumes `container` mounts into `podDir` and says where each goes. A
 * ConfigMap that does not exist leaves its volume empty (as `optional: true` would; a real
 * kubelet would keep the pod waiting instead).
 */
export async function materializeVolumes(pod: Obj, container: Obj, podDir: string, configMap: (namespace: string, name: string) => Promise<Obj | undefined>): Promise<Mount[]> {
  const volumes = new Map(((pod.spec?.volumes ?? []) as Obj[]).map((v) => [v.name as string, v]));
  const mounts: Mount[] = [];
  for (const m of (container.volumeMounts ?? []) as Obj[]) {
    const volume = volumes.get(m.name);
    if (!volume || m.subPath) continue;
    const dir = join(podDir, "volumes", String(m.name));
    mkdirSync(dir, { recursive: true });
    const sources: Obj[] = volume.configMap ? [{ configMap: volume.configMap }] : volume.projected ? (volume.projected.sources ?? []) : [];
    if (!volume.configMap && !volume.projected && !volume.emptyDir) continue;
    for (const s of sources) {
      if (!s.configMap?.name) continue;
      const cm = await configMap(pod.metadata.namespace, s.configMap.name);
      if (cm) writeFiles(dir, cm.data ?? {}, cm.binaryData ?? {}, s.configMap.items);
    }
    mounts.push({ source: dir, target: String(m.mountPath) });
  }
  return mounts;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The `sh` script that makes the mounts inside the private namespace and then runs the
 * container's script ($0). A mountPath that does not exist is made on a tmpfs laid over
 * its nearest existing ancestor (so nothing is created on the host), unless that ancestor
 * is / itself, where the folder is made on the host.
 */
export function mountScript(mounts: Mount[], termination?: { file: string; path: string; podDir: string }): string {
  const lines = ["set -e"];
  if (termination && dirname(termination.path) === "/dev") {
    // A container's own /dev: the usual devices from the host's, and its termination
    // message file, which the kubelet reads when the container ends.
    const saved = quote(join(termination.podDir, "host-dev"));
    lines.push(
      `mkdir -p ${saved}`,
      `mount --rbind /dev ${saved}`,
      "mount -t tmpfs -o mode=755 jobx-dev /dev",
      `for n in null zero full random urandom tty; do touch /dev/$n; mount --bind ${saved}/$n /dev/$n; done`,
      "ln -s /proc/self/fd /dev/fd; ln -s /proc/self/fd/0 /dev/stdin; ln -s /proc/self/fd/1 /dev/stdout; ln -s /proc/self/fd/2 /dev/stderr",
      `touch ${quote(termination.path)}`,
      `mount --bind ${quote(termination.file)} ${quote(termination.path)}`,
    );
  }
  const covered = new Set<string>();
  for (const m of mounts) {
    let ancestor = m.target;
    while (!existsSync(ancestor)) ancestor = dirname(ancestor);
    const real = realpathSync(ancestor);
    const target = join(real, m.target.slice(ancestor.length));
    if (target !== real && real !== "/" && !covered.has(real)) {
      lines.push(`mount -t tmpfs jobx-volumes ${quote(real)}`);
      covered.add(real);
    }
    lines.push(`mkdir -p ${quote(target)}`, `mount --bind ${quote(m.source)} ${quote(target)}`);
  }
  lines.push('exec sh -c "$0"');
  return lines.join("\n");
}
