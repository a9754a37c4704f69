/** execCommands: a container's `sh -c` script runs on the host; its output is the log, its exit code the container's. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeCluster, type FakeCluster } from "./index";

interface JobStatus {
  status?: { conditions?: { type: string; status: string }[]; succeeded?: number; failed?: number };
}

describe("exec mode", () => {
  let cluster: FakeCluster;

  beforeAll(async () => {
    cluster = await startFakeCluster({ timeScale: 0.01, execCommands: true });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  async function finished(name: string): Promise<JobStatus> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const r = await cluster.kubectl(["get", "job", name, "-o", "json"]);
      const j = JSON.parse(r.stdout) as JobStatus;
      if (j.status?.conditions?.some((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True")) return j;
      if (Date.now() > deadline) throw new Error(`job ${name} did not finish: ${r.stdout}`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }

  it("runs the script with the pod's environment and uses its output and exit code", async () => {
    const manifest = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "exec-idx" },
      spec: {
        completions: 2,
        parallelism: 2,
        completionMode: "Indexed",
        backoffLimitPerIndex: 0,
        template: {
          spec: {
            restartPolicy: "Never",
            containers: [{ name: "c", image: "busybox", env: [{ name: "GREETING", value: "hi" }], command: ["sh", "-c", 'echo "$GREETING from $JOB_COMPLETION_INDEX on $HOSTNAME"; exit $JOB_COMPLETION_INDEX'] }],
          },
        },
      },
    };
    const c = await cluster.kubectl(["create", "-f", "-"], { input: JSON.stringify(manifest) });
    expect(c.exitCode, c.stderr).toBe(0);
    const job = await finished("exec-idx");
    expect(job.status?.succeeded).toBe(1);
    expect(job.status?.failed).toBe(1);
    const logs = await cluster.kubectl(["logs", "-l", "job-name=exec-idx", "--prefix"]);
    const lines = logs.stdout.trim().split("\n").map((l) => l.replace(/^\[pod\/(exec-idx-\d)-[a-z0-9]{5}\/c\] /, "$1 ")).sort();
    expect(lines).toEqual(["exec-idx-0 hi from 0 on exec-idx-0", "exec-idx-1 hi from 1 on exec-idx-1"]);
  });
});
