/**
 * Outside checkers the report tests lean on: python3 (its XML and HTML parsers read
 * what jobx writes back), xmllint (schema validation) and Chromium (layout). Each is
 * optional; a test that cannot use one says so on the console instead of passing silently.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function found(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: "ignore", timeout: 30_000 });
  return result.status === 0;
}

export const HAS_PYTHON = found("python3", ["-c", "import xml.dom.minidom, html.parser, json"]);
export const HAS_XMLLINT = found("xmllint", ["--version"]);
export const CHROMIUM = ["chromium", "chromium-browser", "google-chrome"].find((c) => found(c, ["--version"]));

export function skipNote(what: string, why: string): void {
  console.log(`SKIPPED ${what}: ${why}`);
}

export function scratchDir(prefix: string): string {
  const root = join(tmpdir(), "jobx-report-tests");
  mkdirSync(root, { recursive: true });
  return mkdtempSync(join(root, prefix));
}

/** Runs a python3 script with arguments; returns stdout parsed as JSON. */
export function python<T>(script: string, args: string[]): T {
  const out = execFileSync("python3", ["-c", script, ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out) as T;
}

/** xmllint --schema over files: the failures, empty when every file validates. */
export function schemaProblems(xsd: string, files: string[]): string[] {
  const result = spawnSync("xmllint", ["--noout", "--schema", xsd, ...files], { encoding: "utf8" });
  if (result.status === 0) return [];
  return result.stderr.split("\n").filter((l) => l.trim() && !l.endsWith(" validates"));
}

/** Chromium flags for a quiet, offline, throwaway headless run. */
export function chromiumArgs(extra: string[]): string[] {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    // Any name lookup fails: a page that tried to fetch from the network could not.
    "--host-resolver-rules=MAP * ~NOTFOUND",
    `--user-data-dir=${scratchDir("profile-")}`,
    ...extra,
  ];
}
