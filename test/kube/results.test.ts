import { describe, expect, it } from "vitest";
import { isAlreadyExists, isImmutable, isQuota, isTransient, parseErrors, parseObjects, parseWrittenNames } from "../../src/kube/results";
import { applyPlan, createPlan, deleteByNamePlan, deleteExactPlan, objectPath, showPlan, watchPlan } from "../../src/kube/plans";

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

describe("parseWrittenNames", () => {
  it("reads the objects -o name printed, with or without the verb", () => {
    expect([...parseWrittenNames("job.batch/a\njob.batch/b serverside-applied\nconfigmap/g created\n\n")]).toEqual(["a", "b", "g"]);
  });
});

describe("parseErrors", () => {
  it("reads kubectl's per-object errors with the object's name and the Status reason", () => {
    const stderr = [
      'Error from server (Forbidden): jobs.batch "j-1" is forbidden: exceeded quota: jobs, requested: count/jobs.batch=1',
      'Error from server (Invalid): Job.batch "j-2" is invalid: spec.template: Invalid value: {...}: field is immutable',
      'Error from server (TooManyRequests): error when applying patch: Job.batch "j-3": the server has received too many requests',
      'Error from server (AlreadyExists): error when creating "STDIN": jobs.batch "j-4" already exists',
      "error: unable to connect to the server: dial tcp 127.0.0.1:1: connect: connection refused",
    ].join("\n");
    const errors = parseErrors(stderr);
    expect(errors.map((e) => [e.name, e.reason])).toEqual([
      ["j-1", "Forbidden"],
      ["j-2", "Invalid"],
      ["j-3", "TooManyRequests"],
      ["j-4", "AlreadyExists"],
      [undefined, undefined],
    ]);
    expect(errors.map((e) => [isQuota(e), isImmutable(e), isTransient(e), isAlreadyExists(e)])).toEqual([
      [true, false, false, false],
      [false, true, false, false],
      [false, false, true, false],
      [false, false, false, true],
      [false, false, true, false],
    ]);
  });

  // kubectl words a lone error differently (cmd/util/helpers.go checkErr): a batch with
  // exactly one refused object printed this, which the old reader skipped — the object
  // then counted as submitted.
  it("reads the form kubectl gives a lone 422, with its causes on the lines after", () => {
    const [error, ...rest] = parseErrors(
      'The Job "x" is invalid: \n* spec.template: Invalid value: "…": field is immutable\n* spec.completions: Invalid value: 3: field is immutable\n',
    );
    expect(rest).toEqual([]);
    expect(error).toMatchObject({ name: "x", reason: "Invalid", fromServer: true });
    expect(error && isImmutable(error)).toBe(true);
    expect(error?.message).toContain("spec.completions");
  });

  it("tells transient from permanent refusals", () => {
    const kinds = (line: string) => parseErrors(line).map(isTransient);
    expect(kinds("Error from server (InternalError): an error on the server (\"boom\") has prevented the request from succeeding")).toEqual([true]);
    expect(kinds("Error from server (ServiceUnavailable): the server is currently unable to handle the request")).toEqual([true]);
    expect(kinds("The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?")).toEqual([true]);
    expect(kinds("Unable to connect to the server: dial tcp 127.0.0.1:6443: i/o timeout")).toEqual([true]);
    expect(kinds('Error from server (Forbidden): jobs.batch is forbidden: User "u" cannot list resource "jobs"')).toEqual([false]);
    expect(kinds('Error from server (NotFound): configmaps "g" not found')).toEqual([false]);
    expect(kinds('Error from server (Conflict): Operation cannot be fulfilled on configmaps "g": Precondition failed: UID in precondition: a, UID in object meta: b')).toEqual([false]);
    expect(kinds('Error from server (BadRequest): error when creating "STDIN": Job in version "v1" cannot be handled as a Job: strict decoding error: unknown field "spec.x"')).toEqual([false]);
    expect(kinds("error: You must be logged in to the server (Unauthorized)")).toEqual([false]);
  });
});

describe("plans", () => {
  const target = { kubectl: "kubectl", kubeconfig: "/k", context: "c", namespace: "ns" };

  it("create: our field manager, documents on stdin, a name printed per object written", () => {
    const plan = createPlan(target, [{ a: 1 }, { b: 2 }], { purpose: "p" });
    expect(plan.args).toEqual(["create", "--field-manager=jobx", "-f", "-", "-o", "name", "--kubeconfig", "/k", "--context", "c", "--namespace", "ns"]);
    expect(plan.stdin).toBe('{"a":1}\n{"b":2}');
  });

  it("apply: server-side, our field manager, forcing our own fields", () => {
    expect(applyPlan(target, [{ a: 1 }], { purpose: "p" }).args.slice(0, 8)).toEqual(["apply", "--server-side", "--field-manager=jobx", "--force-conflicts", "-f", "-", "-o", "name"]);
  });

  it("watch: one resource type, events as JSON lines", () => {
    expect(watchPlan(target, "jobs", "g=x").args.slice(0, 8)).toEqual(["get", "jobs", "-l", "g=x", "--watch", "-o", "json", "--output-watch-events"]);
  });

  it("an exact delete carries a uid precondition and its propagation policy, on a raw path", () => {
    const plan = deleteExactPlan(target, objectPath("configmaps", "ns", "g"), "u-1", "Foreground", "p");
    expect(plan.args).toEqual(["delete", "--raw", "/api/v1/namespaces/ns/configmaps/g", "-f", "-", "--kubeconfig", "/k", "--context", "c"]);
    expect(JSON.parse(plan.stdin ?? "")).toEqual({ kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Foreground", preconditions: { uid: "u-1" } });
  });

  it("a delete by name needs names and a propagation policy", () => {
    expect(() => deleteByNamePlan(target, "jobs", [], "foreground", "")).toThrow(/refusing/);
    expect(showPlan(deleteByNamePlan({ kubectl: "kubectl" }, "jobs", ["a", "b c"], "background", ""))).toBe("kubectl delete jobs a 'b c' --cascade=background --ignore-not-found --wait=false");
  });
});
