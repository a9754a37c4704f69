/** Templates users bring, run as a user types it: the docs' sed-style job-tmpl.yaml. */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
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
