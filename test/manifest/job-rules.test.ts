import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { utf8Length } from "../../src/manifest/job-rules";
import { expand, inputErrorOf, jobTemplate } from "./helpers";

const refused = (parts: Parameters<typeof jobTemplate>[0], fragment: string) => {
  const message = inputErrorOf(() => expand(jobTemplate(parts), [{ item: "a" }]));
  expect(message).toContain("row 0 (item=a) is not a valid Job");
  expect(message).toContain(fragment);
};
const accepted = (parts: Parameters<typeof jobTemplate>[0]) => expect(expand(jobTemplate(parts), [{ item: "a" }])).toHaveLength(1);
const indexed = (lines: string) => `  completionMode: Indexed\n${lines}`;

describe("the API server's rules for a Job's spec (validation.go validateJobSpec)", () => {
  it.each(["parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished"])("%s may not be negative, and says so", (field) => {
    refused({ spec: `  ${field}: -5` }, `spec.${field}: -5 is negative; the API server takes 0 or more`);
    accepted({ spec: `  ${field}: 0` });
  });

  it("an Indexed Job's parallelism is at most 100000", () => {
    refused({ spec: indexed("  completions: 200000\n  parallelism: 100001") }, "spec.parallelism: 100001 is more than the 100000 an Indexed Job may have");
    accepted({ spec: indexed("  completions: 200000\n  parallelism: 100000") });
    // The limit is for Indexed Jobs only.
    accepted({ spec: "  completions: 200000\n  parallelism: 100001" });
  });

  it("an Indexed Job needs completions", () => {
    refused({ spec: indexed("") }, "spec.completions: required when completionMode is Indexed");
  });

  it("more than 100000 completions with backoffLimitPerIndex need maxFailedIndexes, and parallelism and maxFailedIndexes of 10000 at most", () => {
    refused({ spec: indexed("  completions: 100001\n  backoffLimitPerIndex: 1") }, "spec.maxFailedIndexes: required with more than 100000 completions and backoffLimitPerIndex");
    refused({ spec: indexed("  completions: 100001\n  backoffLimitPerIndex: 1\n  maxFailedIndexes: 10\n  parallelism: 10001") }, "spec.parallelism: 10001 is more than the 10000 allowed");
    refused({ spec: indexed("  completions: 100001\n  backoffLimitPerIndex: 1\n  maxFailedIndexes: 10001") }, "spec.maxFailedIndexes: 10001 is more than the 10000 allowed");
    accepted({ spec: indexed("  completions: 100001\n  backoffLimitPerIndex: 1\n  maxFailedIndexes: 10000\n  parallelism: 10000") });
  });

  it("maxFailedIndexes needs backoffLimitPerIndex, is at most completions, and both need Indexed", () => {
    refused({ spec: indexed("  completions: 5\n  maxFailedIndexes: 1") }, "spec.backoffLimitPerIndex: required when maxFailedIndexes is set");
    refused({ spec: indexed("  completions: 5\n  backoffLimitPerIndex: 1\n  maxFailedIndexes: 6") }, "spec.maxFailedIndexes: 6 is more than completions (5)");
    refused({ spec: "  completions: 5\n  backoffLimitPerIndex: 1" }, "spec.backoffLimitPerIndex: needs completionMode: Indexed");
    accepted({ spec: indexed("  completions: 5\n  backoffLimitPerIndex: 1\n  maxFailedIndexes: 5") });
  });

  it("managedBy is a domain-prefixed path of at most 63 characters", () => {
    refused({ spec: "  managedBy: my-controller" }, 'spec.managedBy: "my-controller" is not a domain-prefixed path');
    refused({ spec: `  managedBy: example.com/${"x".repeat(60)}` }, "spec.managedBy: longer than 63 characters");
    accepted({ spec: "  managedBy: example.com/my-controller" });
  });

  it("a pod failure policy: rules, exit codes, conditions, and restartPolicy Never", () => {
    const policy = (rule: string) => `  podFailurePolicy:\n    rules:\n    - ${rule}`;
    refused({ spec: policy("action: FailJob\n      onExitCodes: {operator: In, values: [0, 1]}") }, "onExitCodes.values[0]: 0 is not allowed with the In operator");
    refused({ spec: policy("action: FailJob\n      onExitCodes: {operator: NotIn, values: [3, 1]}") }, "onExitCodes.values: must be in ascending order");
    refused({ spec: policy("action: FailJob\n      onExitCodes: {operator: NotIn, values: [1, 1]}") }, "onExitCodes.values[1]: 1 is listed twice");
    refused({ spec: policy("action: FailJob\n      onExitCodes: {containerName: other, operator: In, values: [1]}") }, 'onExitCodes.containerName: "other" is not the name of a container');
    refused({ spec: policy("action: Ignore") }, "spec.podFailurePolicy.rules[0]: give one of onExitCodes and onPodConditions");
    refused({ spec: policy("action: Ignore\n      onPodConditions: [{type: DisruptionTarget, status: Maybe}]") }, "must be True, False or Unknown");
    refused({ spec: policy("action: FailIndex\n      onExitCodes: {operator: In, values: [1]}") }, "FailIndex needs spec.backoffLimitPerIndex");
    refused({ spec: policy("action: FailJob\n      onExitCodes: {operator: In, values: [1]}"), restart: "OnFailure" }, "restartPolicy: must be Never when spec.podFailurePolicy is set");
    refused({ spec: `${policy("action: FailJob\n      onExitCodes: {operator: In, values: [1]}")}\n  podReplacementPolicy: TerminatingOrFailed` }, "spec.podReplacementPolicy: must be Failed when spec.podFailurePolicy is set");
    accepted({ spec: policy("action: FailJob\n      onExitCodes: {containerName: c, operator: In, values: [1, 42]}") });
  });

  it("a success policy: Indexed only, rules that name counts or indexes within completions", () => {
    const policy = (rule: string) => `  successPolicy:\n    rules:\n    - ${rule}`;
    refused({ spec: `  completions: 5\n${policy("succeededCount: 1")}` }, "spec.successPolicy: needs completionMode: Indexed");
    refused({ spec: indexed(`  completions: 5\n${policy("succeededIndexes: 0,3-7")}`) }, "index 7 is not below completions (5)");
    refused({ spec: indexed(`  completions: 5\n${policy("succeededIndexes: 3,1")}`) }, "not in increasing order");
    refused({ spec: indexed(`  completions: 5\n${policy("succeededCount: 3\n      succeededIndexes: 0-1")}`) }, "must be at most the 2 indexes of succeededIndexes");
    refused({ spec: indexed(`  completions: 5\n${policy("succeededCount: 6")}`) }, "must be at most completions (5)");
    accepted({ spec: indexed(`  completions: 5\n${policy("succeededCount: 2\n      succeededIndexes: 0,2-4")}`) });
  });
});

describe("the API server's rules for metadata and containers", () => {
  it("label values are at most 63 letters, digits, '-', '_' and '.', with the fix", () => {
    const labelled = (value: string) => jobTemplate().replace("metadata:\n", `metadata:\n  labels:\n    fruit: ${JSON.stringify(value)}\n`);
    for (const value of ["Crème Brûlée", "a b", "x".repeat(64), "-lead"]) {
      const message = inputErrorOf(() => expand(labelled(value), [{ item: "a" }]));
      expect(message).toContain("metadata.labels.fruit:");
      expect(message).toContain("is not a valid label value");
      expect(message).toContain("{{ … | dnslabel }}");
    }
    for (const value of ["", "apple", "A.b_c-1", "x".repeat(63)]) expect(expand(labelled(value), [{ item: "a" }])).toHaveLength(1);
  });

  it("label and annotation keys are qualified names", () => {
    const text = jobTemplate().replace("metadata:\n", "metadata:\n  labels:\n    bad key: x\n  annotations:\n    Example.COM/x: ok\n    no//way: x\n");
    const message = inputErrorOf(() => expand(text, [{ item: "a" }]));
    expect(message).toContain('metadata.labels: the key "bad key" is not a valid label key');
    expect(message).toContain('metadata.annotations: the key "no//way" is not a valid annotation key');
    expect(message).not.toContain("Example.COM/x");
  });

  it("the pod template's labels are checked too, but not those jobx sets over the template's", () => {
    const text = jobTemplate().replace("  template:\n", "  template:\n    metadata:\n      labels:\n        app.kubernetes.io/managed-by: not jobx\n        tier: front end\n");
    const message = inputErrorOf(() => expand(text, [{ item: "a" }]));
    expect(message).toContain("spec.template.metadata.labels.tier:");
    expect(message).not.toContain("managed-by");
  });

  it("containers have unique DNS-label names and an image", () => {
    refused({ container: "      - name: c\n        image: busybox" }, 'spec.template.spec.containers[1].name: "c" is already the name of another container');
    refused({ container: "      - name: Main_1\n        image: busybox" }, 'spec.template.spec.containers[1].name: "Main_1" is not a DNS-1123 label');
    refused({ container: "      - name: d" }, "spec.template.spec.containers[1].image: required");
  });

  it("annotations count in UTF-8 bytes, as the API server counts them", () => {
    const big = "é".repeat(128 * 1024 + 1); // 128 Ki + 1 characters, 256 KiB + 2 bytes
    const text = jobTemplate().replace("metadata:\n", `metadata:\n  annotations:\n    note: ${big}\n`);
    expect(inputErrorOf(() => expand(text, [{ item: "a" }]))).toContain("metadata.annotations: 262150 bytes in all, more than the 256 KiB");
  });

  it("utf8Length counts what Buffer.byteLength counts (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        expect(utf8Length(text)).toBe(Buffer.byteLength(text, "utf8"));
      }),
    );
  });
});
