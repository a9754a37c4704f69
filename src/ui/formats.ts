/**
 * Machine-readable output, as kubectl gives it: `-o json`, `-o yaml`, `-o name`. Every
 * time in it is an RFC 3339 string (as the API server writes them), never epoch
 * milliseconds, whichever command prints it.
 */
import type { Timeline } from "../group/timeline-types";
import { emitYaml } from "../manifest/emit";

export type DataFormat = "json" | "yaml";

export function formatData(format: DataFormat, value: unknown): string {
  return format === "json" ? `${JSON.stringify(value, null, 2)}\n` : emitYaml(value);
}

/** `-o name`: `job.batch/<name>`, one per line. */
export function jobNamesText(names: readonly string[]): string {
  return names.map((n) => `job.batch/${n}\n`).join("");
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/** The timeline as data: its times as RFC 3339 strings. */
export function timelineData(t: Timeline): Record<string, unknown> {
  return {
    group: t.group,
    from: iso(t.from),
    to: iso(t.to),
    running: t.running,
    members: t.members.map((m) => ({ ...m, startTime: iso(m.startTime), finishTime: iso(m.finishTime) })),
    bars: t.bars.map((b) => ({ ...b, created: iso(b.created), started: iso(b.started), finished: iso(b.finished), deleted: iso(b.deleted) })),
    figures: t.figures,
    concurrency: t.concurrency.map((c) => ({ ...c, at: iso(c.at) })),
  };
}
