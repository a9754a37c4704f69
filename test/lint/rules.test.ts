import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LINT_DEFAULTS, Linter, lintSignature, verifyNoWarnings } from "../../src/lint/index";
import { isFloatingImage, JOB_RULES } from "../../src/lint/rules";
import type { JobObject } from "../../src/manifest/job";
import { InputError } from "../../src/errors";
import { expand } from "../manifest/helpers";

/** A Job template with every careful setting, each of which a case can change or drop. */
function careful(change: Record<string, string | undefined> = {}): string {
  const field = (key: string, line: string) => (key in change ? (change[key] === undefined ? [] : [change[key] as string]) : [line]);
  return [
    "apiVersion: batch/v1",
    "kind: Job",
    "metadata:",
    "  name: work-{{ item }}",
    "spec:",
    ...field("deadline", "  activeDeadlineSeconds: 3600"),
    ...field("ttl", "  ttlSecondsAfterFinished: 86400"),
    ...field("completions", "  completions: 4"),
    ...field("parallelism", "  parallelism: 2"),
    ...field("backoff", "  backoffLimit: 2"),
    "  template:",
    "    spec:",
    ...field("restart", "      restartPolicy: Never"),
    "      containers:",
    "      - name: work",
    ...field("image", "        image: busybox:1.36"),
    ...field("pull", "        imagePullPolicy: IfNotPresent"),
    "        resources:",
    ...field("requests", "          requests: {cpu: 100m, memory: 64Mi}"),
    ...field("limits", "          limits: {memory: 64Mi}"),
  ].join("\n");
}

function jobs(text: string, n = 3): JobObject[] {
  return expand(text, Array.from({ length: n }, (_, i) => ({ item: `i${i}` })));
}

function lint(list: JobObject[], options = LINT_DEFAULTS): string[] {
  const linter = new Linter(options);
  list.forEach((j) => linter.add(j));
  return linter.warnings();
}

/** The rule ids of the warnings, in order. */
const rules = (warnings: string[]) => warnings.map((w) => /\[([a-z-]+)\]$/.exec(w)?.[1]);

describe("the Job pitfall rules", () => {
  it("a fully careful template gets no warning, in a small group and a large one", () => {
    expect(lint(jobs(careful()))).toEqual([]);
    expect(lint(jobs(careful(), 25))).toEqual([]);
  });

  it.each([
    ["no-deadline", { deadline: undefined }, "all 3 Jobs: spec.activeDeadlineSeconds is not set"],
    ["no-ttl", { ttl: undefined }, "all 3 Jobs: spec.ttlSecondsAfterFinished is not set"],
    ["parallelism-without-completions", { completions: undefined }, "all 3 Jobs: spec.completions is not set while parallelism is 2"],
    ["restart-on-failure", { restart: "      restartPolicy: OnFailure" }, "all 3 Jobs: spec.template.spec.restartPolicy is OnFailure"],
    ["high-parallelism", { parallelism: "  parallelism: 80", completions: "  completions: 80" }, "all 3 Jobs: spec.parallelism is 80"],
    ["no-requests", { requests: "          requests: {cpu: 100m}" }, "all 3 Jobs: spec.template.spec.containers[name=work].resources.requests.memory is not set"],
    ["no-memory-limit", { limits: undefined }, "all 3 Jobs: spec.template.spec.containers[name=work].resources.limits.memory is not set"],
  ])("%s", (rule, change, start) => {
    const warnings = lint(jobs(careful(change)));
    expect(rules(warnings)).toEqual([rule]);
    expect(warnings[0]).toMatch(new RegExp(`^${start.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    expect(warnings[0]).toContain(". Fix: ");
  });

  it("backoff-limit: a high or default backoffLimit, on large groups only", () => {
    expect(lint(jobs(careful({ backoff: undefined }), 3))).toEqual([]);
    const warnings = lint(jobs(careful({ backoff: undefined }), 25));
    expect(rules(warnings)).toEqual(["backoff-limit"]);
    expect(warnings[0]).toContain("all 25 Jobs: spec.backoffLimit is not set (6 by default)");
    expect(rules(lint(jobs(careful({ backoff: "  backoffLimit: 4" }), 25)))).toEqual(["backoff-limit"]);
    expect(lint(jobs(careful({ backoff: "  backoffLimit: 4" }), 25), { ...LINT_DEFAULTS, maxBackoffLimit: 4 })).toEqual([]);
  });

  it("floating-image: :latest or untagged, pulled Always, on large groups only", () => {
    const latest = careful({ image: "        image: busybox:latest", pull: undefined });
    expect(lint(jobs(latest, 3))).toEqual([]);
    expect(rules(lint(jobs(latest, 25)))).toEqual(["floating-image"]);
    expect(rules(lint(jobs(careful({ image: "        image: busybox", pull: "        imagePullPolicy: Always" }), 25)))).toEqual(["floating-image"]);
    expect(lint(jobs(careful({ image: "        image: busybox" }), 25))).toEqual([]); // IfNotPresent
    expect(lint(jobs(latest, 25), { ...LINT_DEFAULTS, largeGroup: 30 })).toEqual([]);
  });

  it("herd: separate Jobs whose pods together pass --max-parallelism", () => {
    const warnings = lint(jobs(careful(), 30));
    expect(rules(warnings)).toEqual(["herd"]);
    expect(warnings[0]).toContain("all 30 Jobs: spec.parallelism (summed over the group) adds up to 60 pods at once");
    expect(warnings[0]).toContain("completions: 30");
    expect(lint(jobs(careful(), 30), { ...LINT_DEFAULTS, maxParallelism: 60 })).toEqual([]);
    // Packed (--pack), the rows run as one Indexed Job that --parallelism throttles: no herd.
    expect(lint(jobs(careful(), 30), { ...LINT_DEFAULTS, packed: true })).toEqual([]);
    // One Job past the limit is named by high-parallelism, not counted twice.
    expect(rules(lint(jobs(careful({ parallelism: "  parallelism: 80", completions: "  completions: 80" }), 2)))).toEqual(["high-parallelism"]);
  });

  it("names the Jobs a warning applies to when not all do", () => {
    const linter = new Linter();
    for (const j of jobs(careful(), 2)) linter.add(j);
    for (const j of jobs(careful({ ttl: undefined }).replace("work-{{ item }}", "other-{{ item }}"), 4)) linter.add(j);
    expect(linter.warnings()).toEqual([expect.stringMatching(/^Jobs other-i0, other-i1, other-i2 and 1 more: spec\.ttlSecondsAfterFinished/)]);
    const one = new Linter();
    one.add(jobs(careful({ ttl: undefined }), 1)[0] as JobObject);
    expect(one.warnings()[0]).toMatch(/^Job work-i0: /);
  });

  it("counts each Job's findings when Jobs alike and unlike come in any order (the last Job's fields are reused only when equal)", () => {
    const a = jobs(careful(), 3);
    const b = jobs(careful({ ttl: undefined }).replace("work-{{ item }}", "other-{{ item }}"), 4);
    const linter = new Linter();
    for (const job of [a[0], b[0], a[1], b[1], b[2], a[2], b[3]]) linter.add(job as JobObject);
    expect(linter.warnings()).toEqual([expect.stringMatching(/^Jobs other-i0, other-i1, other-i2 and 1 more: spec\.ttlSecondsAfterFinished/)]);
  });

  it("Jobs with the same signature get the same findings (the linter's cache is sound)", () => {
    const variants = [
      {}, { deadline: undefined }, { ttl: undefined }, { completions: undefined }, { restart: "      restartPolicy: OnFailure" },
      { parallelism: "  parallelism: 80" }, { backoff: undefined }, { backoff: "  backoffLimit: 9" }, { image: "        image: busybox" },
      { pull: undefined }, { pull: "        imagePullPolicy: Always" }, { requests: undefined }, { requests: "          requests: {cpu: 1}" }, { limits: undefined },
    ].flatMap((v) => [careful(v), careful({ ...v, image: "        image: busybox:latest", pull: undefined })]);
    const all = variants.map((t) => jobs(t, 1)[0] as JobObject);
    const findings = (job: JobObject) => JOB_RULES.flatMap((r) => r.check(job, LINT_DEFAULTS));
    for (const a of all) for (const b of all) if (lintSignature(a) === lintSignature(b)) expect(findings(a)).toEqual(findings(b));
    expect(new Set(all.map(lintSignature)).size).toBeGreaterThan(20);
  });

  it("every rule has a README line", () => {
    for (const rule of JOB_RULES) expect(rule.summary.length).toBeGreaterThan(20);
  });

  it.each([
    ["busybox", true],
    ["busybox:latest", true],
    ["registry.io:5000/team/app", true],
    ["registry.io:5000/team/app:latest", true],
    ["busybox:1.36", false],
    ["registry.io:5000/team/app:v2", false],
    ["busybox@sha256:abc", false],
  ])("isFloatingImage(%s) is %s", (image, floating) => {
    expect(isFloatingImage(image)).toBe(floating);
  });
});

describe("--strict", () => {
  it("makes warnings one input error that lists them all", () => {
    expect(() => verifyNoWarnings([])).not.toThrow();
    try {
      verifyNoWarnings(["a", "b"]);
      throw new Error("expected an error");
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).message).toBe("--strict makes these 2 warnings errors; fix them, or drop --strict:");
      expect((err as InputError).details).toEqual(["- a", "- b"]);
    }
  });
});

describe("the README", () => {
  it("lists every rule, one line each", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    for (const id of [...JOB_RULES.map((r) => r.id), "herd"]) expect(readme).toMatch(new RegExp(`^\\| \`${id}\` \\| .+ \\|$`, "m"));
  });
});
