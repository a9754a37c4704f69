import type { TestCluster } from "../cluster/index";
import { beforeEach, describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { behaviourTemplate, jobxAsync, tempDir, useCluster } from "./helpers";

const dir = tempDir();
const clusterOf = useCluster();
let cluster: TestCluster;
beforeEach(() => {
  cluster = clusterOf();
});

describe("--report on apply --wait, wait and status", () => {
  it("writes JUnit, JSON and HTML for CI, before cleaning up", async () => {
    const template = behaviourTemplate(dir, "rep", {
      runTime: "100s",
      exitCodes: "{{ '3' if item == 'bad' else '0' }}",
      log: "working on $ITEM\ndone with $ITEM",
    });
    const junit = join(dir, "junit.xml");
    const json = join(dir, "report.json");
    const html = join(dir, "report.html");
    const run = await jobxAsync(cluster, [
      "apply", template, "--items", "good,bad", "--group", "rep", "--wait", "--timeout", "60s", "--cleanup", "always",
      "--report", `junit=${junit}`, "--report", `json=${json}`, "--report", `html=${html}`,
    ]);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toContain(`wrote ${junit}`);

    const xml = readFileSync(junit, "utf8");
    expect(xml).toMatch(/<testsuite [^>]*name="jobx group rep"[^>]*tests="2"[^>]*failures="1"/);
    expect(xml).toMatch(/<testcase [^>]*name="item=good"/);
    expect(xml).toMatch(/<failure [^>]*type="BackoffLimitExceeded"/);
    expect(xml).toContain("done with bad");

    const report = JSON.parse(readFileSync(json, "utf8")) as { members: { params: { item: string }; outcome: string; pods: { exitCode?: number }[] }[] };
    const bad = report.members.find((m) => m.params.item === "bad");
    expect(bad?.outcome).toBe("failed");
    expect(bad?.pods[0]?.exitCode).toBe(3);

    expect(readFileSync(html, "utf8")).toContain("<svg");
    // --cleanup always ran after the reports were written.
    expect((await cluster.kubectl(["get", "jobs", "-l", "jobx.dev/group=rep", "-o", "name"])).stdout.trim()).toBe("");
  });

  it("refuses a bad --report before creating anything", async () => {
    const run = await jobxAsync(cluster, ["apply", behaviourTemplate(dir, "badrep", {}), "--items", "a", "--group", "badrep", "--wait", "--report", "pdf=x.pdf"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("pdf");
    expect(existsSync(join(dir, "x.pdf"))).toBe(false);
    expect((await cluster.kubectl(["get", "configmap", "badrep", "--ignore-not-found", "-o", "name"])).stdout.trim()).toBe("");
  });

  it("status --report describes the group as it stands", async () => {
    expect((await jobxAsync(cluster, ["apply", behaviourTemplate(dir, "strep", {}), "--items", "a", "--group", "strep", "--wait"])).status).toBe(0);
    const json = join(dir, "status.json");
    const run = await jobxAsync(cluster, ["status", "strep", "--report", `json=${json}`]);
    expect(run.status, run.stderr).toBe(0);
    expect((JSON.parse(readFileSync(json, "utf8")) as { members: unknown[] }).members).toHaveLength(1);
  });
});
