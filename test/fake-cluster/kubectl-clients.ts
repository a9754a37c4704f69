/**
 * Which kubectl client runs against a server of a given minor version, asked of the
 * kubectl the tests run (`$JOBX_KUBECTL`, else `kubectl` on PATH).
 *
 * The conformance suite checks each minor it names with the kubectl of that minor: it
 * relies on a kubectl that is a multi-version dispatcher, picking the client from the
 * server's `/version`. A stock kubectl is one client whatever the server says, so a
 * block for another minor would test the wrong client; those blocks are skipped, with
 * the reason printed, instead of failing.
 *
 * The question goes to a server of its own (loopback, answering only `/version`), so a
 * fault in the test cluster cannot make tests skip. When the answer does not name a
 * client (no kubectl, or kubectl failed), nothing is skipped: the tests run and fail
 * with kubectl's own error.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "vitest";

const KUBECTL = process.env.JOBX_KUBECTL ?? "kubectl";

/** The client minor that answers `kubectl version` against a server of `serverMinor`, or undefined when kubectl does not say. */
export async function clientMinorFor(serverMinor: number): Promise<number | undefined> {
  const server = createServer((req, res) => {
    if (new URL(req.url ?? "/", "http://127.0.0.1").pathname.replace(/\/+$/, "") === "/version") {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ major: "1", minor: String(serverMinor), gitVersion: `v1.${serverMinor}.0`, platform: "linux/amd64" }));
    } else {
      res.writeHead(404, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  const dir = mkdtempSync(join(tmpdir(), "jobx-kubectl-probe-"));
  try {
    const kubeconfig = join(dir, "kubeconfig");
    writeFileSync(
      kubeconfig,
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: probe",
        "  cluster:",
        `    server: http://127.0.0.1:${port}`,
        "users:",
        "- name: probe",
        "  user: {}",
        "contexts:",
        "- name: probe",
        "  context: {cluster: probe, user: probe}",
        "current-context: probe",
        "",
      ].join("\n"),
      { mode: 0o600 },
    );
    const stdout = await new Promise<string>((resolve) => {
      execFile(
        KUBECTL,
        [`--cache-dir=${join(dir, "cache")}`, "version", "-o", "json"],
        { env: { ...process.env, KUBECONFIG: kubeconfig }, timeout: 30_000, killSignal: "SIGKILL", encoding: "utf8" },
        // kubectl may exit non-zero beside a version skew warning; what it printed is the answer.
        (_error, out) => resolve(out ?? ""),
      );
    });
    let minor: string | undefined;
    try {
      minor = (JSON.parse(stdout) as { clientVersion?: { minor?: string } }).clientVersion?.minor;
    } catch {
      return undefined;
    }
    // Client builds may carry a suffix ("32+").
    const n = Number.parseInt(minor ?? "", 10);
    return Number.isInteger(n) ? n : undefined;
  } finally {
    server.close();
    server.closeAllConnections();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * For each minor, why its tests cannot run here (the client that would run is another
 * one), or undefined when they can.
 */
export async function missingClients(minors: readonly number[]): Promise<Map<number, string | undefined>> {
  const clients = await Promise.all(minors.map((m) => clientMinorFor(m)));
  return new Map(
    minors.map((m, i) => {
      const client = clients[i];
      if (client === undefined || client === m) return [m, undefined];
      return [m, `needs kubectl 1.${m}, but ${KUBECTL} runs client 1.${client} against a 1.${m} server (no multi-version kubectl dispatcher here)`];
    }),
  );
}

/**
 * At the top of a `describe` body for one minor: when that minor's client is missing,
 * prints why, registers one skipped test that says so, and returns true (the caller then
 * registers nothing else, so no cluster starts).
 */
export function skipWithoutClient(reasons: Map<number, string | undefined>, minor: number): boolean {
  const reason = reasons.get(minor);
  if (reason === undefined) return false;
  console.warn(`skipped: kubectl 1.${minor} tests: ${reason}`);
  it.skip(`skipped: ${reason}`, () => {});
  return true;
}
