/**
 * The README's own examples run as written, from the project's folder: every `jobx …`
 * line in its shell blocks (the cluster ones against the test cluster), each `$ jobx …`
 * example with the output it shows, and the timeline drawing it shows.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildTimeline } from "../../src/group/timeline-model";
import { drawTimeline } from "../../src/ui/timeline-drawing";
import { ROOT } from "../cli/run";
import { wavesInput } from "../group/timeline-fixtures";
import { jobxAsync, tempDir, useCluster } from "./helpers";

const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** The code blocks of the README, with their lines (backslash continuations joined). */
function blocks(): string[][] {
  const out: string[][] = [];
  for (const match of README.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)) out.push((match[1] ?? "").replace(/\\\n\s*/g, "").split("\n"));
  return out;
}

/** Shell words, with '…' and "…" quoting inside a word (enough for the README's lines). */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/(?:'[^']*'|"[^"]*"|[^\s'"]+)+/g)) out.push(m[0].replace(/'([^']*)'|"([^"]*)"/g, (_q, a?: string, b?: string) => a ?? b ?? ""));
  return out;
}

/** Usage lines and placeholders (`jobx wait GROUP`, `[TEMPLATE]`) describe, they do not run. */
const isExample = (args: string[]) => !args.some((a) => /^\[|^[A-Z]{2,}$|^<|…/.test(a)) && !/[|#]/.test(args.join(" "));

const commands = blocks().flatMap((lines) => lines.filter((l) => /^(npx )?jobx /.test(l)).map((l) => words(l.replace(/^npx /, "")).slice(1)).filter(isExample));

describe("the README's examples", () => {
  const clusterOf = useCluster();

  it("has examples to run, and every file they name is in examples/", () => {
    expect(commands.length).toBeGreaterThanOrEqual(5);
    for (const args of commands) for (const a of args) if (/examples\//.test(a)) expect(() => readFileSync(join(ROOT, a.replace(/^.*=/, "")))).not.toThrow();
  });

  it.each(commands.map((args) => [args.join(" "), args] as const))("jobx %s", async (_line, args) => {
    const dir = tempDir();
    // Reports the README writes go to a scratch folder, not into the project.
    // So do the manifests of --out-dir: a folder in the project would fill up with them.
    const fixed = args.map((a, i) => (args[i - 1] === "--out-dir" ? join(dir, a) : a.replace(/^(junit|html|json)=(?!\/)/, `$1=${dir}/`)));
    const run = await jobxAsync(clusterOf(), fixed, { timeoutMs: 120_000 });
    expect(run.status, run.stderr).toBe(0);
  }, 130_000);

  it("the values-are-data example stops with the error it shows", async () => {
    const [line, shown] = README.split("\n").reduce<string[]>((found, l, i, all) => (l.startsWith("$ jobx expand examples/job.yaml.njk") ? [l, all[i + 1] ?? ""] : found), []);
    expect(line).toBeDefined();
    const run = await jobxAsync(clusterOf(), words((line ?? "").slice(2)).slice(1));
    expect(run.status).toBe(2);
    // The README elides the field path with "…"; every piece around it is printed as shown.
    for (const piece of (shown ?? "").split("(…)")) expect(run.stderr).toContain(piece.trim());
  });

  it("the timeline it shows is what jobx draws for that group", () => {
    const block = blocks().find((lines) => lines[0]?.startsWith("$ jobx timeline pi"));
    expect(block).toBeDefined();
    const drawn = drawTimeline(buildTimeline(wavesInput()), 88, { colour: false, limit: 8 });
    expect(block?.slice(1).join("\n").trimEnd()).toBe(drawn.trimEnd());
  });
});
