import type { TestCluster } from "../cluster/index";
import { beforeEach, describe, expect, it } from "vitest";
import { behaviourTemplate, fakeOnly, jobNames, jobxAsync, requests, tempDir, useCluster } from "./helpers";

const dir = tempDir();
const clusterOf = useCluster();
let cluster: TestCluster;
beforeEach(() => {
  cluster = clusterOf();
});

describe("jobx apply under faults", () => {
  fakeOnly("injected 429s")("429 without Retry-After: jobx re-sends the refused Jobs, no duplicates", async () => {
    cluster.resetCounts();
    cluster.setFaults({ failNext: { count: 3, status: 429, verbs: ["create"], resources: ["jobs"] } });
    try {
      const run = await jobxAsync(cluster, ["apply", behaviourTemplate(dir, "busy", {}), "--items", "a,b,c,d,e", "--group", "busy"]);
      expect(run.status, run.stderr).toBe(0);
      expect(await jobNames(cluster, "jobx.dev/group=busy")).toEqual(["busy-a", "busy-b", "busy-c", "busy-d", "busy-e"]);
      expect(requests(cluster, "create", "jobs")).toBe(5 + 3);
    } finally {
      cluster.clearFaults();
    }
  });

  fakeOnly("injected 429s")("429 with Retry-After: kubectl retries by itself; jobx does not multiply retries", async () => {
    cluster.resetCounts();
    cluster.setFaults({ failNext: { count: 2, status: 429, retryAfterSeconds: 1, verbs: ["create"], resources: ["jobs"] } });
    try {
      const run = await jobxAsync(cluster, ["apply", behaviourTemplate(dir, "later", {}), "--items", "a,b,c", "--group", "later"]);
      expect(run.status, run.stderr).toBe(0);
      expect(await jobNames(cluster, "jobx.dev/group=later")).toEqual(["later-a", "later-b", "later-c"]);
      expect(requests(cluster, "create", "jobs")).toBe(3 + 2);
    } finally {
      cluster.clearFaults();
    }
  });

  fakeOnly("an injected quota")("a quota refusal is reported per row and the others are created", async () => {
    const existing = (await cluster.kubectl(["get", "jobs", "-o", "name"])).stdout.trim().split("\n").filter(Boolean).length;
    cluster.setFaults({ jobQuota: existing + 2 });
    try {
      const run = await jobxAsync(cluster, ["apply", behaviourTemplate(dir, "quota", {}), "--items", "a,b,c,d", "--group", "quota"]);
      expect(run.status).toBe(1);
      expect(await jobNames(cluster, "jobx.dev/group=quota")).toHaveLength(2);
      expect(run.stderr.match(/: quota: .*exceeded quota/g)).toHaveLength(2);
      expect(run.stderr).toContain("2 of 4 Jobs of group quota were not submitted");
    } finally {
      cluster.clearFaults();
    }
  });

  fakeOnly("injected slow answers")("an apply interrupted by Ctrl-C says what was done; re-running completes it", async () => {
    const template = behaviourTemplate(dir, "intr", {});
    const items = Array.from({ length: 60 }, (_, i) => `i${i}`).join(",");
    cluster.setFaults({ slowMs: 50 });
    let run;
    try {
      run = await jobxAsync(cluster, ["apply", template, "--items", items, "--group", "intr", "--batch-size", "5"], {
        onStart: (kill, output) => {
          const poll = setInterval(() => {
            if (output().includes("submitting")) {
              clearInterval(poll);
              setTimeout(() => kill("SIGINT"), 400);
            }
          }, 20);
        },
      });
    } finally {
      cluster.clearFaults();
    }
    expect(run.status).toBe(130);
    expect(run.stderr).toMatch(/stopped submitting group intr: \d+ of 60 Jobs stand submitted/);
    expect(run.stderr).toContain("jobx delete intr");
    const created = (await jobNames(cluster, "jobx.dev/group=intr")).length;
    expect(created).toBeLessThan(60);
    const again = await jobxAsync(cluster, ["apply", template, "--items", items, "--group", "intr"]);
    expect(again.status, again.stderr).toBe(0);
    expect(await jobNames(cluster, "jobx.dev/group=intr")).toHaveLength(60);
  });

  it("deleting the record garbage-collects the group", async () => {
    expect((await jobxAsync(cluster, ["apply", behaviourTemplate(dir, "gc", {}), "--items", "a,b", "--group", "gc"])).status).toBe(0);
    await cluster.kubectl(["delete", "configmap", "gc"]);
    for (let i = 0; i < 50 && (await jobNames(cluster, "jobx.dev/group=gc")).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await jobNames(cluster, "jobx.dev/group=gc")).toEqual([]);
  });
});
