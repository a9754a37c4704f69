/**
 * Packed groups as their pods really run them: in exec mode each container's `sh -c` runs
 * on the host with its pod's env, `$(VAR)` expansion, completion index and the rows
 * ConfigMaps mounted where the pod spec says — so the resolver jobx puts in front of the
 * user's command picks each pod's row, exactly as in a cluster.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { canMount } from "../fake-cluster/volumes";
import { jobxAsync, tempDir, useCluster } from "./helpers";

const dir = tempDir();

/** The docs' style of template: the item in the name, the command and the env. */
function template(name: string): string {
  const path = join(dir, `${name}.yaml.njk`);
  writeFileSync(
    path,
    `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}-{{ item }}
spec:
  backoffLimit: 0
  activeDeadlineSeconds: 3600
  ttlSecondsAfterFinished: 3600
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: c
        image: busybox:1.36
        env:
        - name: ITEM
          value: {{ item | quote }}
        - name: GREETING
          value: "processing $(ITEM)"
        command: ["sh", "-c", "echo \\"$GREETING with {{ item }} at index $JOB_COMPLETION_INDEX\\"; [ \\"$ITEM\\" != bad ]"]
        resources:
          requests: {cpu: 100m, memory: 64Mi}
          limits: {memory: 64Mi}
`,
  );
  return path;
}

const mounts = canMount();
if (!mounts) process.stderr.write("exec-packed: skipped, this host cannot give a process a private mount namespace (unshare --mount needs root)\n");

describe.skipIf(!mounts)("packed groups in exec mode: the resolver reads its row from the mounted ConfigMap", () => {
  const cluster = useCluster({ timeScale: 0.01, execCommands: true });

  it("each pod runs its own row's command and env; a failing row fails only its item", async () => {
    const run = await jobxAsync(cluster(), ["apply", template("ex"), "--items", "apple,bad,cherry", "--group", "ex", "--pack", "--wait", "--timeout", "60s"]);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toContain("group ex: 1 of 3 failed");
    const logs = await jobxAsync(cluster(), ["logs", "ex"]);
    const lines = logs.stdout.trim().split("\n").map((l) => l.replace(/ ex-\d-\w+\]/, "]")).sort();
    expect(lines).toEqual([
      "[item=apple] processing apple with apple at index 0",
      "[item=bad] processing bad with bad at index 1",
      "[item=cherry] processing cherry with cherry at index 2",
    ]);
    const status = await jobxAsync(cluster(), ["status", "ex"]);
    expect(status.stdout).toMatch(/^item=bad .*failed/m);
    expect(status.stdout).toContain("3 items: 2 succeeded, 1 failed");
  });

  it("--per-pod 2: rows run one after another in one pod, each with its own log section and outcome", async () => {
    const run = await jobxAsync(cluster(), ["apply", template("pp"), "--items", "a,b,bad,d,e", "--group", "pp", "--pack", "--per-pod", "2", "--wait", "--timeout", "60s"]);
    expect(run.status, run.stderr).toBe(1);
    const status = await jobxAsync(cluster(), ["status", "pp"]);
    expect(status.stdout).toMatch(/^item=bad .*failed/m);
    for (const item of ["a", "b", "d", "e"]) expect(status.stdout).toMatch(new RegExp(`^item=${item} .*succeeded`, "m"));
    const logs = await jobxAsync(cluster(), ["logs", "pp"]);
    for (const [i, item] of ["a", "b", "bad", "d", "e"].entries()) expect(logs.stdout).toMatch(new RegExp(`^\\[item=${item} [^\\]]+\\] processing ${item} with ${item} at index ${Math.floor(i / 2)}$`, "m"));
  });
});
