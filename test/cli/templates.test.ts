/**
 * Templates users bring, run as a user types it: the docs' sed-style job-tmpl.yaml, what
 * is never silently ignored, and the Job pitfall warnings of lint, expand and apply.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadAll } from "js-yaml";
import { describe, expect, it } from "vitest";
import { jobx, ROOT } from "./run";

type Job = { metadata: { name: string }; spec: { template: { spec: { containers: { command: string[] }[] } } } };

const DOCS_TEMPLATE = join(ROOT, "examples/job-tmpl.yaml");

describe("the docs' sed-style template (examples/job-tmpl.yaml)", () => {
  it("is the docs' file, unchanged", () => {
    expect(readFileSync(DOCS_TEMPLATE, "utf8")).toBe(readFileSync(join(ROOT, "bench/job-tmpl.yaml"), "utf8"));
  });

  it("expands as the sed loop does: --raw prints exactly what the docs' loop writes", () => {
    const loop = spawnSync("bash", ["-c", 'for i in apple banana cherry; do cat "$1" | sed "s/\\$ITEM/$i/"; done', "bash", DOCS_TEMPLATE], { encoding: "utf8" });
    expect(loop.status).toBe(0);
    const run = jobx(["expand", DOCS_TEMPLATE, "--items", "apple,banana,cherry", "--raw", "-q"]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe(loop.stdout);
  });

  it("gives three checked Jobs, named and run with their item, and says how it read the file", () => {
    const run = jobx(["expand", DOCS_TEMPLATE, "--items", "apple,banana,cherry"]);
    expect(run.status, run.stderr).toBe(0);
    const jobs = loadAll(run.stdout) as Job[];
    expect(jobs.map((j) => j.metadata.name)).toEqual(["process-item-apple", "process-item-banana", "process-item-cherry"]);
    expect(jobs.map((j) => j.spec.template.spec.containers[0]?.command[2])).toEqual([
      "echo Processing item apple && sleep 5",
      "echo Processing item banana && sleep 5",
      "echo Processing item cherry && sleep 5",
    ]);
    expect(run.stderr).toContain(`jobx: warning: ${DOCS_TEMPLATE} has no Jinja2 syntax: read as a sed-style template, $ITEM replaced by item`);
  });

  it("never substitutes the $ITEM a Jinja2 template hands its shell (the built-in job)", () => {
    const run = jobx(["expand", "job", "--items", "apple", "-q"]);
    expect(run.status, run.stderr).toBe(0);
    expect((loadAll(run.stdout) as Job[])[0]?.spec.template.spec.containers[0]?.command[2]).toBe("echo Processing item $ITEM && sleep 5");
    expect(run.stderr).not.toContain("sed-style");
  });
});

function file(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "jobx-templates-"));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** An input error: exit 2, nothing on stdout, the message naming the fix. */
function expectInputError(run: ReturnType<typeof jobx>, ...fragments: string[]): void {
  expect(run.status, run.stderr).toBe(2);
  expect(run.stdout).toBe("");
  for (const f of fragments) expect(run.stderr).toContain(f);
}

describe("nothing silently ignored", () => {
  it("a parameter the template never reads is a warning naming the nearest name it reads", () => {
    const run = jobx(["expand", "batch-work", "--set", "paralelism=50", "-o", "json", "-q"]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain("jobx: warning: the parameter 'paralelism' is never read by the template (the nearest name it reads is 'parallelism')");
    expect((JSON.parse(run.stdout) as { items: { spec: { parallelism: number } }[] }).items[0]?.spec.parallelism).toBe(2);
  });

  it("and under --strict an error, with nothing on stdout", () => {
    expectInputError(jobx(["expand", "batch-work", "--set", "paralelism=50", "--strict"]), "--strict makes this warning an error", "'paralelism'");
  });

  it("rows that would all render the same Job are an error", () => {
    expectInputError(jobx(["expand", DOCS_TEMPLATE, "--param", "name=a,b"]), "the template reads none of the parameters (name), so all 2 rows would render the same Job");
    expectInputError(jobx(["expand", "batch-work", "--range", "x=1..3", "--set", "input=a", "-q"]), "all 3 rows rendered the same Job");
  });

  it("no NaN or undefined reaches a manifest: Python's % formatting", () => {
    const template = file("shard.yaml", [
      "apiVersion: batch/v1",
      "kind: Job",
      "metadata:",
      '  name: shard-{{ "%03d" % shard }}',
      "  annotations:",
      '    col: {{ ("%-6s|" % "ab") | quote }}',
      "spec:",
      "  template:",
      "    spec:",
      "      restartPolicy: Never",
      "      containers: [{name: c, image: busybox}]",
    ].join("\n"));
    const run = jobx(["expand", template, "--range", "shard=0..2", "-o", "json", "-q"]);
    expect(run.status, run.stderr).toBe(0);
    const items = (JSON.parse(run.stdout) as { items: { metadata: { name: string; annotations: Record<string, string> } }[] }).items;
    expect(items.map((j) => j.metadata.name)).toEqual(["shard-000", "shard-001", "shard-002"]);
    expect(items[0]?.metadata.annotations.col).toBe("ab    |");
    expect(run.stderr).not.toContain("named it");
  });

  it.each([
    ["a namespace() counter", "{% set ns = namespace(total=0) %}{% for i in [1, 2] %}{% set ns.total = ns.total + i %}{% endfor %}total: {{ ns.total }}", "total: 3"],
    ["loop.cycle", "{% for i in [1, 2] %}{{ loop.cycle('a', 'b') }}{% endfor %}", "ab"],
  ])("%s renders as Jinja2 does", (_name, text, expected) => {
    const run = jobx(["expand", file("t.j2", text), "--raw", "-q"]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe(`${expected}\n`);
  });

  it.each([
    ["an unclosed tag", "a: 1\nb: {{ x\n", "t.yaml:2:4: template syntax error: unexpected end of template"],
    ["a tag with no name", "a\n{% %}", "t.yaml:2:4: template syntax error: a tag name was expected"],
    ["a missing endfor", "{% for x in y %}\n{{ x }}", "t.yaml:2:8: template syntax error: unexpected end of template: Jinja2 was looking for 'endfor' or 'else'"],
    ["an assignment to a call", "{% set f() = 1 %}", "t.yaml:1:9: template syntax error: expected '%}', got '('"],
    ["an assignment to a literal", "{% set 1 = x %}", "t.yaml:1:8: template syntax error: can't assign to 'a literal'"],
  ])("a template syntax error carries line and column: %s", (_name, text, message) => {
    const run = jobx(["expand", file("t.yaml", text)]);
    expectInputError(run, message);
    expect(run.stderr).not.toMatch(/TypeError|Cannot read|undefined \(reading/);
  });
});

describe("jobx lint, and the same warnings from expand and apply", () => {
  const pitfalls = ["[no-deadline]", "[no-ttl]", "[no-requests]", "[no-memory-limit]"];

  it("lint names the Jobs, the field, why and the fix, and exits 0", () => {
    const run = jobx(["lint", DOCS_TEMPLATE, "--items", "apple,banana,cherry"]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe("");
    for (const p of pitfalls) expect(run.stderr).toContain(p);
    expect(run.stderr).toContain("jobx: warning: all 3 Jobs: spec.activeDeadlineSeconds is not set, so one hung pod holds the Job short of its completions forever. Fix: ");
    expect(run.stderr).toContain("jobx: 3 Jobs checked: 5 warnings"); // the four pitfalls, and the note that it was read in sed form
  });

  it("a careful template (the built-in ones) gets none", () => {
    for (const args of [["job", "--items", "a,b,c"], ["batch-work", "--params", file("in.csv", "input\ns3://a\ns3://b\n")]]) {
      const run = jobx(["lint", ...args]);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr).not.toContain("jobx: warning:");
    }
  });

  it("expand prints the same warnings on stderr, after its output", () => {
    const run = jobx(["expand", DOCS_TEMPLATE, "--items", "apple,banana,cherry", "-q"]);
    expect(run.status, run.stderr).toBe(0);
    for (const p of pitfalls) expect(run.stderr).toContain(p);
  });

  it.each([
    ["lint", ["lint"]],
    ["expand", ["expand"]],
    ["expand -o json", ["expand", "-o", "json"]],
    ["apply", ["apply", "--dry-run=client"]],
  ])("--strict makes them errors: %s exits 2 with nothing on stdout", (_name, command) => {
    expectInputError(jobx([...command, DOCS_TEMPLATE, "--items", "apple,banana", "--strict"]), "--strict makes these 4 warnings errors", "all 2 Jobs: spec.ttlSecondsAfterFinished");
  });

  it("apply --strict stops before it runs kubectl at all", () => {
    const run = jobx(["apply", DOCS_TEMPLATE, "--items", "a", "--strict"], { env: { JOBX_KUBECTL: "/nonexistent/kubectl" } });
    expectInputError(run, "--strict makes these 4 warnings errors");
    expect(run.stderr).not.toContain("kubectl");
  });

  it("--strict --out-dir writes no file", () => {
    const dir = mkdtempSync(join(tmpdir(), "jobx-strict-"));
    expectInputError(jobx(["expand", DOCS_TEMPLATE, "--items", "a", "--strict", "--out-dir", join(dir, "jobs")]), "--strict");
    expect(existsSync(join(dir, "jobs")) ? readdirSync(join(dir, "jobs")) : []).toEqual([]);
  });

  it("thresholds are flags", () => {
    const herd = ["lint", "job", "--range", "item=1..60"];
    expect(jobx(herd).stderr).toContain("[herd]");
    expect(jobx([...herd, "--max-parallelism", "60"]).stderr).not.toContain("[herd]");
    expectInputError(jobx([...herd, "--max-parallelism", "lots"]), "--max-parallelism must be a whole number");
  });
});
