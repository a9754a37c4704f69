import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { YAML11_SCHEMA, loadAll } from "js-yaml";
import { compileTemplate } from "../../src/render/template";
import { ShapeCache } from "../../src/manifest/shape";
import { unmark } from "../../src/manifest/placeholders";
import { expandJobs } from "../../src/manifest/expand";
import { dumpDocument } from "../../src/manifest/yaml";
import type { JobObject } from "../../src/manifest/job";
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
function bothWays(template: typeof TEMPLATE, context: Record<string, unknown>): { fast: unknown[] | undefined; full: unknown } {
  const rendering = template.renderMarked(context, "row");
  const text = unmark(rendering);
  let full: unknown;
  try {
    full = loadAll(text);
  } catch (err) {
    full = err;
  }
  // Rows with a value that cannot stand where it is written take the full parse and the guard instead (fast is undefined).
  return { fast: new ShapeCache().documents(rendering)?.docs, full };
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
      const { fast, full } = bothWays(TEMPLATE, { v, n });
      expect(fast).toBeDefined();
      expect(fast).toEqual(full);
    }
    // A value YAML would type other than canonically, standing alone: the row takes the full parse and the guard.
    for (const n of ["null", "~", "0x1f", "+5", "1.0", ".inf", "True", "007"]) expect(bothWays(TEMPLATE, { v: "a", n }).fast, n).toBeUndefined();
    // `i: {{ n }}{{ n }}` is one plain scalar typed from its whole text: 55, not "55".
    expect((bothWays(TEMPLATE, { v: "a", n: "5" }).fast?.[0] as Record<string, unknown>).i).toBe(55);
  });

  it("equal a full parse for any plain value (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 20 }).filter((s) => !/[\ud800-\udfff]/.test(s)),
        fc.oneof(fc.integer().map(String), fc.constantFrom("true", "false", "null", "x", "1e3", "0x1f", "", "~")),
        (v, n) => {
          const { fast, full } = bothWays(TEMPLATE, { v, n });
          if (fast !== undefined) expect(fast).toEqual(full);
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
    // Anchors and tags.
    for (const text of ["a: &x {{ v }}\nb: *x", "a: !!str {{ v }}"]) {
      const template = compileTemplate({ name: "t.yaml.njk", text });
      expect(bothWays(template, { v: "b" }).fast).toBeUndefined();
    }
  });

  it("take a quoted value inside a longer scalar as the text between its quotes", () => {
    for (const text of ["a: x{{ v | tojson }}", "a: |\n  echo {{ v | tojson }}", "a: '--q={{ v | tojson }}'", "a: [p-{{ v | quote }}]"]) {
      const template = compileTemplate({ name: "t.yaml.njk", text });
      // A plain scalar in a flow collection takes no ':', quote or backslash: those rows take the full parse.
      for (const v of ["b", "a b", ...(text.includes("[") ? [] : ["http://h/p", "it's", 'say "hi"'])]) {
        const { fast, full } = bothWays(template, { v });
        expect(fast, `${text} ${v}`).toBeDefined();
        expect(fast).toEqual(full);
      }
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

/** One hole in each place a value can stand, and the same place written over two lines. */
const CONTEXTS = compileTemplate({
  name: "c.yaml.njk",
  text: [
    'dq: "in double {{ v }} quotes"',
    'dqw: "{{ v }}"',
    "sq: 'in single {{ v }} quotes'",
    "lit: |",
    "  run {{ v }} now",
    "  {{ v }}",
    "fold: >",
    "  folded {{ v }}",
    "  more",
    "pl: x-{{ v }}",
    "plw: {{ v }}",
    "flow: [p, \"q {{ v }}\", 'r {{ v }}', s-{{ v }}, {k: {{ v }}}]",
    'mdq: "two {{ v }}',
    '  lines"',
    "msq: 'two {{ v }}",
    "  lines'",
    "mpl: two {{ v }}",
    "  lines",
    "inner: --x={{ v | tojson }}",
    "innerq: '--q={{ v | quote }}'",
  ].join("\n"),
});

/** Templates with one hole standing in one place, by the place. */
const ONE_PLACE: Record<string, string> = {
  "double-quoted": 'a: "echo {{ v }} && sleep 5"',
  "single-quoted": "a: 'echo {{ v }} done'",
  literal: "a: |\n  echo {{ v }}\n  done",
  folded: "a: >\n  echo {{ v }}\n  done",
  plain: "a: echo-{{ v }}",
  "plain alone": "a: {{ v }}",
  "flow plain": "a: [x, {{ v }}]",
};

// Values that are dangerous in exactly some of the places.
const DANGEROUS = ['a"b', "a\\b", "it's", "a\nb", " lead", "trail ", "a: b", "x #y", "#x", "-x", "a,b", "[a]", "{a}", "a:", "---", "...", "\tx", "x\u0085y"];
// Values that are harmless in some places and not in others, or typed when alone.
const ORDINARY = ["http://h/p?q=1&r", "500m", "64Mi", "1Gi", "000042", "a:b", "Report 4: \"daily\"", "~", "0x1F", "on", "5", "true", "1.5", "x"];

describe("values standing where their hole stands", () => {
  it("take the shape path where they can stand, and the full parse where they cannot", () => {
    const can: Record<string, string[]> = {
      "double-quoted": ["http://h/p?q=1&r", "500m", "a: b", "x #y", "it's", "#x", "-x", "[a]", "~", "on"],
      "single-quoted": ["http://h/p?q=1&r", "a: b", 'a"b', "a\\b", "x #y", "{a}", "0x1F"],
      literal: ["http://h/p?q=1&r", "a: b", "x #y", 'a"b', "it's", "-x", "#x", "~"],
      folded: ["http://h/p?q=1&r", "a: b", "x #y", 'a"b', "it's"],
      plain: ["http://h/p?q=1&r", "a:b", "500m", "a,b", "a[b]", 'say"x"'],
      "plain alone": ["500m", "64Mi", "a:b", "5", "true"],
      "flow plain": ["500m", "x"],
    };
    const cannot: Record<string, string[]> = {
      "double-quoted": ['a"b', "a\\b", "a\nb", "\tx"],
      "single-quoted": ["it's", "a\nb"],
      literal: ["a\nb", " lead", "trail ", "---"],
      folded: ["a\nb", " lead", "trail "],
      plain: ["a: b", "x #y", "#x", "-x", "[a]", " lead", "trail ", "a:"],
      "plain alone": ["~", "0x1F", "on", "000042", "a: b", "-x"],
      "flow plain": ["a,b", "[a]", "{a}", "a:b", "a: b"],
    };
    for (const [place, text] of Object.entries(ONE_PLACE)) {
      const template = compileTemplate({ name: "t.yaml.njk", text });
      for (const v of can[place] ?? []) {
        const { fast, full } = bothWays(template, { v });
        expect(fast, `${place}: ${JSON.stringify(v)}`).toBeDefined();
        expect(fast).toEqual(full);
      }
      for (const v of cannot[place] ?? []) expect(bothWays(template, { v }).fast, `${place}: ${JSON.stringify(v)}`).toBeUndefined();
    }
  });

  it("equal a full parse in every place, for values dangerous in some (property)", () => {
    const value = fc.oneof(
      fc.constantFrom(...DANGEROUS, ...ORDINARY),
      fc.string({ unit: "binary", maxLength: 12 }).filter((s) => !/[\ud800-\udfff]/.test(s)),
      fc.array(fc.constantFrom(...DANGEROUS, ...ORDINARY, "a", " ", ":", "#", "'", '"', "\\", "\n"), { maxLength: 4 }).map((p) => p.join("")),
    );
    fc.assert(
      fc.property(value, (v) => {
        for (const template of [CONTEXTS, ...Object.values(ONE_PLACE).map((text) => compileTemplate({ name: "t.yaml.njk", text }))]) {
          const { fast, full } = bothWays(template, { v });
          if (fast !== undefined) expect(fast).toEqual(full);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("read Kubernetes quantities as text without a YAML parse, as both YAML versions do", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{1,4}[A-WYZa-wyz][A-Za-z]{0,3}$/), (q) => {
        expect(loadAll(q)).toEqual([q]);
        expect(loadAll(q, { schema: YAML11_SCHEMA })).toEqual([q]);
      }),
    );
  });
});

describe("expansion from shapes against parsing every row in full", () => {
  const templates = [
    jobTemplate({ name: "j-{{ item }}", container: "        args: [{{ item | tojson }}, x-{{ n }}]\n        env:\n        - name: N\n          value: {{ n | quote }}" }),
    jobTemplate({ name: "", spec: "  completions: {{ n }}\n  backoffLimit: {{ n }}", container: '        command: ["echo", "{{ item }}"]' }),
    jobTemplate({ name: "{{ item }}", container: "        args:\n        - |\n          run {{ item }} {{ n }}" }),
    `${jobTemplate({ name: "a-{{ n }}" })}\n---\n${jobTemplate({ name: "b-{{ n }}" }).replace("image: busybox", "image: {{ item | tojson }}")}`,
    // Values standing alone as plain scalars, as a key and as values.
    jobTemplate({ name: "", spec: "  parallelism: {{ n }}", container: "        env:\n        - name: V\n          value: {{ item }}" }).replace("metadata:\n", "metadata:\n  annotations:\n    {{ item }}: {{ n | tojson }}\n"),
    // Every place a value can stand in a Job: quoted, block, flow, plain, and a quoted value inside a longer scalar.
    jobTemplate({
      name: "j-{{ n }}",
      container: [
        '        command: ["sh", "-c", "echo {{ item }} && sleep 1"]',
        "        args: ['--q={{ item }}', x-{{ item }}, \"{{ n }}\"]",
        "        env:",
        '        - {name: A, value: "{{ item }}"}',
        "        - name: B",
        "          value: '{{ item }}'",
        "        - name: C",
        "          value: |",
        "            line {{ item }}",
        "            {{ n }}",
        "        - name: D",
        "          value: >",
        "            folded {{ item }}",
        "            more",
        "        - name: E",
        "          value: pre-{{ item }}",
        "        - name: F",
        "          value: --x={{ item | tojson }}",
        '        - name: "G"',
        '          value: "two {{ item }}',
        '            lines"',
      ].join("\n"),
    }),
  ];
  // What YAML reads as something other than its text, unless its text is a canonical number or boolean.
  const TYPED = ["~", "null", "Null", "0x1F", "+5", ".inf", "-.inf", ".nan", "True", "FALSE", "-5", "1.0", "2.50", "-0", "007", "0o17", "1_000", "12:30", "2001-12-14", "12345678901234567890"];
  const value = fc.oneof(
    fc.string({ unit: "binary", maxLength: 12 }).filter((s) => !/[\ud800-\udfff]/.test(s)),
    fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,10}$/),
    fc.constantFrom("on", "0777", "1e3", "-x", "a: b", "#c", "x #y", "{{ 7*7 }}", "'q'", "\"q\"", "a\\b", "5", "true", "2.5"),
    fc.constantFrom(...TYPED),
    fc.constantFrom(...DANGEROUS, ...ORDINARY),
  );
  const count = fc.oneof(fc.integer({ min: -3, max: 20 }).map(String), fc.constantFrom("1.5", "x", "", "true"), fc.constantFrom(...TYPED));

  it("give the same Jobs when rows cycle through more skeletons than are compared before the cache, or skeletons alike in length", () => {
    const text = jobTemplate({ name: "j-{{ item }}", container: "        args:\n{% for i in range(n | int) %}        - a{{ i }}-{{ item }}\n{% endfor %}{% if m == '1' %}        - odd\n{% else %}        - evn\n{% endif %}        - end" });
    // 20 skeletons in turn, then back and forth; then 10 counts twice, the second time with the other word.
    const counts = [...Array.from({ length: 40 }, (_, i) => i % 20), ...Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? i : 19 - i)), ...Array.from({ length: 40 }, (_, i) => i % 10)];
    const words = counts.map((_, i) => (i >= 60 && Math.floor((i - 60) / 10) % 2 === 1 ? "1" : "0"));
    const rows = counts.map((n, i) => ({ item: `r${i}`, n: String(n), m: words[i] as string }));
    const fast = outcome(text, rows, true) as { jobs: JobObject[] }[];
    expect(fast).toEqual(outcome(text, rows, false));
    const args = fast.map((r) => (r.jobs[0]?.spec.template.spec.containers[0] as { args: string[] }).args);
    expect(args.map((a) => a.length)).toEqual(counts.map((n) => n + 2));
    expect(args.map((a) => a[a.length - 2])).toEqual(words.map((m) => (m === "1" ? "odd" : "evn")));
  });

  it("give the same Jobs, the same YAML and the same errors (property)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...templates), fc.array(fc.record({ item: value, n: count }), { minLength: 1, maxLength: 4 }), (text, rows) => {
        expect(outcome(text, rows, true)).toEqual(outcome(text, rows, false));
      }),
      { numRuns: 400 },
    );
  });
});
