/**
 * The package installs and runs from its own tarball, as a user installs it: `npm pack`,
 * then `npm install -g` of the tarball into an empty prefix, then `jobx` and
 * `kubectl-jobx` from that prefix's bin — and `kubectl jobx`, found on PATH as a plugin.
 */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../cli/run";
import { tempDir, useCluster } from "./helpers";

function run(command: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env } });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

describe("the npm package", () => {
  const clusterOf = useCluster();

  it("npm pack, npm install -g on a clean prefix: jobx and kubectl-jobx work, with the built-in templates", async () => {
    const dir = tempDir();
    // --ignore-scripts: dist/ is already built (npm test builds first); rebuilding it here would pull it from under the tests running beside this one.
    const pack = await run("npm", ["pack", "--ignore-scripts", "--pack-destination", dir, "--silent"]);
    expect(pack.status, pack.stderr).toBe(0);
    const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
    expect(tarball).toBeDefined();
    const prefix = join(dir, "prefix");
    const install = await run("npm", ["install", "-g", "--prefix", prefix, "--no-audit", "--no-fund", join(dir, tarball ?? "")], { cwd: dir });
    expect(install.status, install.stderr).toBe(0);
    const bin = join(prefix, "bin");
    const env = { ...clusterOf().env, PATH: `${bin}:${process.env.PATH}` };

    const expand = await run(join(bin, "jobx"), ["expand", "job", "--items", "apple"], { cwd: dir, env });
    expect(expand.status, expand.stderr).toBe(0);
    expect(expand.stdout).toContain("name: process-item-apple");
    const templates = await run(join(bin, "kubectl-jobx"), ["templates"], { cwd: dir, env });
    expect(templates.stdout).toMatch(/^batch-work +/m);
    // kubectl finds the plugin on PATH and passes the arguments through.
    const plugin = await run("kubectl", ["jobx", "expand", "job", "--items", "pear", "-q"], { cwd: dir, env });
    expect(plugin.status, plugin.stderr).toBe(0);
    expect(plugin.stdout).toContain("name: process-item-pear");
  }, 300_000);
});
