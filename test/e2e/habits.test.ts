/**
 * kubectl's habits, typed as a kubectl user types them: global flags anywhere, -o as
 * kubectl has it, logs' flags, groups applied from `jobx expand` output, completion and
 * the plugin name.
 */
import type { TestCluster } from "../cluster/index";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { ROOT } from "../cli/run";
import { behaviourTemplate, jobNames, jobxAsync, tempDir, useCluster } from "./helpers";

const dir = tempDir();
const clusterOf = useCluster();
let cluster: TestCluster;
beforeEach(() => {
  cluster = clusterOf();
});

describe("flags and output as kubectl has them", () => {
  it("global flags before or after the command: --context, -n, --kubeconfig", async () => {
    await cluster.kubectl(["create", "namespace", "batch"]);
    const template = behaviourTemplate(dir, "glob", {});
    const apply = await jobxAsync(cluster, ["--context", cluster.context, "-n", "batch", "apply", template, "--items", "a", "--group", "glob"]);
    expect(apply.status, apply.stderr).toBe(0);
    expect(await jobNames(cluster, "jobx.dev/group=glob")).toEqual([]); // not in default
    const before = await jobxAsync(cluster, ["--kubeconfig", cluster.kubeconfigPath, "-n", "batch", "status", "glob", "-o", "name"]);
    const after = await jobxAsync(cluster, ["status", "glob", "-n", "batch", "--context", cluster.context, "-o", "name"]);
    expect(before.stdout).toBe("job.batch/glob-a\n");
    expect(after.stdout).toBe(before.stdout);
  });

  it("-o json, yaml, name and wide where each makes sense; times are RFC 3339 everywhere", async () => {
    const template = behaviourTemplate(dir, "outs", {});
    const named = await jobxAsync(cluster, ["apply", template, "--items", "a,b", "--group", "outs", "-o", "name"]);
    expect(named.stdout).toBe("job.batch/outs-a\njob.batch/outs-b\n");
    const yaml = await jobxAsync(cluster, ["apply", template, "--items", "a,b", "--group", "outs", "-o", "yaml"]);
    expect(yaml.stdout).toMatch(/^kind: List$/m);
    expect(yaml.stdout.match(/^ {4}kind: Job$/gm)).toHaveLength(2);
    const json = JSON.parse((await jobxAsync(cluster, ["apply", template, "--items", "a,b", "--group", "outs", "-o", "json"])).stdout) as { kind: string; items: { kind: string }[] };
    expect(json.items.map((o) => o.kind)).toEqual(["ConfigMap", "Job", "Job"]);
    await jobxAsync(cluster, ["wait", "outs", "--timeout", "30s"]);
    const wide = await jobxAsync(cluster, ["status", "outs", "-o", "wide"]);
    expect(wide.stdout).toMatch(/^ITEM +JOB +COMPLETIONS +ACTIVE +FAILED +DURATION +STARTED +MESSAGE +STATUS$/m);
    const status = await jobxAsync(cluster, ["status", "outs", "-o", "yaml"]);
    expect(status.stdout).toMatch(/^state: succeeded$/m);
    const listWide = await jobxAsync(cluster, ["list", "-o", "wide"]);
    expect(listWide.stdout).toMatch(/^GROUP +JOBS +SUCCEEDED +FAILED +RUNNING +SUSPENDED +MISSING +STATE +APPLIED +BY +TEMPLATE$/m);
    const timeline = JSON.parse((await jobxAsync(cluster, ["timeline", "outs", "-o", "json"])).stdout) as { from: string; bars: { created: string }[] };
    expect(timeline.from).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(timeline.bars[0]?.created).toMatch(/Z$/);
  });

  it("--dry-run=none is accepted, as kubectl takes it", async () => {
    const run = await jobxAsync(cluster, ["apply", behaviourTemplate(dir, "none", {}), "--items", "a", "--group", "none", "--dry-run=none"]);
    expect(run.status, run.stderr).toBe(0);
    expect(await jobNames(cluster, "jobx.dev/group=none")).toEqual(["none-a"]);
  });

  it("every error line starts with jobx:, commander's too; '1 Job', not '1 Jobs'", async () => {
    const unknown = await jobxAsync(cluster, ["status", "--no-such-flag"]);
    expect(unknown.status).toBe(2);
    for (const line of unknown.stderr.trim().split("\n")) expect(line).toMatch(/^jobx: /);
    const one = await jobxAsync(cluster, ["apply", behaviourTemplate(dir, "single", {}), "--items", "a", "--group", "single"]);
    expect(one.stderr).toContain("submitted 1 of 1 Job (group single)");
    expect(one.stderr).not.toMatch(/\b1 Jobs\b/);
  });
});

describe("logs as kubectl logs takes them", () => {
  it("--tail, --timestamps, -c; the container in the prefix when a pod has several", async () => {
    const path = join(dir, "two.yaml.njk");
    writeFileSync(
      path,
      `apiVersion: batch/v1
kind: Job
metadata:
  name: two-{{ item }}
spec:
  backoffLimit: 0
  template:
    metadata:
      annotations:
        fake.jobx.dev/log: "one\\ntwo\\nthree"
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox
      - name: side
        image: busybox
`,
    );
    expect((await jobxAsync(cluster, ["apply", path, "--items", "a", "--group", "two", "--wait", "--timeout", "30s"])).status).toBe(0);
    const all = (await jobxAsync(cluster, ["logs", "two"])).stdout.trim().split("\n");
    expect(all.filter((l) => /^\[item=a two-a-\w+\/main\] /.test(l))).toHaveLength(3);
    expect(all.filter((l) => /^\[item=a two-a-\w+\/side\] /.test(l))).toHaveLength(3);
    const tail = (await jobxAsync(cluster, ["logs", "two", "-c", "main", "--tail", "1"])).stdout.trim().split("\n");
    expect(tail).toHaveLength(1);
    expect(tail[0]).toMatch(/^\[item=a two-a-\w+\/main\] three$/);
    const stamped = (await jobxAsync(cluster, ["logs", "two", "-c", "side", "--timestamps"])).stdout.trim().split("\n");
    expect(stamped[0]).toMatch(/^\[item=a two-a-\w+\/side\] \d{4}-\d\d-\d\dT[\d:.]+Z one$/);
    const bad = await jobxAsync(cluster, ["logs", "two", "--tail", "many"]);
    expect(bad.status).toBe(2);
  });

  it("after ttlSecondsAfterFinished removed the pods, logs says why there is nothing", async () => {
    const ttl = behaviourTemplate(dir, "gone", { log: "hello" }, "  backoffLimit: 0\n  ttlSecondsAfterFinished: 0");
    expect((await jobxAsync(cluster, ["apply", ttl, "--items", "a", "--group", "gone", "--wait", "--timeout", "30s"])).status).toBe(0);
    for (let i = 0; i < 50 && (await jobNames(cluster, "jobx.dev/group=gone")).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    const run = await jobxAsync(cluster, ["logs", "gone"]);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("its Jobs are gone from the cluster (removed by ttlSecondsAfterFinished, or deleted)");
  });

  it("--item picks the right member of a template rendered once into several Jobs", async () => {
    const path = join(dir, "loop.yaml.njk");
    writeFileSync(
      path,
      `{% for x in ["red", "green", "blue"] %}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: loop-{{ x }}
spec:
  backoffLimit: 0
  template:
    metadata:
      annotations:
        fake.jobx.dev/log: "colour {{ x }}"
    spec:
      restartPolicy: Never
      containers:
      - name: c
        image: busybox
{% endfor %}`,
    );
    expect((await jobxAsync(cluster, ["apply", path, "--group", "loop", "--wait", "--timeout", "30s"])).status).toBe(0);
    const second = await jobxAsync(cluster, ["logs", "loop", "--item", "1"]);
    expect(second.stdout.trim()).toMatch(/^\[#0 loop-green-\w+\] colour green$/);
    const byName = await jobxAsync(cluster, ["logs", "loop", "--item", "loop-blue"]);
    expect(byName.stdout).toContain("colour blue");
  });
});

describe("groups applied from jobx expand output", () => {
  it("expand | kubectl apply, then wait, status, logs, list, timeline and delete find the group by its labels", async () => {
    const template = behaviourTemplate(dir, "byhand", { log: "hi $ITEM" });
    const expanded = await jobxAsync(cluster, ["expand", template, "--items", "a,b", "--group", "byhand"]);
    expect((await cluster.kubectl(["apply", "-f", "-"], { input: expanded.stdout })).exitCode).toBe(0);
    const wait = await jobxAsync(cluster, ["wait", "byhand", "--timeout", "30s"]);
    expect(wait.status, wait.stderr).toBe(0);
    const status = await jobxAsync(cluster, ["status", "byhand"]);
    expect(status.stdout).toContain("it has no record (applied from jobx expand output)");
    expect(status.stdout).toMatch(/^item=a +byhand-a /m);
    expect((await jobxAsync(cluster, ["logs", "byhand"])).stdout).toMatch(/^\[item=b byhand-b-\w+\] hi b$/m);
    const list = JSON.parse((await jobxAsync(cluster, ["list", "-o", "json"])).stdout) as { group: string; template: string; state: string }[];
    expect(list.find((g) => g.group === "byhand")).toMatchObject({ template: "(not recorded)", state: "succeeded" });
    expect((await jobxAsync(cluster, ["timeline", "byhand"])).stdout).toContain("group byhand · 2 members");
    const del = await jobxAsync(cluster, ["delete", "byhand", "--yes", "--wait"]);
    expect(del.status, del.stderr).toBe(0);
    expect(await jobNames(cluster, "jobx.dev/group=byhand")).toEqual([]);
  });
});

describe("installed the way kubectl tools are", () => {
  it("completion: bash completes commands, flags, values and the cluster's group names", async () => {
    expect((await jobxAsync(cluster, ["apply", behaviourTemplate(dir, "comp", {}), "--items", "a", "--group", "comp-me"])).status).toBe(0);
    const script = (await jobxAsync(cluster, ["completion", "bash"])).stdout;
    // Asynchronously: the test cluster answers from this process's event loop.
    const complete = (line: string) =>
      new Promise<string[]>((resolve, reject) => {
        const words = line.split(" ");
        const bash = spawn("bash", ["-c", `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _jobx_complete; printf '%s\\n' "\${COMPREPLY[@]}"`], {
          env: { ...process.env, ...cluster.env, PATH: `${join(ROOT, "bin")}:${process.env.PATH}` },
        });
        let out = "";
        bash.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
        bash.on("error", reject);
        bash.on("close", () => resolve(out.trim().split("\n").filter(Boolean)));
      });
    expect(await complete("jobx.js st")).toEqual(["status"]);
    expect(await complete("jobx.js apply --clean")).toEqual(["--cleanup"]);
    expect(await complete("jobx.js apply --cleanup on")).toEqual(["on-success"]);
    expect(await complete("jobx.js status comp")).toEqual(["comp-me"]);
    for (const shell of ["zsh", "fish"]) expect((await jobxAsync(cluster, ["completion", shell])).stdout).toContain("__complete");
    expect((await jobxAsync(cluster, ["completion", "tcsh"])).status).toBe(2);
  });
});
