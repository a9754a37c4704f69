/** Runs the built jobx as a user types it: `node bin/jobx.js …`, capturing everything. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = `${ROOT}bin/jobx.js`;

if (!existsSync(`${ROOT}dist/cli.js`)) {
  throw new Error("dist/cli.js is missing: the CLI tests run the built jobx. Run `npm run build` (npm test does it first).");
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function jobx(args: string[], options: { input?: string; cwd?: string; env?: Record<string, string> } = {}): Run {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input ?? "",
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ...options.env },
    maxBuffer: 256 * 1024 * 1024,
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
