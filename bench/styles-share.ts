/**
 * The share of rows that take the shape path, per style of the style benchmark: the
 * expansion run in process on the style's rows (src/manifest/expand.ts, as `jobx expand`
 * runs it), counting the rows built from their template's shape (those come with their
 * YAML written) against those parsed in full and guarded.
 *
 * Usage: tsx bench/styles-share.ts ROWS  → one JSON line: { style: { shape, full } }
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expandJobs } from "../src/manifest/expand";
import { compileTemplate } from "../src/render/template";
import { STYLES, rowObjects } from "./styles/corpus.mjs";

const rows = Number(process.argv[2] ?? "10000");
const dir = new URL("./styles/", import.meta.url).pathname;
const shares: Record<string, { shape: number; full: number }> = {};
for (const [name, style] of Object.entries(STYLES)) {
  const text = readFileSync(join(dir, style.file), "utf8");
  const objects = rowObjects(style, rows);
  const template = compileTemplate({ name: style.file, text }, { parameters: style.columns });
  const plan = { count: objects.length, keys: style.columns, empty: false, rows: () => objects };
  let shape = 0;
  let full = 0;
  for (const row of expandJobs({ template, plan, group: "bench" })) {
    if (row.yaml) shape++;
    else full++;
  }
  shares[name] = { shape, full };
}
process.stdout.write(`${JSON.stringify(shares)}\n`);
