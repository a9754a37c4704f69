import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { loadAll } from "js-yaml";
import { compileTemplate } from "../../src/render/template";
import { documentsFromShape } from "../../src/manifest/shape";
import { isRiskyOutput } from "../../src/manifest/guard";
import { unmark } from "../../src/manifest/placeholders";
import { expandJobs } from "../../src/manifest/expand";
import { dumpDocument } from "../../src/manifest/yaml";
import { jobTemplate, planOf } from "./helpers";

const LINES = [
  "a: x-{{ v }}",
  "b: {{ v | tojson }}",
  "c: {{ v | quote }}",
  "d: [{{ v | tojson }}, y, {{ n }}]",
  "e:",
  "  - {{ v }}",
  "  - {{ n }}",
  "f: |",
  "  text {{ v }} more",
  "g: {{ {'m': v} | tojson }}",
  'h: "in quotes {{ v }}"',
  "i: {{ n }}{{ n }}",
  "j: >",
  "  folded {{ v }}",
  "  lines",
];
const TEMPLATE = compileTemplate({ name: "s.yaml.njk", text: LINES.join("\n") });
// A value in a key is outside what a shape stands for.
const KEYED = compileTemplate({ name: "k.yaml.njk", text: [...LINES, "{{ k }}: {{ n }}"].join("\n") });

/** Both ways of reading a rendering: built from the cached shape, and parsed in full (or its error). */
function bothWays(template: typeof TEMPLATE, context: Record<string, unknown>): { fast: unknown[] | undefined; full: unknown; plain: boolean } {
  const rendering = template.renderMarked(context, "row");
  const text = unmark(rendering);
  const plain = rendering.values.every((v, n) => rendering.safe[n] || !isRiskyOutput(v));
  let full: unknown;
  try {
    full = loadAll(text);
  } catch (err) {
    full = err;
  }
  // Rows with a risky value take the full parse and the guard instead.
  return { fast: plain ? documentsFromShape(rendering)?.docs : undefined, full, plain };
}

describe("documents built from a template's shape", () => {
  it("equal a full parse for plain values, typed as YAML reads them", () => {
    for (const [v, n] of [
      ["apple", "5"],
      ["banana", "true"],
      ["a b c", "1.5"],
      ["héllo wörld", "0"],
      ["x&y<z>", "42"],
      ["a/b.c_d", "false"],
    ]) {
      const { fast, full, plain } = bothWays(TEMPLATE, { v, n });
      expect(plain).toBe(true);
      expect(fast).toBeDefined();
      expect(fast).toEqual(full);
    }
    // A value YAML would type other than canonically is not plain: it takes the full parse and the guard.
    for (const n of ["null", "~", "0x1f", "+5", "1.0", ".inf", "True", "007"]) expect(bothWays(TEMPLATE, { v: "a", n }).plain, n).toBe(false);
    // `i: {{ n }}{{ n }}` is one plain scalar typed from its whole text: 55, not "55".
    expect((bothWays(TEMPLATE, { v: "a", n: "5" }).fast?.[0] as Record<string, unknown>).i).toBe(55);
  });

  it("equal a full parse for any plain value (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 20 }).filter((s) => !/[\ud800-\udfff]/.test(s)),
        fc.oneof(fc.integer().map(String), fc.constantFrom("true", "false", "null", "x", "1e3", "0x1f", "", "~")),
        (v, n) => {
          const { fast, full, plain } = bothWays(TEMPLATE, { v, n });
          if (plain && fast !== undefined) expect(fast).toEqual(full);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("leaves to the full parse what it cannot stand for", () => {
    // A value in a key.
    expect(bothWays(KEYED, { v: "a", n: "1", k: "key" }).fast).toBeUndefined();
    // An empty value is not traced: it stays out of the skeleton, so [a, ] has one item either way.
    const flow = compileTemplate({ name: "f.yaml.njk", text: "l: [a, {{ v }}]" });
    expect(bothWays(flow, { v: "" }).full).toEqual([{ l: ["a"] }]);
    expect(bothWays(flow, { v: "" }).fast).toEqual([{ l: ["a"] }]);
    expect(bothWays(flow, { v: "b" }).fast).toEqual([{ l: ["a", "b"] }]);
    // A quoted value inside a longer scalar, anchors and tags.
    for (const text of ["a: x{{ v | tojson }}", "a: &x {{ v }}\nb: *x", "a: !!str {{ v }}"]) {
      const template = compileTemplate({ name: "t.yaml.njk", text });
      expect(bothWays(template, { v: "b" }).fast).toBeUndefined();
    }
  });

  it("write each Job's YAML exactly as the emitter writes the labelled Job", () => {
    const templates = [
      jobTemplate(),
      jobTemplate({ name: "", container: "        args: [{{ item | tojson }}]" }),
      jobTemplate({ name: "{{ item }}-{{ n }}", spec: "  completions: {{ n }}\n  parallelism: {{ n | int | tojson }}" }),
      jobTemplate({ container: '        command: ["sh", "-c", {{ ("echo " ~ item) | tojson }}]\n        args:\n        - x{{ item }}' }),
      `${jobTemplate({ name: "a-{{ item }}" })}\n---\n${jobTemplate({ name: "b-{{ item }}" })}`,
      jobTemplate({ name: "x-{{ item }}" }).replace("metadata:", "metadata:\n  labels:\n    app.kubernetes.io/managed-by: {{ item | quote }}\n  annotations:\n    a: {{ item | quote }}"),
    ];
    const rows = ["apple", "banana", "9", "true", "x y"].map((item, n) => ({ item, n: String(n + 1) }));
    for (const text of templates) {
      const template = compileTemplate({ name: "t.yaml.njk", text });
      for (const row of expandJobs({ template, plan: planOf(rows), group: "g" })) {
        expect(row.yaml, text).toBeDefined();
        expect(row.yaml).toEqual(row.jobs.map(dumpDocument));
      }
    }
  });
});

/** Every row's Jobs and YAML, or the error, from one way of reading the rows. */
function outcome(text: string, rows: Record<string, unknown>[], shapes: boolean): unknown {
  const template = compileTemplate({ name: "t.yaml.njk", text });
  try {
    return [...expandJobs({ template, plan: planOf(rows), group: "g", shapes })].map((r) => ({ jobs: r.jobs, yaml: r.yaml ?? r.jobs.map(dumpDocument) }));
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

describe("expansion from shapes against parsing every row in full", () => {
  const templates = [
    jobTemplate({ name: "j-{{ item }}", container: "        args: [{{ item | tojson }}, x-{{ n }}]\n        env:\n        - name: N\n          value: {{ n | quote }}" }),
    jobTemplate({ name: "", spec: "  completions: {{ n }}\n  backoffLimit: {{ n }}", container: '        command: ["echo", "{{ item }}"]' }),
    jobTemplate({ name: "{{ item }}", container: "        args:\n        - |\n          run {{ item }} {{ n }}" }),
    `${jobTemplate({ name: "a-{{ n }}" })}\n---\n${jobTemplate({ name: "b-{{ n }}" }).replace("image: busybox", "image: {{ item | tojson }}")}`,
    // Values standing alone as plain scalars, as a key and as values.
    jobTemplate({ name: "", spec: "  parallelism: {{ n }}", container: "        env:\n        - name: V\n          value: {{ item }}" }).replace("metadata:\n", "metadata:\n  annotations:\n    {{ item }}: {{ n | tojson }}\n"),
  ];
  // What YAML reads as something other than its text, unless its text is a canonical number or boolean.
  const TYPED = ["~", "null", "Null", "0x1F", "+5", ".inf", "-.inf", ".nan", "True", "FALSE", "-5", "1.0", "2.50", "-0", "007", "0o17", "1_000", "12:30", "2001-12-14", "12345678901234567890"];
  const value = fc.oneof(
    fc.string({ unit: "binary", maxLength: 12 }).filter((s) => !/[\ud800-\udfff]/.test(s)),
    fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,10}$/),
    fc.constantFrom("on", "0777", "1e3", "-x", "a: b", "#c", "x #y", "{{ 7*7 }}", "'q'", "\"q\"", "a\\b", "5", "true", "2.5"),
    fc.constantFrom(...TYPED),
  );
  const count = fc.oneof(fc.integer({ min: -3, max: 20 }).map(String), fc.constantFrom("1.5", "x", "", "true"), fc.constantFrom(...TYPED));

  it("give the same Jobs, the same YAML and the same errors (property)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...templates), fc.array(fc.record({ item: value, n: count }), { minLength: 1, maxLength: 4 }), (text, rows) => {
        expect(outcome(text, rows, true)).toEqual(outcome(text, rows, false));
      }),
      { numRuns: 400 },
    );
  });
});
