import { describe, expect, it } from "vitest";
import { isImmutable, isQuota, isRetryable, parseErrors, parseObjects } from "../../src/kube/results";
import { applyPlan, deletePlan, showPlan, watchPlan } from "../../src/kube/plans";

describe("parseObjects", () => {
  it("reads one object, concatenated objects, and Lists", () => {
    const a = { kind: "Job", metadata: { name: "a" } };
    const b = { kind: "Job", metadata: { name: "b", annotations: { x: '{"nested": "}"}' } } };
    expect(parseObjects(JSON.stringify(a)).map((o) => o.metadata.name)).toEqual(["a"]);
    expect(parseObjects(`${JSON.stringify(a, null, 2)}\n${JSON.stringify(b)}`).map((o) => o.metadata.name)).toEqual(["a", "b"]);
    expect(parseObjects(JSON.stringify({ kind: "List", items: [a, b] })).map((o) => o.metadata.name)).toEqual(["a", "b"]);
    expect(parseObjects("")).toEqual([]);
  });
});

describe("parseErrors", () => {
  it("reads kubectl's per-object errors with the object's name and the Status reason", () => {
    const stderr = [
      'Error from server (Forbidden): jobs.batch "j-1" is forbidden: exceeded quota: jobs, requested: count/jobs.batch=1',
      'Error from server (Invalid): Job.batch "j-2" is invalid: spec.template: Invalid value: {...}: field is immutable',
      'Error from server (TooManyRequests): error when applying patch: Job.batch "j-3": the server has received too many requests',
      "error: unable to connect to the server: dial tcp 127.0.0.1:1: connect: connection refused",
    ].join("\n");
    const errors = parseErrors(stderr);
    expect(errors.map((e) => [e.name, e.reason])).toEqual([
      ["j-1", "Forbidden"],
      ["j-2", "Invalid"],
      ["j-3", "TooManyRequests"],
      [undefined, undefined],
    ]);
    expect(errors.map((e) => [isQuota(e), isImmutable(e), isRetryable(e)])).toEqual([
      [true, false, false],
      [false, true, false],
      [false, false, true],
      [false, false, true],
    ]);
  });
});

describe("plans", () => {
  const target = { kubectl: "kubectl", kubeconfig: "/k", context: "c", namespace: "ns" };

  it("apply: server-side, our field manager, documents on stdin, the user's target", () => {
    const plan = applyPlan(target, [{ a: 1 }, { b: 2 }], { purpose: "p" });
    expect(plan.args).toEqual(["apply", "--server-side", "--field-manager=jobx", "-f", "-", "-o", "json", "--kubeconfig", "/k", "--context", "c", "--namespace", "ns"]);
    expect(plan.stdin).toBe('{"a":1}\n{"b":2}');
  });

  it("watch: one resource type, events as JSON lines", () => {
    expect(watchPlan(target, "jobs", "g=x").args.slice(0, 8)).toEqual(["get", "jobs", "-l", "g=x", "--watch", "-o", "json", "--output-watch-events"]);
  });

  it("delete: never without a label selector, always with a propagation policy", () => {
    expect(() => deletePlan(target, "jobs", "", "foreground", "")).toThrow(/refusing/);
    expect(deletePlan(target, "jobs", "a=b", "foreground", "").args).toContain("--cascade=foreground");
  });

  it("shows a plan as a shell command", () => {
    expect(showPlan(deletePlan({ kubectl: "kubectl" }, "jobs", "a=b,c=d e", "background", ""))).toBe(
      "kubectl delete jobs -l 'a=b,c=d e' --cascade=background --ignore-not-found --wait=false",
    );
  });
});
