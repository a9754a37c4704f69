import { describe, expect, it } from "vitest";
import { ApiError } from "./errors";
import { formatIndexes, parseIndexes, podFailureBackoffMs } from "./indexes";
import { defaultJob, generateJobSelector, validateJob, validateJobUpdate } from "./jobs-api";
import { crashLoopDelayMs, exitCodeFor, exitCodesForIndex } from "./kubelet";
import { jsonPatch, mergePatch, strategicMergePatch } from "./patch";
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, requirementsFromLabelSelector } from "./selectors";
import { serverSideApply, trackUpdate } from "./ssa";
import { unknownFields } from "./strict";
import { parseDuration, type Obj } from "./util";

describe("label selectors", () => {
  const labels = { app: "web", tier: "front", "jobx.dev/group": "g1" };
  it.each([
    ["app=web", true],
    ["app==web", true],
    ["app!=web", false],
    ["app!=db", true],
    ["missing!=x", true],
    ["app in (web,db)", true],
    ["app notin (web, db)", false],
    ["tier notin (back)", true],
    ["app", true],
    ["!app", false],
    ["!missing", true],
    ["app=web,tier=front", true],
    ["app=web,tier=back", false],
    ["jobx.dev/group=g1", true],
    ["", true],
  ])("%s → %s", (sel, want) => {
    expect(matchesLabels(parseLabelSelector(sel), labels)).toBe(want);
  });

  it("rejects malformed selectors with 400", () => {
    for (const bad of ["app=(", "a b", "=x", "app in web"]) {
      expect(() => parseLabelSelector(bad), bad).toThrow(ApiError);
    }
  });

  it("converts metav1.LabelSelector", () => {
    const reqs = requirementsFromLabelSelector({ matchLabels: { a: "1" }, matchExpressions: [{ key: "b", operator: "In", values: ["x", "y"] }, { key: "c", operator: "DoesNotExist" }] });
    expect(matchesLabels(reqs, { a: "1", b: "y" })).toBe(true);
    expect(matchesLabels(reqs, { a: "1", b: "y", c: "" })).toBe(false);
  });

  it("field selectors on metadata.name / namespace and other paths", () => {
    const obj = { metadata: { name: "p", namespace: "ns" }, status: { phase: "Running" } };
    expect(matchesFields(parseFieldSelector("metadata.name=p"), obj)).toBe(true);
    expect(matchesFields(parseFieldSelector("metadata.name==q"), obj)).toBe(false);
    expect(matchesFields(parseFieldSelector("metadata.namespace=ns,status.phase!=Failed"), obj)).toBe(true);
  });
});

describe("completed indexes", () => {
  it.each([
    [[], ""],
    [[0], "0"],
    [[1, 3, 4, 5, 7], "1,3-5,7"],
    [[0, 1], "0,1"],
    [[0, 1, 2], "0-2"],
    [[5, 2, 3, 2, 9, 10], "2,3,5,9,10"],
  ])("%j → %s", (input, want) => {
    expect(formatIndexes(input)).toBe(want);
    expect([...parseIndexes(want)].sort((a, b) => a - b)).toEqual([...new Set(input)].sort((a, b) => a - b));
  });
});

describe("back-off", () => {
  it("pod failure back-off doubles from 10s and caps at 10 minutes", () => {
    expect(podFailureBackoffMs(0)).toBe(0);
    expect(podFailureBackoffMs(1)).toBe(10_000);
    expect(podFailureBackoffMs(2)).toBe(20_000);
    expect(podFailureBackoffMs(3)).toBe(40_000);
    expect(podFailureBackoffMs(20)).toBe(600_000);
  });
  it("crash-loop back-off doubles from 10s and caps at 5 minutes", () => {
    expect(crashLoopDelayMs(1)).toBe(10_000);
    expect(crashLoopDelayMs(2)).toBe(20_000);
    expect(crashLoopDelayMs(10)).toBe(300_000);
  });
});

describe("pod behaviour annotations", () => {
  it("exit codes per attempt, last one repeating", () => {
    expect(exitCodeFor(undefined, 0)).toBe(0);
    expect([0, 1, 2, 3].map((n) => exitCodeFor("1,1,0", n))).toEqual([1, 1, 0, 0]);
    expect(exitCodesForIndex("0=1,0;3=1", 3)).toBe("1");
    expect(exitCodesForIndex("0=1,0;3=1", 0)).toBe("1,0");
    expect(exitCodesForIndex("0=1,0;3=1", 2)).toBeUndefined();
  });
  it("durations", () => {
    expect(parseDuration("1s")).toBe(1000);
    expect(parseDuration("250ms")).toBe(250);
    expect(parseDuration("2m")).toBe(120_000);
    expect(parseDuration("1m30s")).toBe(90_000);
    expect(parseDuration("3")).toBe(3000);
    expect(parseDuration("nonsense", 7)).toBe(7);
  });
});

describe("patches", () => {
  it("JSON merge patch deletes with null and replaces lists", () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { b: { c: null, e: 4 }, l: [3] })).toEqual({ a: 1, b: { d: 3, e: 4 }, l: [3] });
  });

  it("JSON patch add/replace/remove/test", () => {
    const doc = { spec: { parallelism: 1, list: ["a"] } };
    expect(jsonPatch(doc, [{ op: "replace", path: "/spec/parallelism", value: 3 }, { op: "add", path: "/spec/list/-", value: "b" }, { op: "remove", path: "/spec/list/0" }])).toEqual({ spec: { parallelism: 3, list: ["b"] } });
    expect(() => jsonPatch(doc, [{ op: "test", path: "/spec/parallelism", value: 2 }])).toThrow(ApiError);
  });

  it("strategic merge: containers and env merge by name, directives apply", () => {
    const original: Obj = {
      metadata: { labels: { a: "1", b: "2" }, finalizers: ["x"] },
      spec: {
        containers: [
          { name: "c1", image: "i1", env: [{ name: "A", value: "1" }, { name: "B", value: "2" }] },
          { name: "c2", image: "i2" },
        ],
      },
    };
    const patch: Obj = {
      metadata: { labels: { b: null, c: "3" }, finalizers: ["y"] },
      spec: {
        $setElementOrder: undefined,
        "$setElementOrder/containers": [{ name: "c2" }, { name: "c1" }],
        containers: [
          { name: "c1", image: "i1b", "$setElementOrder/env": [{ name: "A" }, { name: "C" }], env: [{ name: "B", $patch: "delete" }, { name: "C", value: "3" }] },
        ],
      },
    };
    delete patch.spec.$setElementOrder;
    const out = strategicMergePatch(original, patch);
    expect(out.metadata.labels).toEqual({ a: "1", c: "3" });
    expect(out.metadata.finalizers).toEqual(["x", "y"]);
    expect(out.spec.containers.map((c: Obj) => c.name)).toEqual(["c2", "c1"]);
    expect(out.spec.containers[1].image).toBe("i1b");
    expect(out.spec.containers[1].env).toEqual([{ name: "A", value: "1" }, { name: "C", value: "3" }]);
  });

  it("strategic merge: $patch replace and $deleteFromPrimitiveList", () => {
    expect(strategicMergePatch({ data: { a: "1" } }, { data: { $patch: "replace", b: "2" } })).toEqual({ data: { b: "2" } });
    expect(strategicMergePatch({ metadata: { finalizers: ["a", "b"] } }, { metadata: { "$deleteFromPrimitiveList/finalizers": ["a"] } })).toEqual({ metadata: { finalizers: ["b"] } });
  });
});

function job(name: string, spec: Obj = {}): Obj {
  const j: Obj = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, uid: "u-1" },
    spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } }, ...spec },
  };
  defaultJob(j, 32);
  generateJobSelector(j);
  return j;
}

describe("Job defaults and validation", () => {
  it("defaults completions/parallelism, backoffLimit and the generated selector", () => {
    const j = job("a");
    expect(j.spec).toMatchObject({ completions: 1, parallelism: 1, backoffLimit: 6, completionMode: "NonIndexed", suspend: false });
    expect(j.spec.selector).toEqual({ matchLabels: { "batch.kubernetes.io/controller-uid": "u-1" } });
    expect(j.spec.template.metadata.labels).toEqual({
      "batch.kubernetes.io/controller-uid": "u-1",
      "controller-uid": "u-1",
      "batch.kubernetes.io/job-name": "a",
      "job-name": "a",
    });
    expect(job("w", { parallelism: 3 }).spec.completions).toBeUndefined();
    expect(job("p", { completionMode: "Indexed", completions: 2, backoffLimitPerIndex: 1 }).spec.backoffLimit).toBe(2147483647);
  });

  it("a valid Job has no errors", () => {
    expect(validateJob(job("ok"))).toEqual([]);
  });

  it("restartPolicy must be Never or OnFailure", () => {
    const j = job("rp");
    j.spec.template.spec.restartPolicy = "Always";
    expect(validateJob(j).map((e) => `${e.field}: ${e.detail}`)).toEqual([
      'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    ]);
  });

  it("a name over 63 characters fails on the job-name template label", () => {
    const name = "x".repeat(64);
    const errs = validateJob(job(name));
    expect(errs.some((e) => e.field === "spec.template.labels" && e.detail.includes("must be no more than 63 characters"))).toBe(true);
  });

  it("Indexed: the last pod hostname must be a DNS label", () => {
    const errs = validateJob(job("y".repeat(62), { completionMode: "Indexed", completions: 10 }));
    expect(errs.some((e) => e.field === "metadata.name" && e.detail.includes("will not able to create pod with invalid DNS label"))).toBe(true);
  });

  it("at least one container", () => {
    const j = job("nc");
    j.spec.template.spec.containers = [];
    expect(validateJob(j).map((e) => e.field)).toContain("spec.template.spec.containers");
  });

  it("template and completions are immutable, parallelism is not", () => {
    const old = job("im");
    const next = structuredClone(old);
    next.spec.parallelism = 5;
    expect(validateJobUpdate(next, old)).toEqual([]);
    next.spec.template.spec.containers[0].image = "other";
    next.spec.completions = 4;
    const fields = validateJobUpdate(next, old).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(["spec.template", "spec.completions"]));
  });
});

describe("strict field validation", () => {
  it("finds unknown fields with their paths", () => {
    const j = job("s");
    j.spec.foo = 1;
    j.spec.template.spec.containers[0].bar = 2;
    expect(unknownFields("Job", j).sort()).toEqual(["spec.foo", "spec.template.spec.containers[0].bar"]);
    expect(unknownFields("ConfigMap", { metadata: { name: "c" }, data: {}, extra: 1 })).toEqual(["extra"]);
  });
});

describe("server-side apply", () => {
  it("conflicts with another manager's field unless forced", () => {
    const created: Obj = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "1" } };
    trackUpdate(created, undefined, "kubectl-create", undefined);
    const applied = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "2" } };
    expect(() => serverSideApply(created, applied, "kubectl", false, "v1")).toThrow(/conflict with "kubectl-create"/);
    const forced = serverSideApply(created, applied, "kubectl", true, "v1");
    expect(forced.data).toEqual({ a: "2" });
    expect(forced.metadata.managedFields.map((m: Obj) => m.manager)).toEqual(["kubectl"]);
  });

  it("removes fields the manager stops applying", () => {
    const first = serverSideApply(undefined, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "1", b: "2" } }, "m", false, "v1");
    const second = serverSideApply(first, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "1" } }, "m", false, "v1");
    expect(second.data).toEqual({ a: "1" });
  });
});
