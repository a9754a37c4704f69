/**
 * `--report KIND=FILE`: which reports to write and where. Pure apart from the writer the
 * caller passes in, so commands check the specs before any work and write at the end.
 */
import type { Timeline } from "../group/timeline-types";
import { UsageError } from "../errors";
import { htmlReport } from "./html";
import { jsonReport } from "./json";
import { junitReport } from "./junit";

export const REPORT_KINDS = ["junit", "json", "html"] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export interface ReportSpec {
  kind: ReportKind;
  file: string;
}

const EXAMPLE = "--report junit=results.xml --report html=group.html";

function isKind(text: string): text is ReportKind {
  return (REPORT_KINDS as readonly string[]).includes(text);
}

/** Checks every spec; throws a UsageError naming the spec and the fix. */
export function parseReportSpecs(specs: readonly string[]): ReportSpec[] {
  const parsed: ReportSpec[] = [];
  const byFile = new Map<string, string>();
  for (const spec of specs) {
    const eq = spec.indexOf("=");
    if (eq < 0) throw new UsageError(`--report ${JSON.stringify(spec)}: expected KIND=FILE with KIND one of ${REPORT_KINDS.join(", ")}, e.g. ${EXAMPLE}`);
    const kind = spec.slice(0, eq).trim().toLowerCase();
    const file = spec.slice(eq + 1);
    if (!isKind(kind)) throw new UsageError(`--report ${JSON.stringify(spec)}: unknown report kind ${JSON.stringify(spec.slice(0, eq))}; use one of ${REPORT_KINDS.join(", ")}, e.g. ${EXAMPLE}`);
    if (file.trim() === "") throw new UsageError(`--report ${JSON.stringify(spec)}: the file name is missing; write ${kind}=FILE, e.g. --report ${kind}=${kind === "junit" ? "results.xml" : `group.${kind}`}`);
    const earlier = byFile.get(file);
    if (earlier !== undefined) throw new UsageError(`--report ${JSON.stringify(spec)}: ${JSON.stringify(file)} is already the file of --report ${JSON.stringify(earlier)}; give each report its own file`);
    byFile.set(file, spec);
    parsed.push({ kind, file });
  }
  return parsed;
}

/** Where the group ran, for the reports' headers. */
export interface ReportPlace {
  context: string;
  namespace: string;
}

/** The text of one report. */
export function reportText(kind: ReportKind, timeline: Timeline, logTails: Record<string, string> = {}, where?: ReportPlace): string {
  switch (kind) {
    case "junit":
      return junitReport(timeline, { logTails });
    case "json":
      return `${JSON.stringify(jsonReport(timeline), null, 2)}\n`;
    case "html":
      return htmlReport(timeline, { logTails, ...(where ? { where } : {}) });
  }
}

/** Writes each requested report through `writeFile`, after checking all specs. */
export function writeReports(specs: readonly string[], timeline: Timeline, logTails: Record<string, string>, writeFile: (path: string, text: string) => void, where?: ReportPlace): void {
  const parsed = parseReportSpecs(specs);
  for (const { kind, file } of parsed) writeFile(file, reportText(kind, timeline, logTails, where));
}

export { htmlReport } from "./html";
export { jsonReport, type JsonReport } from "./json";
export { junitReport } from "./junit";
