import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { InputError } from "../../src/errors";
import { expand, inputErrorOf, jobTemplate } from "./helpers";

// Values people pass that YAML would read as structure or as other types.
const NASTY = [
  "line1\nline2",
  "x\n---\nkind: Pod",
  "a: b",
  "x # comment",
  "'single'",
  '"double"',
  "- dash",
  "* star",
  "{{ 7*7 }}",
  "{% raw %}",
  "on",
  "no",
  "0777",
  "1e3",
  "~",
  "[1, 2]",
  "{a: 1}",
  "&anchor",
  "!!binary x",
  "|",
  ">-",
  "trailing space ",
  "\ttab",
  "a\u2028b",
  "x\", \"--privileged",
];

/** Where a value lands in the template, and how the template writes it. */
const PLACES = {
  "env value, quote": (f: string) => jobTemplate({ container: `        env:\n        - name: V\n          value: {{ v | ${f} }}` }),
  "command item, tojson": (f: string) => jobTemplate({ container: `        command: ["sh", "-c", {{ v | ${f} }}]` }),
  "annotation": (f: string) => jobTemplate().replace("metadata:\n", `metadata:\n  annotations:\n    note: {{ v | ${f} }}\n`),
};

function envValue(text: string, v: string): unknown {
  const [job] = expand(text, [{ item: "a", v }]);
  const spec = job?.spec.template.spec as { containers: { env?: { value: unknown }[]; command?: unknown[] }[] };
  const container = spec.containers[0];
  return container?.env?.[0]?.value ?? container?.command?.[2] ?? job?.metadata.annotations?.note;
}

describe("quoted values land as exactly one scalar, bytes intact", () => {
  for (const [place, make] of Object.entries(PLACES)) {
    for (const filter of ["tojson", "quote"]) {
      it.each(NASTY)(`${place} via ${filter}: %j`, (v) => {
        expect(envValue(make(filter), v)).toBe(v);
      });
    }
  }

  it("for any string (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }).filter((s) => !/[\ud800-\udfff]/.test(s)), fc.constantFrom(...Object.values(PLACES)), fc.constantFrom("tojson", "quote"), (v, make, f) => {
        expect(envValue(make(f), v)).toBe(v);
      }),
    );
  });
});

describe("unquoted values either land intact or stop the expansion", () => {
  const unquoted = jobTemplate({ container: "        env:\n        - name: V\n          value: {{ v }}\n        - name: W\n          value: fixed" });

  it.each([
    ["a newline", "x\ny: z"],
    ["a document separator", "x\n---\napiVersion: v1"],
    ["a comment", "x # y"],
    ["a nested key", "a: b"],
    ["a YAML 1.1 boolean", "on"],
    ["a YAML 1.1 octal", "0777"],
    ["a YAML 1.2-only float", "1e3"],
    ["a flow sequence", "[a, b]"],
  ])("%s stops it, naming the row, the key and the fix", (_name, v) => {
    const message = inputErrorOf(() => expand(unquoted, [{ item: "a", v }]));
    expect(message).toContain("row 0 (item=a");
    expect(message).toMatch(/'v'|\{\{ v \| tojson \}\}/);
    expect(message).toContain("{{ v | tojson }}");
  });

  it.each([
    ["a URL", "s3://bucket/key", "s3://bucket/key"],
    ["a leading dash without a space", "-x", "-x"],
    ["a colon without a space", "a:b", "a:b"],
  ])("%s written unquoted lands as YAML reads it", (_name, v, value) => {
    const [job] = expand(unquoted, [{ item: "a", v }]);
    const env = (job?.spec.template.spec as { containers: { env: { value: unknown }[] }[] }).containers[0]?.env;
    expect(env?.[0]?.value).toBe(value);
  });

  it("a number both YAML versions read alike, written unquoted, is a number (CSV values are strings)", () => {
    const [job] = expand(jobTemplate({ spec: "  completions: {{ n }}\n  suspend: {{ s }}" }), [{ item: "a", n: "5", s: "true" }]);
    expect(job?.spec.completions).toBe(5);
    expect(job?.spec.suspend).toBe(true);
  });

  it("blames the key whose value was written, not one whose value it contains", () => {
    const message = inputErrorOf(() => expand(unquoted, [{ item: "a", v: "[a, b]" }]));
    expect(message).toContain("the value of 'v'");
  });

  it("for any string (property): the env list keeps its shape, and the value is intact or refused", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 30 }).filter((s) => !/[\ud800-\udfff]/.test(s)), (v) => {
        let jobs;
        try {
          jobs = expand(unquoted, [{ item: "a", v }]);
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
          return;
        }
        expect(jobs).toHaveLength(1);
        const env = (jobs[0]?.spec.template.spec as { containers: { env: { name: string; value: unknown }[] }[] }).containers[0]?.env;
        expect(env?.map((e) => e.name)).toEqual(["V", "W"]);
        expect(env?.[1]?.value).toBe("fixed");
        // Anything that is not refused reads back as the text the user gave, or as the
        // same non-string under YAML 1.1 and 1.2 (a number such as 5, a boolean true).
        const value = env?.[0]?.value;
        if (typeof value === "string") expect(value).toBe(v);
      }),
      { numRuns: 300 },
    );
  });
});

describe("row keys that would reach into JavaScript objects are refused", () => {
  it.each(["__proto__", "constructor", "prototype"])("%s", async (key) => {
    const { planRows } = await import("../../src/params/index");
    expect(() => planRows({ items: [], params: [`${key}=x`], ranges: [], zip: false, files: [], sets: [] })).toThrow(InputError);
  });
});
