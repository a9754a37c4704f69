import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jobSchemaSource } from "../../scripts/job-schema";
import { InputError } from "../../src/errors";
import { expandJobs } from "../../src/manifest/expand";
import { schemaClasses } from "../../src/manifest/job";
import { QUANTITY, SCHEMA_ENUM_STRINGS } from "../../src/manifest/job-schema";
import type { Row } from "../../src/params/types";
import { compileTemplate } from "../../src/render/template";
import { planOf } from "./helpers";

describe("what the Job schema looks at in a string", () => {
  it("is what scripts/job-schema.ts reads from the installed kubernetes-models", () => {
    const written = readFileSync(new URL("../../src/manifest/job-schema.ts", import.meta.url), "utf8");
    expect(written, "run: npx tsx scripts/job-schema.ts").toBe(jobSchemaSource());
  });

  it("holds the enum values and the quantity pattern people meet", () => {
    for (const value of ["Never", "OnFailure", "Indexed", "IfNotPresent", "TCP"]) expect(SCHEMA_ENUM_STRINGS.has(value)).toBe(true);
    for (const q of ["500m", "64Mi", "1", "1.5", "2e3", "+1k"]) expect(QUANTITY.test(q), q).toBe(true);
    for (const q of ["abc", "64 Mi", "1.2.3", ""]) expect(QUANTITY.test(q), q).toBe(false);
  });

  it("tells apart exactly the kinds of values the schema does", () => {
    const classes = (...values: (string | number | boolean | null)[]) => schemaClasses(values);
    expect(classes("500m")).toBe(classes("64Mi"));
    expect(classes("http://x")).toBe(classes("item-7"));
    expect(classes("500m")).not.toBe(classes("item-7"));
    expect(classes("Never")).not.toBe(classes("Always"));
    expect(classes("Never")).not.toBe(classes("never"));
    expect(classes("")).not.toBe(classes("x"));
    expect(classes(3)).not.toBe(classes(4));
    expect(classes(3)).not.toBe(classes("3"));
    expect(classes(true, null)).not.toBe(classes(false, null));
  });
});

// A Job with values where the schema checks an enum, a quantity, a number and nothing.
const TEMPLATE = compileTemplate({
  name: "t.yaml.njk",
  text: [
    "apiVersion: batch/v1",
    "kind: Job",
    "metadata:",
    "  name: j-{{ id }}",
    "spec:",
    "  parallelism: {{ parallelism }}",
    "  template:",
    "    spec:",
    "      restartPolicy: Never",
    "      containers:",
    "      - name: c",
    "        image: busybox",
    "        imagePullPolicy: {{ policy }}",
    '        env: [{name: V, value: "{{ value }}"}]',
    "        resources:",
    "          requests: {cpu: {{ cpu }}}",
  ].join("\n"),
});

/** Each row's outcome alone, after a valid row of the same shape (so the check of that shape has passed once). */
function outcomes(rows: Row[], shapes: boolean): string[] {
  const first: Row = { id: "first", parallelism: "1", policy: "Never", value: "v", cpu: "500m" };
  return rows.map((row, n) => {
    try {
      const expanded = [...expandJobs({ template: TEMPLATE, plan: planOf([first, { ...row, id: `r${n}` }]), group: "g", shapes })];
      return JSON.stringify(expanded.map((r) => r.jobs));
    } catch (err) {
      if (err instanceof InputError) return `error: ${err.message} ${err.details.join(" ")}`;
      throw err;
    }
  });
}

describe("a shape's rows checked against the schema once per kind of value", () => {
  it("give the verdict each row gets checked in full", () => {
    const value = fc.constantFrom("Never", "Always", "IfNotPresent", "never", "", "x", "500m", "64Mi", "1.5", "2e3", "1..2", "abc", "1", "0", "-1", "2147483648", "true", "null", "1.0", "http://a/b");
    // Mostly the first row's values, so rows often share its kinds and the check it passed is reused.
    const or = (base: string) => fc.oneof({ arbitrary: fc.constant(base), weight: 2 }, { arbitrary: value, weight: 1 });
    const row = fc.record({ parallelism: or("1"), policy: or("Never"), value: or("v"), cpu: or("500m") });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 8 }), (rows) => {
        expect(outcomes(rows, true)).toEqual(outcomes(rows, false));
      }),
      { numRuns: 200 },
    );
  });

  it("still refuses a value the first row's kind did not cover", () => {
    const [ok, badCpu, badPolicy] = outcomes(
      [
        { parallelism: "2", policy: "Always", value: "x", cpu: "64Mi" },
        { parallelism: "2", policy: "Always", value: "x", cpu: "lots" },
        { parallelism: "2", policy: "Sometimes", value: "x", cpu: "1" },
      ],
      true,
    );
    expect(ok).not.toMatch(/^error/);
    expect(badCpu).toMatch(/^error: .*not a valid Job/);
    expect(badCpu).toContain("resources.requests.cpu");
    expect(badPolicy).toContain("imagePullPolicy");
  });
});
