import { InputError } from "../../src/errors";
import { expandJobs } from "../../src/manifest/expand";
import type { JobObject } from "../../src/manifest/job";
import type { Row, RowPlan } from "../../src/params/types";
import { compileTemplate } from "../../src/render/template";

/** A plan over literal rows, so manifest tests do not depend on how params are parsed. */
export function planOf(rows: Row[]): RowPlan {
  return { count: rows.length, keys: [...new Set(rows.flatMap((r) => Object.keys(r)))], empty: false, rows: () => rows };
}

export const ONCE: RowPlan = { count: 1, keys: [], empty: true, rows: () => [{}] };

export function expand(text: string, rows: Row[] | RowPlan, group = "g", warnings: string[] = []): JobObject[] {
  const plan = Array.isArray(rows) ? planOf(rows) : rows;
  const template = compileTemplate({ name: "t.yaml.njk", text });
  return [...expandJobs({ template, plan, group, onWarning: (m) => warnings.push(m) })].flatMap((r) => r.jobs);
}

/** The InputError `run` throws, with its details joined under the message. */
export function inputErrorOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return [err.message, ...err.details].join("\n");
  }
  throw new Error("expected an InputError");
}

/** A minimal valid Job template; `extra` lands under the container. */
export function jobTemplate({ name = "j-{{ item }}", container = "", spec = "", restart = "Never" } = {}): string {
  return [
    "apiVersion: batch/v1",
    "kind: Job",
    "metadata:",
    ...(name ? [`  name: ${name}`] : []),
    "spec:",
    ...(spec ? [spec] : []),
    "  template:",
    "    spec:",
    ...(restart ? [`      restartPolicy: ${restart}`] : []),
    "      containers:",
    "      - name: c",
    "        image: busybox",
    ...(container ? [container] : []),
  ].join("\n");
}
