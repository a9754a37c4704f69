import type { TestCluster } from "../cluster/index";
import { beforeEach, describe, expect, it } from "vitest";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { behaviourTemplate, jobxAsync, tempDir, useCluster } from "./helpers";

const dir = tempDir();
const clusterOf = useCluster();
let cluster: TestCluster;
beforeEach(() => {
  cluster = clusterOf();
});

describe("a kubectl behind a wrapper script that does not exec", () => {
  it("wait and --timeout still end: the watch's whole process group is stopped", async () => {
    const wrapper = join(dir, "kubectl-wrapper");
    writeFileSync(wrapper, '#!/bin/sh\nkubectl "$@"\n');
    chmodSync(wrapper, 0o755);
    const env = { JOBX_KUBECTL: wrapper };
    const template = behaviourTemplate(dir, "wrap", { runTime: "100s" });
    const done = await jobxAsync(cluster, ["apply", template, "--items", "a", "--group", "wrap", "--wait", "--timeout", "30s"], { env, timeoutMs: 40_000 });
    expect(done.status, done.stderr).toBe(0);
    const slow = behaviourTemplate(dir, "wrapslow", { runTime: "10h" });
    expect((await jobxAsync(cluster, ["apply", slow, "--items", "a", "--group", "wrapslow"], { env })).status).toBe(0);
    const started = Date.now();
    const timedOut = await jobxAsync(cluster, ["wait", "wrapslow", "--timeout", "2s"], { env, timeoutMs: 20_000 });
    expect(timedOut.status).toBe(3);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
