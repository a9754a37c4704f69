import { describe, expect, it } from "vitest";
import { ClusterError, EXIT } from "../../src/errors";
import { getPlan } from "../../src/kube/plans";
import { listGroupJobs } from "../../src/kube/queries";
import { retryBudgetMs, runOrThrow, RETRY } from "../../src/kube/retry";
import { scripted, serverError } from "./scripted";

const plan = getPlan({ kubectl: "kubectl" }, "jobs", { labels: "a=b" }, "list the Jobs of group g");
const LIST = JSON.stringify({ kind: "List", items: [{ metadata: { name: "j" } }] });

describe("the one retry rule", () => {
  it("tries a transient failure again, waiting 1, 2, 4 s …, and returns the answer", async () => {
    const cluster = scripted((_p, n) => (n < 3 ? { exitCode: 1, stderr: serverError("InternalError", 'an error on the server ("boom") has prevented the request from succeeding') } : { stdout: LIST }));
    expect(await runOrThrow(cluster, plan)).toBe(LIST);
    expect(cluster.calls).toHaveLength(4);
    expect(cluster.slept).toEqual([1000, 2000, 4000]);
  });

  it("never tries a permanent refusal again: one call, and a ClusterError (exit 5) with kubectl's words and the command", async () => {
    for (const stderr of [serverError("Forbidden", 'jobs.batch is forbidden: User "u" cannot list resource "jobs"'), 'The Job "x" is invalid: spec.completions: Invalid value: 3: field is immutable\n']) {
      const cluster = scripted(() => ({ exitCode: 1, stderr }));
      const error = await runOrThrow(cluster, plan).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ClusterError);
      expect((error as ClusterError).exitCode).toBe(EXIT.CLUSTER);
      expect((error as ClusterError).message).toContain("kubectl failed to list the Jobs of group g: ");
      expect((error as ClusterError).details[0]).toBe("command: kubectl get jobs -l a=b -o json");
      expect(cluster.calls).toHaveLength(1);
    }
  });

  it("gives up after the bound, and says how often it tried", async () => {
    const cluster = scripted(() => ({ exitCode: 1, stderr: "The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?\n" }));
    const error = (await runOrThrow(cluster, plan).catch((e: unknown) => e)) as ClusterError;
    expect(error.message).toContain("(tried 6 times)");
    expect(cluster.calls).toHaveLength(RETRY.attempts);
    expect(cluster.slept).toEqual([1000, 2000, 4000, 8000, 8000]);
    expect(retryBudgetMs(RETRY)).toBe(23_000);
  });

  it("stops trying once the work is being stopped (Ctrl-C)", async () => {
    let stop = false;
    const cluster = scripted(
      () => {
        stop = true;
        return { exitCode: 1, stderr: serverError("ServiceUnavailable", "the server is currently unable to handle the request") };
      },
      { stopped: () => stop },
    );
    await expect(runOrThrow(cluster, plan)).rejects.toBeInstanceOf(ClusterError);
    expect(cluster.calls).toHaveLength(1);
  });

  // Before: one 500 on the first list ended `wait` and `status` with exit 1, as if a member had failed.
  it("a group read that meets a 500 is retried, not reported as a failed member", async () => {
    const cluster = scripted((_p, n) => (n === 0 ? { exitCode: 1, stderr: serverError("InternalError", "etcdserver: leader changed") } : { stdout: LIST }));
    expect((await listGroupJobs(cluster, "g")).map((j) => j.metadata.name)).toEqual(["j"]);
  });
});
