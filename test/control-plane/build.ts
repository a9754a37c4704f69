/**
 * Builds the upstream control plane (kube-apiserver, kube-controller-manager, etcd) from
 * Go modules, once per machine and version, into a cache outside the work tree.
 *
 *   tsx test/control-plane/build.ts            build if not cached, print the folder
 *   tsx test/control-plane/build.ts --rebuild  build again
 *   tsx test/control-plane/build.ts --rebuild --write-sums  build, and write the go.sum
 *                                              files back beside the go.mod files (after
 *                                              changing a pinned version)
 *
 * The go.sum files beside the go.mod files pin every module's hash: the build starts from
 * them, so a module the proxy serves with other content than recorded fails the build.
 * The releases are the ones the two go.mod files beside this file require. k8s.io/kubernetes
 * requires its staging modules (k8s.io/api, k8s.io/client-go, …) at v0.0.0 and replaces them
 * with folders of its own repository, which a module consumer does not have; so the build
 * reads the replace lines of that release's go.mod and points each staging module at its
 * published twin, v0.X.Y for release v1.X.Y. The list is derived, never copied by hand.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));

export interface ControlPlaneBinaries {
  dir: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  etcd: string;
  /** v1.33.13 */
  kubernetesVersion: string;
}

/** The folder that holds built control planes: JOBX_CACHE_DIR, else the user's cache. */
export function cacheRoot(): string {
  const base = process.env.JOBX_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "jobx");
  return join(base, "control-plane");
}

function requiredVersion(goMod: string, module: string): string {
  const m = new RegExp(`^\\s*(?:require\\s+)?${module.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s+(v\\S+)`, "m").exec(goMod);
  if (!m?.[1]) throw new Error(`no version of ${module} in go.mod`);
  return m[1];
}

/** The staging modules of a k8s.io/kubernetes go.mod: its `k8s.io/X => ./staging/src/k8s.io/X` lines. */
export function stagingModules(kubernetesGoMod: string): string[] {
  const out: string[] = [];
  for (const m of kubernetesGoMod.matchAll(/^\s*(k8s\.io\/[\w.-]+)\s+=>\s+\.\/staging\/src\/\1\s*$/gm)) out.push(m[1] as string);
  return out;
}

/** The replace block that points every staging module at its published v0.X.Y twin. */
export function replaceBlock(kubernetesGoMod: string, kubernetesVersion: string): string {
  const twin = kubernetesVersion.replace(/^v1\./, "v0.");
  const modules = stagingModules(kubernetesGoMod);
  if (modules.length === 0) throw new Error("the release's go.mod lists no staging modules");
  return `\nreplace (\n${modules.map((m) => `\t${m} => ${m} ${twin}`).join("\n")}\n)\n`;
}

function go(args: string[], cwd: string, env: Record<string, string> = {}): string {
  const started = Date.now();
  process.stderr.write(`control-plane: go ${args.join(" ")}\n`);
  const run = spawnSync("go", args, { cwd, env: { ...process.env, ...env }, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 << 20 });
  if (run.error) throw new Error(`go could not be run: ${run.error.message} (the control plane is built with Go; install Go 1.24 or newer)`);
  if (run.status !== 0) throw new Error(`go ${args.join(" ")} failed (exit ${run.status}) in ${cwd}`);
  process.stderr.write(`control-plane:   done in ${Math.round((Date.now() - started) / 1000)} s\n`);
  return run.stdout;
}

/** Where the binaries of the pinned versions live, whether built yet or not. */
export function plannedBinaries(): ControlPlaneBinaries {
  const kubeMod = readFileSync(join(HERE, "kubernetes", "go.mod"), "utf8");
  const etcdMod = readFileSync(join(HERE, "etcd", "go.mod"), "utf8");
  const kubernetesVersion = requiredVersion(kubeMod, "k8s.io/kubernetes");
  const etcdVersion = requiredVersion(etcdMod, "go.etcd.io/etcd/server/v3");
  // The key changes with anything that changes what is built.
  const hash = createHash("sha256").update(kubeMod).update(etcdMod).update(readFileSync(fileURLToPath(import.meta.url)));
  for (const sum of [join(HERE, "kubernetes", "go.sum"), join(HERE, "etcd", "go.sum")]) if (existsSync(sum)) hash.update(readFileSync(sum));
  const key = hash.digest("hex").slice(0, 10);
  const dir = join(cacheRoot(), `kubernetes-${kubernetesVersion}-etcd-${etcdVersion}-${key}`);
  return {
    dir,
    kubeApiserver: join(dir, "kube-apiserver"),
    kubeControllerManager: join(dir, "kube-controller-manager"),
    etcd: join(dir, "etcd"),
    kubernetesVersion,
  };
}

export function isBuilt(b: ControlPlaneBinaries): boolean {
  return [b.kubeApiserver, b.kubeControllerManager, b.etcd].every((f) => existsSync(f));
}

/** A module's go.sum from the project into its build folder, and (writeSums) the tidied one back. */
function withSums(module: "kubernetes" | "etcd", work: string, writeSums: boolean, tidy: () => void): void {
  const recorded = join(HERE, module, "go.sum");
  if (existsSync(recorded)) copyFileSync(recorded, join(work, "go.sum"));
  tidy();
  if (writeSums) copyFileSync(join(work, "go.sum"), recorded);
}

/** Builds what is not cached yet (or everything, with rebuild) and returns the binaries. */
export function ensureControlPlane(options: { rebuild?: boolean; writeSums?: boolean } = {}): ControlPlaneBinaries {
  const planned = plannedBinaries();
  if (!options.rebuild && isBuilt(planned)) return planned;
  const started = Date.now();
  const staging = `${planned.dir}.building-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const work = join(staging, "src");
  const cgoOff = { CGO_ENABLED: "0" };

  // Kubernetes: the module of ours plus the derived replace block.
  const kubeWork = join(work, "kubernetes");
  mkdirSync(kubeWork, { recursive: true });
  const download = JSON.parse(go(["mod", "download", "-json", `k8s.io/kubernetes@${planned.kubernetesVersion}`], kubeWork)) as { GoMod: string; Error?: string };
  if (download.Error) throw new Error(`the module proxy refused k8s.io/kubernetes@${planned.kubernetesVersion}: ${download.Error}`);
  const ours = readFileSync(join(HERE, "kubernetes", "go.mod"), "utf8");
  writeFileSync(join(kubeWork, "go.mod"), ours + replaceBlock(readFileSync(download.GoMod, "utf8"), planned.kubernetesVersion));
  withSums("kubernetes", kubeWork, options.writeSums === true, () => go(["mod", "tidy"], kubeWork));
  const [major, minor] = planned.kubernetesVersion.replace(/^v/, "").split(".");
  // What upstream's hack/lib/version.sh sets: without it the server says v0.0.0-master.
  const versionFlags = ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"]
    .flatMap((pkg) => [`-X ${pkg}.gitVersion=${planned.kubernetesVersion}`, `-X ${pkg}.gitMajor=${major}`, `-X ${pkg}.gitMinor=${minor}`, `-X ${pkg}.gitTreeState=clean`])
    .join(" ");
  for (const cmd of ["kube-apiserver", "kube-controller-manager"]) {
    go(["build", "-trimpath", "-ldflags", `-s -w ${versionFlags}`, "-o", join(staging, cmd), `k8s.io/kubernetes/cmd/${cmd}`], kubeWork, cgoOff);
  }

  // etcd: its own main, from its own module.
  const etcdWork = join(work, "etcd");
  mkdirSync(etcdWork, { recursive: true });
  copyFileSync(join(HERE, "etcd", "go.mod"), join(etcdWork, "go.mod"));
  withSums("etcd", etcdWork, options.writeSums === true, () => go(["mod", "tidy"], etcdWork));
  go(["build", "-trimpath", "-ldflags", "-s -w", "-o", join(staging, "etcd"), "go.etcd.io/etcd/server/v3"], etcdWork, cgoOff);

  rmSync(work, { recursive: true, force: true });
  rmSync(planned.dir, { recursive: true, force: true });
  mkdirSync(dirname(planned.dir), { recursive: true });
  renameSync(staging, planned.dir);
  process.stderr.write(`control-plane: built ${planned.kubernetesVersion} in ${Math.round((Date.now() - started) / 60_000)} min into ${planned.dir}\n`);
  return planned;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const built = ensureControlPlane({ rebuild: process.argv.includes("--rebuild"), writeSums: process.argv.includes("--write-sums") });
    process.stdout.write(`${built.dir}\n`);
  } catch (e) {
    process.stderr.write(`control-plane: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
