/**
 * Templates users bring, run as a user types it: the docs' sed-style job-tmpl.yaml, and
 * what is never silently ignored.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
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
