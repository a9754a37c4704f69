import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors";
import { expandJobs } from "../../src/manifest/expand";
import { jobProblems } from "../../src/manifest/job";
import { planPack, type PackPlan, type PackRow } from "../../src/pack/plan";
import { ROWS_DIR, rowsFromMessage, shellWord } from "../../src/pack/resolver";
import { compileTemplate } from "../../src/render/template";
import { planOf } from "../manifest/helpers";

/** The docs' template, as a user writes it for one Job per row. */
const DOCS = `apiVersion: batch/v1
kind: Job
metadata:
  name: process-item-{{ item }}
  labels:
    jobgroup: jobexample
spec:
  backoffLimit: 2
  activeDeadlineSeconds: 600
  template:
    metadata:
      labels:
        jobgroup: jobexample
    spec:
      containers:
      - name: c
        image: busybox
        command: ["sh", "-c", "echo Processing item {{ item }} && echo ITEM=$ITEM && exit {{ code | default(0) }}"]
        env:
        - name: ITEM
          value: {{ item | quote }}
        - name: GREETING
          value: "hello $(ITEM)"
      restartPolicy: Never
`;

function rowsOf(text: string, rows: Record<string, unknown>[]): PackRow[] {
  const template = compileTemplate({ name: "t.yaml.njk", text });
  return [...expandJobs({ template, plan: planOf(rows), group: "g" })].map((r) => ({ job: r.jobs[0] as PackRow["job"], row: r.index, params: r.row }));
}

/** Runs a packed pod's first container as the kubelet would (env, the rows mounted), in a real sh; returns its output and exit code. */
function runPod(plan: PackPlan, index: number, job = plan.jobs[0]): { stdout: string; status: number | null; message: string } {
  const dir = mkdtempSync(join(tmpdir(), "jobx-pack-"));
  const rows = join(dir, "rows");
  mkdirSync(rows);
  for (const cm of plan.configMaps) for (const [k, v] of Object.entries(cm.data)) writeFileSync(join(rows, k), v);
  const container = (job?.spec.template.spec.containers[0] ?? {}) as { command: string[]; env: { name: string; value?: string }[] };
  const termination = join(dir, "termination-log");
  const env = Object.fromEntries((container.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value as string]));
  // A container with nothing of its own per row keeps its command; a varying one runs the resolver.
  const resolved = container.command[0] === "/bin/sh" && (container.command[2] ?? "").includes("run_row");
  const [command = "", ...args] = resolved ? ["/bin/sh", "-c", (container.command[2] ?? "").replaceAll(ROWS_DIR, rows).replaceAll("/dev/termination-log", termination)] : container.command;
  const run = spawnSync(command, args, { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env, JOB_COMPLETION_INDEX: String(index) }, encoding: "utf8" });
  let message = "";
  try {
    message = readFileSync(termination, "utf8");
  } catch {
    // no termination message (one row per pod)
  }
  return { stdout: run.stdout, status: run.status, message };
}

describe("planPack", () => {
  const items = ["apple", "banana", "cherry", "damson"];
  const rows = rowsOf(DOCS, items.map((item) => ({ item })));

  it("one Indexed Job: a completion per row, per-index retries, no early failure, the deadline per pod", () => {
    const plan = planPack(rows, { group: "fruit", perPod: 1, parallelism: 2 });
    expect(plan.jobs).toHaveLength(1);
    const job = plan.jobs[0];
    expect(job?.metadata.name).toBe("fruit");
    expect(job?.spec).toMatchObject({ completionMode: "Indexed", completions: 4, parallelism: 2, backoffLimitPerIndex: 2, maxFailedIndexes: 4 });
    expect(job?.spec).not.toHaveProperty("activeDeadlineSeconds");
    expect(job?.spec.template.spec).toMatchObject({ activeDeadlineSeconds: 600, restartPolicy: "Never" });
    expect(job?.metadata.labels).toMatchObject({ jobgroup: "jobexample", "jobx.dev/group": "fruit", "jobx.dev/packed": "job" });
    expect(plan.items.map((i) => [i.name, i.job, i.index])).toEqual(items.map((_, n) => [rows[n]?.job.metadata.name, "fruit", n]));
    expect(plan.configMaps.map((c) => Object.keys(c.data))).toEqual([["0.0", "1.0", "2.0", "3.0"]]);
    // What expand checks of the API server's rules holds for the packed Job too (its jobx.dev/ labels are jobx's own).
    expect(jobProblems(JSON.parse(JSON.stringify(job))).filter((p) => !p.includes("keys under jobx.dev/"))).toEqual([]);
  });

  it("each pod runs its own row as a Job of its own would: its argv, its env, $(VAR) expanded, values as data", () => {
    const plan = planPack(rows, { group: "fruit", perPod: 1 });
    items.forEach((item, index) => {
      const pod = runPod(plan, index);
      expect(pod.status).toBe(0);
      expect(pod.stdout).toBe(`Processing item ${item}\nITEM=${item}\n`);
    });
  });

  it("a row's exit code is its pod's", () => {
    const plan = planPack(rowsOf(DOCS, [{ item: "a", code: 0 }, { item: "b", code: 3 }]), { group: "g", perPod: 1 });
    expect(runPod(plan, 1).status).toBe(3);
  });

  it("--per-pod 3: a pod runs its rows one after another, each framed in the log, each exit code in the termination message", () => {
    const coded = rowsOf(DOCS, [0, 1, 2, 3, 4].map((n) => ({ item: `i${n}`, code: n === 1 ? 7 : 0 })));
    const plan = planPack(coded, { group: "g", perPod: 3 });
    expect(plan.jobs[0]?.spec.completions).toBe(2);
    expect(plan.items.map((i) => i.index)).toEqual([0, 0, 0, 1, 1]);
    const first = runPod(plan, 0);
    expect(first.status).toBe(1);
    expect(first.stdout.split("\n").filter((l) => l.startsWith("[jobx]"))).toEqual([
      "[jobx] row 0 begins",
      "[jobx] row 0 ended with exit code 0",
      "[jobx] row 1 begins",
      "[jobx] row 1 ended with exit code 7",
      "[jobx] row 2 begins",
      "[jobx] row 2 ended with exit code 0",
    ]);
    expect([...rowsFromMessage(first.message)]).toEqual([
      [0, 0],
      [1, 7],
      [2, 0],
    ]);
    const last = runPod(plan, 1);
    expect(last.status).toBe(0);
    expect([...rowsFromMessage(last.message).keys()]).toEqual([3, 4]);
    expect(plan.jobs[0]?.spec.template.spec).toMatchObject({ activeDeadlineSeconds: 1800 });
  });

  it("splits into as few Jobs as the limit on completions allows, each mounting only its rows", () => {
    const many = rowsOf(DOCS, Array.from({ length: 7 }, (_, n) => ({ item: `n${n}` })));
    const plan = planPack(many, { group: "big", perPod: 1, maxPerJob: 3, parallelism: 6 });
    expect(plan.jobs.map((j) => [j.metadata.name, j.spec.completions, j.spec.parallelism])).toEqual([
      ["big-0", 3, 2],
      ["big-1", 3, 2],
      ["big-2", 1, 1],
    ]);
    expect(plan.items.map((i) => `${i.job}[${i.index}]`)).toEqual(["big-0[0]", "big-0[1]", "big-0[2]", "big-1[0]", "big-1[1]", "big-1[2]", "big-2[0]"]);
    expect(runPod(plan, 1, plan.jobs[1]).stdout).toContain("Processing item n4");
  });

  it("refuses rows that one pod template cannot hold, naming the field, two rows and the fix", () => {
    const image = DOCS.replace("image: busybox", "image: busybox:{{ tag }}");
    const error = (() => {
      try {
        planPack(rowsOf(image, [{ item: "a", tag: "1.36" }, { item: "b", tag: "1.37" }]), { group: "g", perPod: 1 });
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe('rows 0 and 1 differ in spec.template.spec.containers[0].image ("busybox:1.36" and "busybox:1.37"): one pod template cannot vary that, so these rows cannot be packed into one Job');
    expect((error as InputError).details.join("\n")).toContain("fix: split the group");
  });

  it.each([
    ["more than one pod per row", DOCS.replace("  backoffLimit: 2", "  backoffLimit: 2\n  completions: 3"), "its Job is more than one pod (it has completions: 3)"],
    ["restartPolicy OnFailure", DOCS.replace("restartPolicy: Never", "restartPolicy: OnFailure"), "--pack needs restartPolicy: Never"],
    ["varying args with the image's entrypoint", DOCS.replace('command: ["sh", "-c", ', "args: [").replace("exit {{ code | default(0) }}\"]", 'exit 0"]'), "it has no command, so it runs the image's entrypoint"],
  ])("refuses %s", (_what, text, message) => {
    expect(() => planPack(rowsOf(text, [{ item: "a" }, { item: "b" }]), { group: "g", perPod: 1 })).toThrow(message);
  });

  it("any value reaches its row's command exactly, as one word (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "binary", maxLength: 20 }).filter((s) => !s.includes("\u0000")), { minLength: 1, maxLength: 4 }), (values) => {
        const text = DOCS.replace('command: ["sh", "-c", "echo Processing item {{ item }} && echo ITEM=$ITEM && exit {{ code | default(0) }}"]', 'command: ["printf", "%s|", {{ v | tojson }}]');
        const plan = planPack(rowsOf(text, values.map((v, n) => ({ item: `r${n}`, v }))), { group: "g", perPod: 1 });
        values.forEach((v, n) => expect(runPod(plan, n).stdout).toBe(`${v}|`));
      }),
      { numRuns: 40 },
    );
  });

  it("shellWord quotes anything as one word", () => {
    expect(shellWord("it's")).toBe(`'it'\\''s'`);
  });
});
