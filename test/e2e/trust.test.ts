/**
 * jobx changes only what is its group's and reports only what happened. Each test is a
 * reproduction of a way that promise broke, run as a user (or an attacker) would type it.
 */
import type { TestCluster } from "../cluster/index";
import { beforeEach, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { behaviourTemplate, fakeOnly, jobNames, jobxAsync, requests, tempDir, useCluster } from "./helpers";

const dir = tempDir();
const clusterOf = useCluster();
let cluster: TestCluster;
beforeEach(() => {
  cluster = clusterOf();
});

async function object(kind: string, name: string): Promise<{ metadata: { uid: string; resourceVersion: string; labels?: Record<string, string>; ownerReferences?: { uid: string }[] }; data?: Record<string, string>; spec?: { template: { spec: { containers: { name: string }[] } } } } | undefined> {
  const r = await cluster.kubectl(["get", kind, name, "-o", "json", "--ignore-not-found"]);
  return r.stdout.trim() ? JSON.parse(r.stdout) : undefined;
}

/** A template whose Job is named exactly `{{ item }}`, so a test can make it collide. */
function namedTemplate(): string {
  const path = join(dir, "named.yaml.njk");
  writeFileSync(
    path,
    `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ item }}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: c
        image: busybox
        command: ["sh", "-c", {{ ("echo " ~ (msg | default("hi"))) | tojson }}]
`,
  );
  return path;
}

describe("nothing that is not the group's is changed or deleted", () => {
  it("a user's ConfigMap under the group's name: apply and delete refuse it, data and all intact (exit 7)", async () => {
    await cluster.kubectl(["create", "configmap", "app-config", "--from-literal=db_url=postgres://db"]);
    const before = await object("configmap", "app-config");
    const apply = await jobxAsync(cluster, ["apply", "job", "--items", "a", "--group", "app-config"]);
    expect(apply.status, apply.stderr).toBe(7);
    expect(apply.stderr).toContain(`the ConfigMap app-config in namespace ${cluster.namespace} is not a jobx group record (it belongs to field manager kubectl-create)`);
    expect(apply.stderr).toContain("choose another group name with --group");
    expect(await jobNames(cluster, "jobx.dev/group=app-config")).toEqual([]);
    const del = await jobxAsync(cluster, ["delete", "app-config", "--yes"]);
    expect(del.status, del.stderr).toBe(7);
    const after = await object("configmap", "app-config");
    expect(after?.data).toEqual({ db_url: "postgres://db" });
    expect(after?.metadata.resourceVersion).toBe(before?.metadata.resourceVersion);
  });

  it("a ConfigMap that carries a group's record labels but is no record: refused (exit 7), not a cluster error, and left as it was", async () => {
    await cluster.kubectl(["create", "configmap", "forged", "--from-literal=note=hand-made"]);
    await cluster.kubectl(["label", "configmap", "forged", "app.kubernetes.io/managed-by=jobx", "jobx.dev/group=forged", "jobx.dev/record=true"]);
    const before = await object("configmap", "forged");
    for (const args of [["apply", "job", "--items", "a", "--group", "forged"], ["delete", "forged", "--yes"], ["status", "forged"]]) {
      const run = await jobxAsync(cluster, args);
      expect(run.status, `${args.join(" ")}: ${run.stderr}`).toBe(7);
      expect(run.stderr).toContain("carries the record labels of group forged but is not a readable record");
    }
    expect(await jobNames(cluster, "jobx.dev/group=forged")).toEqual([]);
    expect((await object("configmap", "forged"))?.metadata.resourceVersion).toBe(before?.metadata.resourceVersion);
  });

  it("another group's Jobs under the same names: refused, named, and left running — with or without --replace", async () => {
    const template = namedTemplate();
    expect((await jobxAsync(cluster, ["apply", template, "--items", "x1,y1", "--group", "ga"])).status).toBe(0);
    const before = await object("job", "x1");
    for (const extra of [[], ["--replace", "-y"]]) {
      const run = await jobxAsync(cluster, ["apply", template, "--items", "x1,y1", "--group", "gb", ...extra]);
      expect(run.status, run.stderr).toBe(7);
      expect(run.stderr).toContain("Job x1 belongs to jobx group ga");
      expect(run.stderr).not.toContain("template changed");
    }
    const after = await object("job", "x1");
    expect(after?.metadata.uid).toBe(before?.metadata.uid);
    expect(after?.metadata.labels?.["jobx.dev/group"]).toBe("ga");
    // Nothing was written for gb: not even its record.
    expect(await object("configmap", "gb")).toBeUndefined();
  });

  it("a Job made by kubectl create job: refused with its field manager; --adopt takes it over only if it matches", async () => {
    await cluster.kubectl(["create", "job", "made-by-hand", "--image=busybox"]);
    const template = namedTemplate();
    const refused = await jobxAsync(cluster, ["apply", template, "--items", "made-by-hand,fresh", "--group", "hands"]);
    expect(refused.status).toBe(7);
    expect(refused.stderr).toContain("Job made-by-hand belongs to field manager kubectl-create");
    expect(refused.stderr).toContain("--adopt");
    expect(await object("job", "fresh")).toBeUndefined();
    // Its pod template differs from the group's, and a Job's template cannot change: adopting it fails, and it is left as it was.
    const adopt = await jobxAsync(cluster, ["apply", template, "--items", "made-by-hand,fresh", "--group", "hands", "--adopt"]);
    expect(adopt.status).toBe(1);
    expect(adopt.stderr).toContain("taking over 1 Job into group hands (--adopt): made-by-hand");
    const hand = await object("job", "made-by-hand");
    expect(hand?.spec?.template.spec.containers.map((c) => c.name)).toEqual(["made-by-hand"]);
    expect(hand?.metadata.ownerReferences ?? []).toEqual([]);
  });

  it("Jobs applied from `jobx expand` output are adopted into a recorded group with --adopt", async () => {
    const template = namedTemplate();
    const expanded = await jobxAsync(cluster, ["expand", template, "--items", "e1,e2", "--group", "exp"]);
    expect((await cluster.kubectl(["apply", "-f", "-"], { input: expanded.stdout })).exitCode).toBe(0);
    const refused = await jobxAsync(cluster, ["apply", template, "--items", "e1,e2", "--group", "exp"]);
    expect(refused.status).toBe(7);
    expect(refused.stderr).toContain("Job e1 has the labels of group exp but no owner");
    const adopted = await jobxAsync(cluster, ["apply", template, "--items", "e1,e2", "--group", "exp", "--adopt"]);
    expect(adopted.status, adopted.stderr).toBe(0);
    expect(adopted.stderr).toContain("2 adopted");
    const record = await object("configmap", "exp");
    expect((await object("job", "e1"))?.metadata.ownerReferences?.map((r) => r.uid)).toEqual([record?.metadata.uid]);
  });

  it("delete removes the group's record and the Jobs it owns, and leaves a Job that only carries its labels", async () => {
    const template = behaviourTemplate(dir, "own", {});
    expect((await jobxAsync(cluster, ["apply", template, "--items", "a,b", "--group", "own"])).status).toBe(0);
    await cluster.kubectl(["create", "job", "impostor", "--image=busybox"]);
    await cluster.kubectl(["label", "job", "impostor", "app.kubernetes.io/managed-by=jobx", "jobx.dev/group=own"]);
    const del = await jobxAsync(cluster, ["delete", "own", "--yes", "--wait"]);
    expect(del.status, del.stderr).toBe(0);
    expect(del.stderr).toContain("Job impostor carries the labels of group own but is not the group's (it belongs to no one, and it is not a member jobx made): left alone");
    expect(await jobNames(cluster, "jobx.dev/group=own")).toEqual(["impostor"]);
  });

  it("re-applying with fewer rows says which members it drops, keeps tracking them, and deletes them only with --prune", async () => {
    const template = behaviourTemplate(dir, "fewer", {});
    expect((await jobxAsync(cluster, ["apply", template, "--items", "a,b,c", "--group", "fewer"])).status).toBe(0);
    const kept = await jobxAsync(cluster, ["apply", template, "--items", "a", "--group", "fewer"]);
    expect(kept.status, kept.stderr).toBe(0);
    expect(kept.stderr).toContain("2 members of the earlier apply of group fewer are not in this expansion: fewer-b, fewer-c; they stay in the group");
    const status = JSON.parse((await jobxAsync(cluster, ["status", "fewer", "-o", "json"])).stdout) as { members: { name: string }[] };
    expect(status.members.map((m) => m.name)).toEqual(["fewer-a", "fewer-b", "fewer-c"]);
    const refused = await jobxAsync(cluster, ["apply", template, "--items", "a", "--group", "fewer", "--prune"]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("--prune deletes Jobs and needs a confirmation");
    const pruned = await jobxAsync(cluster, ["apply", template, "--items", "a", "--group", "fewer", "--prune", "-y"]);
    expect(pruned.status, pruned.stderr).toBe(0);
    expect(pruned.stderr).toContain("deleted 2 Jobs this expansion no longer has (--prune)");
    for (let i = 0; i < 50 && (await jobNames(cluster, "jobx.dev/group=fewer")).length > 1; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await jobNames(cluster, "jobx.dev/group=fewer")).toEqual(["fewer-a"]);
  });
});

describe("what jobx reports is what happened", () => {
  it("a changed --set on a group of one: the refused update is reported, not counted as submitted (exit 1)", async () => {
    const template = namedTemplate();
    expect((await jobxAsync(cluster, ["apply", template, "--items", "solo", "--group", "solo"])).status).toBe(0);
    cluster.resetCounts();
    const changed = await jobxAsync(cluster, ["apply", template, "--items", "solo", "--set", "msg=changed", "--group", "solo"]);
    expect(changed.status).toBe(1);
    expect(changed.stderr).toContain("submitted 0 of 1 Job (group solo)");
    expect(changed.stderr).toContain("immutable: spec.template: field is immutable");
    // A permanent refusal is not sent again.
    expect(requests(cluster, "patch", "jobs")).toBe(1);
  });

  it("with --batch-size 1 every refused update is read as refused", async () => {
    const template = namedTemplate();
    expect((await jobxAsync(cluster, ["apply", template, "--items", "b1,b2,b3", "--group", "ones"])).status).toBe(0);
    const changed = await jobxAsync(cluster, ["apply", template, "--items", "b1,b2,b3", "--set", "msg=new", "--group", "ones", "--batch-size", "1"]);
    expect(changed.status).toBe(1);
    expect(changed.stderr).toContain("3 of 3 Jobs of group ones were not submitted");
  });

  fakeOnly("injected 500s")("a 500 on the record write, on the first list of status and wait, and on delete is retried", async () => {
    const template = behaviourTemplate(dir, "flaky", {});
    cluster.setFaults({ failNext: { count: 2, status: 500, verbs: ["create"], resources: ["configmaps"] } });
    const apply = await jobxAsync(cluster, ["apply", template, "--items", "a", "--group", "flaky"]);
    expect(apply.status, apply.stderr).toBe(0);
    for (const args of [["status", "flaky"], ["wait", "flaky", "--timeout", "30s"]]) {
      cluster.setFaults({ failNext: { count: 1, status: 500, verbs: ["list"], resources: ["jobs"] } });
      const run = await jobxAsync(cluster, args);
      expect(run.status, `${args.join(" ")}: ${run.stderr}`).toBe(0);
    }
    cluster.setFaults({ failNext: { count: 1, status: 500, verbs: ["delete"], resources: ["configmaps"] } });
    const del = await jobxAsync(cluster, ["delete", "flaky", "--yes", "--wait"]);
    expect(del.status, del.stderr).toBe(0);
    expect(await jobNames(cluster, "jobx.dev/group=flaky")).toEqual([]);
  });

  it("a cluster jobx cannot reach is exit 5, never a failed member", async () => {
    const kubeconfig = join(dir, "nowhere.kubeconfig");
    writeFileSync(
      kubeconfig,
      "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: http://127.0.0.1:1\nusers:\n- name: u\n  user: {}\ncontexts:\n- name: nowhere\n  context: {cluster: c, user: u}\ncurrent-context: nowhere\n",
    );
    for (const args of [["status", "g"], ["wait", "g"], ["apply", "job", "--items", "a", "--group", "g"], ["delete", "g", "--yes"]]) {
      const run = await jobxAsync(cluster, [...args, "--kubeconfig", kubeconfig], { env: { JOBX_RETRIES: "2" } });
      expect(run.status, `${args[0]}: ${run.stderr}`).toBe(5);
      expect(run.stderr).toContain("kubectl failed to");
      expect(run.stderr).toContain("127.0.0.1:1");
    }
  }, 120_000);

  it("a group whose members TTL removed is listed as status tells it, and a suspended group as suspended", async () => {
    const ttl = behaviourTemplate(dir, "ttl", { exitCodes: "0" }, "  backoffLimit: 0\n  ttlSecondsAfterFinished: 0");
    expect((await jobxAsync(cluster, ["apply", ttl, "--items", "a,b", "--group", "ttl", "--wait", "--timeout", "30s"])).status).toBe(0);
    for (let i = 0; i < 50 && (await jobNames(cluster, "jobx.dev/group=ttl")).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    const held = behaviourTemplate(dir, "held", {}, "  backoffLimit: 0\n  suspend: true");
    expect((await jobxAsync(cluster, ["apply", held, "--items", "a", "--group", "held"])).status).toBe(0);
    const list = JSON.parse((await jobxAsync(cluster, ["list", "-o", "json"])).stdout) as { group: string; state: string; succeeded: number }[];
    expect(list.find((g) => g.group === "ttl")).toMatchObject({ state: "succeeded", succeeded: 2 });
    expect(list.find((g) => g.group === "held")).toMatchObject({ state: "suspended" });
    const status = JSON.parse((await jobxAsync(cluster, ["status", "ttl", "-o", "json"])).stdout) as { state: string; counts: { succeeded: number } };
    expect(status).toMatchObject({ state: "succeeded", counts: { succeeded: 2 } });
  });

  it("wait on a suspended group says so once, instead of silently running into its timeout", async () => {
    const held = behaviourTemplate(dir, "paused", {}, "  backoffLimit: 0\n  suspend: true");
    expect((await jobxAsync(cluster, ["apply", held, "--items", "a", "--group", "paused"])).status).toBe(0);
    const run = await jobxAsync(cluster, ["wait", "paused", "--timeout", "2s"]);
    expect(run.status).toBe(3);
    expect(run.stderr.match(/group paused is suspended/g)).toHaveLength(1);
    expect(run.stderr).toContain("jobx resume paused");
  });

  it("report paths are checked before any work starts", async () => {
    const template = behaviourTemplate(dir, "early", {});
    const run = await jobxAsync(cluster, ["apply", template, "--items", "a", "--group", "early", "--wait", "--report", `junit=${join(dir, "no-such-dir", "r.xml")}`]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("cannot write");
    expect(await object("configmap", "early")).toBeUndefined();
  });

  fakeOnly("injected slow answers")("Ctrl-C while the record is written exits 130 with the resume hint", async () => {
    cluster.resetCounts();
    cluster.setFaults({ slowMs: 1500 });
    const run = await jobxAsync(cluster, ["apply", "job", "--items", "a", "--group", "slowrecord"], {
      onStart: (kill) => {
        const poll = setInterval(() => {
          // Counted when it arrives: the record's write is under way (each request is slowed).
          if (requests(cluster, "create", "configmaps") > 0) {
            clearInterval(poll);
            setTimeout(() => kill("SIGINT"), 200);
          }
        }, 20);
      },
    });
    cluster.clearFaults();
    expect(run.status, run.stderr).toBe(130);
    expect(run.stderr).toContain("stopped submitting group slowrecord");
    expect(run.stderr).toContain("resume:   re-run the same jobx apply");
  });

  it("after --cleanup always, an interrupt says the group was deleted", async () => {
    const template = behaviourTemplate(dir, "tidy", { runTime: "1h" });
    const run = await jobxAsync(cluster, ["apply", template, "--items", "a", "--group", "tidy", "--wait", "--cleanup", "always"], {
      onStart: (kill, output) => {
        const poll = setInterval(() => {
          if (output().includes("submitted 1 of 1")) {
            clearInterval(poll);
            setTimeout(() => kill("SIGINT"), 300);
          }
        }, 20);
      },
    });
    expect(run.status, run.stderr).toBe(130);
    expect(run.stderr).toContain("deleted group tidy and its Jobs (--cleanup always)");
    expect(run.stderr).not.toContain("go on running");
    expect(await object("configmap", "tidy")).toBeUndefined();
  });
});
