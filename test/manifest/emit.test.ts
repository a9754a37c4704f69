import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { YAML11_SCHEMA, load } from "js-yaml";
import { emitYaml } from "../../src/manifest/emit";

describe("emitYaml", () => {
  it("writes block YAML as people write Job manifests", () => {
    const doc = { apiVersion: "batch/v1", kind: "Job", metadata: { name: "j", labels: { "jobx.dev/item": "0" } }, spec: { completions: 3, template: { spec: { containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "echo hi && sleep 5"] }], restartPolicy: "Never" } } } };
    expect(emitYaml(doc)).toBe(
      [
        "apiVersion: batch/v1",
        "kind: Job",
        "metadata:",
        "  name: j",
        "  labels:",
        '    jobx.dev/item: "0"',
        "spec:",
        "  completions: 3",
        "  template:",
        "    spec:",
        "      containers:",
        "        - name: c",
        "          image: busybox:1.36",
        "          command:",
        "            - sh",
        '            - "-c"',
        '            - "echo hi && sleep 5"',
        "      restartPolicy: Never",
        "",
      ].join("\n"),
    );
  });

  it.each(["on", "Yes", "n", "0777", "1e3", "1_000", "0b101", "60:30", "~", "null", "", " x", "x ", "a: b", "#x", "-x", "2001-12-14", ".5", ".inf", "key:", "a\nb", "\u2028"])(
    "quotes %j, which plain YAML would read otherwise under 1.1 or 1.2",
    (s) => {
      const text = emitYaml({ v: s });
      expect((load(text) as { v: unknown }).v).toBe(s);
      expect((load(text, { schema: YAML11_SCHEMA }) as { v: unknown }).v).toBe(s);
    },
  );

  const json = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: "small" },
      fc.string({ unit: "binary" }).filter((s) => !/[\ud800-\udfff]/.test(s)),
      fc.constantFrom("on", "off", "yes", "0777", "1e3", "~", "60:30", "2001-01-01", "a:b", "x:"),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie("value"), { maxLength: 4 }),
      fc.dictionary(fc.string({ unit: "binary" }).filter((s) => !/[\ud800-\udfff]/.test(s) && s !== "__proto__"), tie("value"), { maxKeys: 4 }),
    ),
  })).value;

  it("reads back as the same data under YAML 1.2 and YAML 1.1 (property)", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string().filter((s) => s !== "__proto__"), json, { minKeys: 1, maxKeys: 5 }), (doc) => {
        const text = emitYaml(doc);
        expect(load(text)).toEqual(doc);
        expect(load(text, { schema: YAML11_SCHEMA })).toEqual(doc);
      }),
      { numRuns: 300 },
    );
  });
});
