/**
 * jobx's templates against python3's jinja2, byte for byte:
 *
 * - a corpus (test/render/jinja2-corpus.ts): hand-written cases for the language, and
 *   generated ones for every builtin filter and test of jinja2's own FILTERS and TESTS
 *   tables, rendered by both; each must give the same bytes, or an error in both, or a
 *   refusal by name where jinja2 prints what jobx will not (an undefined value as "", a
 *   generator's address, a random choice);
 * - `jobx expand --raw` on the Jinja2 templates in test/fixtures/jinja2/, as a user runs it.
 *
 * Skipped, with the reason printed, where python3 or jinja2 is missing.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors";
import { FILTERS, REFUSED_FILTERS, REFUSED_TESTS, TESTS } from "../../src/render/builtins";
import { compileTemplate } from "../../src/render/template";
import { jobx, ROOT } from "../cli/run";
import { HAND_CASES, generatedCases, type Case } from "./jinja2-corpus";

const FIXTURES = join(ROOT, "test/fixtures/jinja2");
const RENDERER = join(ROOT, "test/render/jinja2_render.py");

function python(args: string[], input?: string): string | undefined {
  const run = spawnSync("python3", args, { encoding: "utf8", input, maxBuffer: 1 << 28 });
  return run.status === 0 ? run.stdout : undefined;
}

const version = python(["-c", "import jinja2; print(jinja2.__version__)"])?.trim();
if (!version) console.warn("jinja2 parity tests skipped: python3 with the jinja2 package is not available here (pip install jinja2)");

/** jinja2's own tables of builtin filters and tests. */
function jinja2Tables(): { filters: string[]; tests: string[] } {
  const out = python(["-c", "import json, jinja2.filters as f, jinja2.tests as t; print(json.dumps({'filters': sorted(f.FILTERS), 'tests': sorted(t.TESTS)}))"]);
  return JSON.parse(out as string) as { filters: string[]; tests: string[] };
}

type PyResult = { ok: string; undefined: boolean } | { error: string };
type Verdict = "same" | "both failed" | "refused" | "MISMATCH";

function renderJobx(c: Case): { ok: string } | { error: string; refusal: boolean } {
  try {
    return { ok: compileTemplate({ name: "t", text: c.template }).render(c.context ?? {}, "row 0") };
  } catch (err) {
    if (!(err instanceof InputError)) throw err; // anything else is a bug in jobx
    return { error: err.message, refusal: /jobx does not|is undefined/.test(err.message) };
  }
}

function verdict(c: Case, expected: PyResult, got: ReturnType<typeof renderJobx>): Verdict {
  if (c.refused !== undefined) return "error" in got && got.error.includes(c.refused) ? "refused" : "MISMATCH";
  if ("error" in expected) return "error" in got ? "both failed" : "MISMATCH";
  if ("ok" in got) return got.ok === expected.ok ? "same" : "MISMATCH";
  // jinja2 printed an object's address, which jobx cannot: any error is right.
  if (/ at 0x[0-9a-f]+>/.test(expected.ok)) return "refused";
  // jinja2 used an undefined value (as "", [] or false), which jobx refuses by name.
  if (expected.undefined && got.refusal && got.error.includes("is undefined")) return "refused";
  return "MISMATCH";
}

describe.skipIf(!version)(`templates render as jinja2 ${version ?? ""} does`, () => {
  const tables = version ? jinja2Tables() : { filters: [], tests: [] };

  it("every builtin filter and test of jinja2 is either implemented or refused by name", () => {
    expect(tables.filters.filter((f) => !FILTERS.has(f) && !Object.hasOwn(REFUSED_FILTERS, f))).toEqual([]);
    expect(tables.tests.filter((t) => !TESTS.has(t) && !Object.hasOwn(REFUSED_TESTS, t))).toEqual([]);
  });

  it("the corpus: the same bytes as jinja2, or refused by name", () => {
    const cases: Case[] = [
      ...HAND_CASES,
      ...generatedCases(tables.filters, tables.tests).map((c) => {
        const refusedFilter = Object.keys(REFUSED_FILTERS).find((f) => c.template.includes(`|${f}`));
        return refusedFilter ? { ...c, refused: `jobx does not support the filter '${refusedFilter}'` } : c;
      }),
    ];
    const expected = JSON.parse(python([RENDERER], JSON.stringify(cases)) as string) as PyResult[];
    const counts: Record<Verdict, number> = { same: 0, "both failed": 0, refused: 0, MISMATCH: 0 };
    const mismatches: string[] = [];
    const covered = new Set<string>();
    cases.forEach((c, i) => {
      const got = renderJobx(c);
      const v = verdict(c, expected[i] as PyResult, got);
      counts[v]++;
      if (v === "same") {
        for (const re of [/\|\s*([a-z_]+)/g, /\bis (?:not )?([a-z_]+)/g, /(?:select|reject)\("([^"]+)"/g]) for (const m of c.template.matchAll(re)) covered.add(m[1] as string);
      }
      if (v === "MISMATCH" && mismatches.length < 20) mismatches.push(`${JSON.stringify(c.template)}\n  jobx:   ${JSON.stringify(got)}\n  jinja2: ${JSON.stringify(expected[i])}`);
    });
    console.info(
      `jinja2 parity corpus: ${cases.length} cases (${HAND_CASES.length} hand-written): ${counts.same} the same bytes, ` +
        `${counts["both failed"]} errors in both, ${counts.refused} refused by name, ${counts.MISMATCH} mismatches`,
    );
    expect(mismatches, mismatches.join("\n")).toEqual([]);
    // Every implemented filter and test rendered the same bytes as jinja2 in some case.
    const implemented = [...tables.filters.filter((f) => FILTERS.has(f)), ...tables.tests.filter((t) => TESTS.has(t))];
    expect(implemented.filter((n) => !covered.has(n))).toEqual([]);
  });

  /** As the docs' one-liner: print(Template(src).render(...)) for each row. */
  const PRINT_ROWS = `
import json, sys, jinja2
src = open(sys.argv[1], encoding="utf-8").read()
rows = json.loads(sys.argv[2])
t = jinja2.Template(src)
for i, row in enumerate(rows):
    print(t.render(index=i, params=row, **row))
`;

  /** Each fixture with the rows it is rendered over (none: rendered once). */
  const FIXTURE_CASES: { file: string; args: string[]; rows: Record<string, string>[] }[] = [
    { file: "docs-expansion.j2", args: [], rows: [{}] },
    { file: "loops-and-filters.j2", args: [], rows: [{}] },
    { file: "macros-and-blocks.j2", args: [], rows: [{}] },
    {
      file: "per-item.j2",
      args: ["--items", "apple,banana,cherry", "--set", "region=eu-west"],
      rows: ["apple", "banana", "cherry"].map((item) => ({ item, region: "eu-west" })),
    },
  ];

  it("covers every fixture", () => {
    expect(FIXTURE_CASES.map((c) => c.file).sort()).toEqual(readdirSync(FIXTURES).filter((f) => f.endsWith(".j2")).sort());
  });

  it.each(FIXTURE_CASES)("jobx expand --raw $file", ({ file, args, rows }) => {
    const path = join(FIXTURES, file);
    const run = jobx(["expand", path, "--raw", "-q", ...args]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(python(["-c", PRINT_ROWS, path, JSON.stringify(rows)]));
  });

  it("the docs' template also expands into three checked Jobs", () => {
    const run = jobx(["expand", join(FIXTURES, "docs-expansion.j2"), "-o", "json", "-q"]);
    expect(run.status, run.stderr).toBe(0);
    const names = (JSON.parse(run.stdout) as { items: { metadata: { name: string } }[] }).items.map((j) => j.metadata.name);
    expect(names).toEqual(["jobexample-apple", "jobexample-banana", "jobexample-cherry"]);
    expect(readFileSync(join(FIXTURES, "docs-expansion.j2"), "utf8")).toContain('"url": "http://dbpedia.org/resource/Apple", }');
  });
});
