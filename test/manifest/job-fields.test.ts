import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { jobFieldsSource } from "../../scripts/job-fields";
import { JOB_FIELD_TYPES } from "../../src/manifest/job-fields";
import { nearestField, unknownFieldProblems } from "../../src/manifest/fields";
import { expandJobs } from "../../src/manifest/expand";
import { compileTemplate } from "../../src/render/template";
import { expand, inputErrorOf, jobTemplate, planOf } from "./helpers";

describe("the table of a Job's fields", () => {
  it("is what scripts/job-fields.ts writes from the installed kubernetes-models", () => {
    const written = readFileSync(new URL("../../src/manifest/job-fields.ts", import.meta.url), "utf8");
    expect(written, "run: npx tsx scripts/job-fields.ts").toBe(jobFieldsSource());
  }, 60_000);

  it("reaches the fields people write, and only through types it has", () => {
    expect(JOB_FIELD_TYPES.JobSpec).toMatchObject({ parallelism: 0, completions: 0, template: "PodTemplateSpec", podFailurePolicy: "PodFailurePolicy" });
    expect(JOB_FIELD_TYPES.Container).toMatchObject({ command: 0, args: 0, env: "EnvVar", resources: "ResourceRequirements" });
    for (const [name, fields] of Object.entries(JOB_FIELD_TYPES)) {
      for (const type of Object.values(fields)) {
        if (type !== 0) expect(JOB_FIELD_TYPES[type.replace(/^\*/, "")], `${name} refers to ${type}`).toBeDefined();
      }
    }
  });
});

describe("unknown fields", () => {
  it.each([
    ["spec", "  parallelizm: 2", "spec.parallelizm: unknown field", "did you mean parallelism?"],
    ["container", "        comand: [echo]", "spec.template.spec.containers[0].comand: unknown field", "did you mean command?"],
    ["pod spec", "      restartpolicy: Never", "spec.template.spec.restartpolicy: unknown field", "did you mean restartPolicy?"],
    ["env entry", "        env:\n        - name: A\n          valeu: x", "spec.template.spec.containers[0].env[0].valeu: unknown field", "did you mean value?"],
    ["top level", "spce: {}", "spce: unknown field", "did you mean spec?"],
  ])("in the %s are refused, naming the row, the path and the field meant", (where, line, path, hint) => {
    const text = where === "top level" ? `${jobTemplate()}\n${line}` : where === "spec" ? jobTemplate({ spec: line }) : where === "pod spec" ? jobTemplate({ restart: "Never\n" + line }) : jobTemplate({ container: line });
    const message = inputErrorOf(() => expand(text, [{ item: "a" }]));
    expect(message).toContain("row 0 (item=a) is not a valid Job");
    expect(message).toContain(path);
    expect(message).toContain(hint);
  });

  it("name the nearest field and where to read them all when nothing is close", () => {
    const message = inputErrorOf(() => expand(jobTemplate({ spec: "  frobnicate: 1" }), [{ item: "a" }]));
    expect(message).toMatch(/spec\.frobnicate: unknown field: .*; the nearest field of JobSpec is \w+ \(kubectl explain job\.spec lists them all\)/);
  });

  it("are listed with every other problem of the document at once", () => {
    const text = jobTemplate({ spec: "  parallelizm: 2\n  completions: many", container: "        comand: [echo]", restart: "" });
    const message = inputErrorOf(() => expand(text, [{ item: "a" }]));
    expect(message).toContain("(3 problems)");
    expect(message).toContain("spec.parallelizm");
    expect(message).toContain("spec.template.spec.containers[0].comand");
    expect(message).toContain("spec.completions: must be integer");
  });

  it("leave the keys of free-form maps alone: labels, annotations, resources, node selectors", () => {
    const text = jobTemplate({ container: "        resources:\n          limits:\n            example.com/gpu: 1\n            cpu: 500m" })
      .replace("metadata:\n", "metadata:\n  labels:\n    anything: goes\n  annotations:\n    Any.Thing/at-all: x\n")
      .replace("      restartPolicy", "      nodeSelector:\n        disk: ssd\n      restartPolicy");
    expect(expand(text, [{ item: "a" }])).toHaveLength(1);
  });

  it("are found in documents built from a template's shape as in parsed ones", () => {
    const template = compileTemplate({ name: "t.yaml.njk", text: jobTemplate({ spec: "  parallelizm: {{ n }}" }) });
    const rows = [{ item: "a", n: "1" }, { item: "b", n: "2" }];
    const messages = [true, false].map((shapes) => inputErrorOf(() => [...expandJobs({ template, plan: planOf(rows), group: "g", shapes })]));
    expect(messages[0]).toContain("spec.parallelizm: unknown field");
    expect(messages[0]).toBe(messages[1]);
  });

  it("follow lists item by item", () => {
    const doc = { apiVersion: "batch/v1", kind: "Job", spec: { template: { spec: { containers: [{ name: "a" }, { name: "b", imag: "x" }] } } } };
    expect(unknownFieldProblems(doc)).toEqual([expect.stringMatching(/^spec\.template\.spec\.containers\[1\]\.imag: unknown field: .*did you mean image\?$/)]);
  });
});

describe("the nearest field", () => {
  it.each([
    ["parallelizm", "parallelism", true],
    ["comand", "command", true],
    ["Image", "image", true],
    ["backofflimit", "backoffLimit", true],
    ["complteions", "completions", true],
    ["x", "args", false],
  ])("of %s is %s (likely: %s)", (name, field, likely) => {
    const known = ["parallelism", "completions", "command", "image", "backoffLimit", "args"];
    expect(nearestField(name, known)).toEqual({ field, likely });
  });
});
