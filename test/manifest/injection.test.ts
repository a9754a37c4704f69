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

describe("a bare value keeps its text, or is typed only in canonical form", () => {
  const env = jobTemplate({ container: "        env:\n        - name: V\n          value: {{ v }}" });
  const counted = jobTemplate({ spec: "  completions: {{ n }}" });
  const envValue = (job: { spec: { template: { spec: unknown } } } | undefined) =>
    (job?.spec.template.spec as { containers: { env: { value: unknown }[] }[] }).containers[0]?.env[0]?.value;

  it.each([
    ["~", "null"],
    ["null", "null"],
    ["Null", "null"],
    [".inf", "the number Infinity"],
    ["True", "the boolean true"],
    ["FALSE", "the boolean false"],
  ])("%j standing alone stops the expansion, naming the row, the key, the reading and the fix", (v, reading) => {
    const message = inputErrorOf(() => expand(env, [{ item: "a", v }]));
    expect(message).toContain(`in row 0 (item=a, v=${v}), the value of 'v' (${JSON.stringify(v)}) stands unquoted, and YAML reads it as ${reading}, not as its text`);
    expect(message).toContain("{{ v | tojson }}");
  });

  it.each([
    ["0x1F", "31"],
    ["+5", "5"],
    ["1.0", "1"],
    ["007", "7"],
    ["5.", "5"],
    ["12345678901234567890", "12345678901234567000"],
  ])("%j where a number goes stops it, saying which number YAML reads and how to write it", (n, canonical) => {
    const message = inputErrorOf(() => expand(counted, [{ item: "a", n }]));
    expect(message).toContain(`the value of 'n' (${JSON.stringify(n)}) stands unquoted, and YAML reads it as the number ${canonical}, not as its text`);
    expect(message).toContain(`Write it as ${canonical} to mean that number, or quote it in the template to keep the text: {{ n | tojson }}`);
  });

  it("a negative number where the field must be 0 or more is named as that, not as a value to quote", () => {
    const message = inputErrorOf(() => expand(counted, [{ item: "a", n: "-5" }]));
    expect(message).toContain("spec.completions: -5 is negative; the API server takes 0 or more");
    expect(message).not.toContain("Quote it");
  });

  it("a canonical number or boolean is typed, as both YAML versions read it", () => {
    const text = jobTemplate({ spec: "  completions: {{ n }}\n  suspend: {{ s }}", container: "        resources:\n          limits:\n            cpu: {{ c }}" });
    const [job] = expand(text, [{ item: "a", n: "5", s: "false", c: "2.5" }]);
    expect(job?.spec.completions).toBe(5);
    expect(job?.spec.suspend).toBe(false);
    expect((job?.spec.template.spec as { containers: { resources: { limits: { cpu: unknown } } }[] }).containers[0]?.resources.limits.cpu).toBe(2.5);
  });

  it("a number where text belongs says so, with the fix", () => {
    expect(inputErrorOf(() => expand(env, [{ item: "a", v: "2.5" }]))).toContain("env[0].value: must be string, not the number 2.5: quote it in the template ({{ … | tojson }}) to make it text");
  });

  it("a value standing alone as a key keeps its text too", () => {
    const keyed = jobTemplate().replace("metadata:\n", "metadata:\n  annotations:\n    {{ k }}: x\n");
    const message = inputErrorOf(() => expand(keyed, [{ item: "a", k: "True" }]));
    expect(message).toContain(`the value of 'k' ("True") stands unquoted as a key, and YAML reads it as the boolean true, so the key would be "true"`);
    expect(expand(keyed, [{ item: "a", k: "5" }])[0]?.metadata.annotations?.["5"]).toBe("x");
  });

  it("a value the template quotes, or writes in a block scalar, or inside longer text, is text whatever it looks like", () => {
    for (const v of ["~", "0x1F", "True", "on", "0777", "-5"]) {
      for (const [place, text] of [
        ["quoted", jobTemplate({ container: '        env:\n        - name: V\n          value: "{{ v }}"' })],
        ["block", jobTemplate({ container: "        env:\n        - name: V\n          value: |-\n            {{ v }}" })],
        ["longer", jobTemplate({ container: "        env:\n        - name: V\n          value: x{{ v }}" })],
      ] as const) {
        expect(envValue(expand(text, [{ item: "a", v }])[0]), `${v} ${place}`).toBe(place === "longer" ? `x${v}` : v);
      }
    }
  });

  it("the shape path and the full parse agree on every such value", async () => {
    const { expandJobs } = await import("../../src/manifest/expand");
    const { compileTemplate } = await import("../../src/render/template");
    const { planOf } = await import("./helpers");
    const outcome = (text: string, row: Record<string, unknown>, shapes: boolean) => {
      try {
        return [...expandJobs({ template: compileTemplate({ name: "t.yaml.njk", text }), plan: planOf([row]), group: "g", shapes })].map((r) => r.jobs);
      } catch (err) {
        return (err as Error).message;
      }
    };
    for (const value of ["~", "null", "0x1F", "+5", ".inf", "True", "-5", "1.0", "5", "true", "2.5", "on", "0777"]) {
      for (const text of [env, counted]) {
        const row = { item: "a", v: value, n: value };
        expect(outcome(text, row, true), value).toEqual(outcome(text, row, false));
      }
    }
  });
});
