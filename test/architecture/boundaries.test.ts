/**
 * The boundary rules of docs/DESIGN.md bite: eslint (with the project's own
 * eslint.config.js) refuses an import across each boundary, static or `import()`, and
 * lets the imports the layers are meant to make pass.
 */
import { ESLint } from "eslint";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

/** The boundary rules that fire on `code` as if it were the file at `filePath`. */
async function boundaryProblems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === "no-restricted-imports" || m.ruleId === "no-restricted-syntax" || m.ruleId === "no-restricted-globals" || m.fatal)
    .map((m) => `${m.ruleId}: ${m.message}`);
}

const uses = (from: string) => `export const used = typeof ${from};\n`;

const REFUSED: [string, string, string][] = [
  ["a command importing another command", "src/commands/zz-probe.ts", `import { runApply } from "./apply";\n${uses("runApply")}`],
  ["a command loading another command", "src/commands/zz-probe.ts", `export const load = () => import("./apply");\n`],
  ["a command calling the kube layer", "src/commands/zz-probe.ts", `import { processKubectl } from "../kube/run";\n${uses("processKubectl")}`],
  ["a command loading the kube layer", "src/commands/zz-probe.ts", `export const load = () => import("../kube/plans");\n`],
  ["a command starting kubectl itself", "src/commands/zz-probe.ts", `import { execa } from "execa";\n${uses("execa")}`],
  ["a command loading execa", "src/commands/zz-probe.ts", `export const load = () => import("execa");\n`],
  ["a command importing the CLI's entry", "src/commands/zz-probe.ts", `import { main } from "../cli/main";\n${uses("main")}`],
  ["a workflow starting processes", "src/lifecycle/zz-probe.ts", `import { spawn } from "node:child_process";\n${uses("spawn")}`],
  ["a workflow going round the session's seam", "src/lifecycle/zz-probe.ts", `import { processKubectl } from "../kube/run";\n${uses("processKubectl")}`],
  ["a workflow importing a command", "src/lifecycle/zz-probe.ts", `import { runApply } from "../commands/apply";\n${uses("runApply")}`],
  ["the adapter importing a workflow", "src/kube/zz-probe.ts", `import { applyGroup } from "../lifecycle/apply";\n${uses("applyGroup")}`],
  ["the adapter importing the terminal", "src/kube/zz-probe.ts", `import { formatError } from "../ui/errors";\n${uses("formatError")}`],
  ["kube code other than run.ts starting processes", "src/kube/zz-probe.ts", `import { execa } from "execa";\n${uses("execa")}`],
  ["the pure core reading files", "src/group/zz-probe.ts", `import { readFileSync } from "node:fs";\n${uses("readFileSync")}`],
  ["the pure core touching process", "src/manifest/zz-probe.ts", `export const cwd = process.cwd();\n`],
  ["the pure core importing an I/O layer", "src/render/zz-probe.ts", `import { OutDirSink } from "../io/output";\n${uses("OutDirSink")}`],
  ["the pure core loading the terminal", "src/report/zz-probe.ts", `export const load = () => import("../ui/errors");\n`],
  ["io starting processes", "src/io/zz-probe.ts", `export const load = () => import("node:child_process");\n`],
];

const ALLOWED: [string, string, string][] = [
  ["a command calling a workflow", "src/commands/zz-probe.ts", `import { applyGroup } from "../lifecycle/apply";\n${uses("applyGroup")}`],
  ["a command reading flags", "src/commands/zz-probe.ts", `import { durationMs } from "../cli/flags";\n${uses("durationMs")}`],
  ["a workflow using the kube adapter's plans", "src/lifecycle/zz-probe.ts", `import * as plans from "../kube/plans";\n${uses("plans")}`],
  ["the one door starting kubectl", "src/kube/run.ts", `import { execa } from "execa";\n${uses("execa")}`],
  ["the CLI loading a command", "src/cli/zz-probe.ts", `export const load = () => import("../commands/apply");\n`],
];

describe("eslint's boundary rules", () => {
  it.each(REFUSED)("refuse %s", async (_what, filePath, code) => {
    expect(await boundaryProblems(filePath, code)).not.toEqual([]);
  });

  it.each(ALLOWED)("allow %s", async (_what, filePath, code) => {
    expect(await boundaryProblems(filePath, code)).toEqual([]);
  });
});
