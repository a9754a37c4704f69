/**
 * `jobx timeline GROUP`: when each pod waited and ran, on one time axis, with the figures
 * that say whether cold start or the parallelism limit set the makespan. Read from the
 * pods' own timestamps each time, so it needs no history kept by jobx.
 */
import { UsageError } from "../errors";
import { buildTimeline } from "../group/timeline-model";
import type { Timeline } from "../group/timeline-types";
import { listGroupJobs, listGroupPods, noSuchGroup, readRecord } from "../kube/queries";
import type { KubeTarget } from "../kube/plans";
import { drawTimeline } from "../ui/timeline-drawing";
import { watchInterrupts } from "./signals";
import { resolveTarget, type TargetOptions } from "./target";

export interface TimelineOptions extends TargetOptions {
  width?: string;
  limit?: string;
  compact?: boolean;
  watch?: boolean;
  output?: "text" | "json";
}

/** Width when stdout is not a terminal (CI logs, files): wide enough to read, narrow enough to paste. */
const DEFAULT_WIDTH = 100;
/** --watch ends by itself after this long, so a forgotten watch does not poll a cluster for ever. */
const WATCH_LIMIT_MS = 24 * 3_600_000;
const REDRAW_MS = 1000;
/** Lines besides the pod rows (title, axis, legend, figures, hints), for choosing the compact view. */
const OTHER_LINES = 14;

function positiveInteger(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw new UsageError(`${flag} ${JSON.stringify(text)} is not a positive whole number: for example ${flag} ${flag === "--width" ? 120 : 20}`);
  return Number(text);
}

async function snapshot(target: KubeTarget, group: string): Promise<Timeline> {
  const [found, jobs, pods] = await Promise.all([readRecord(target, group), listGroupJobs(target, group), listGroupPods(target, group)]);
  if (!found) throw noSuchGroup(group, target);
  return buildTimeline({ group, record: found.record, jobs, pods, now: Date.now() });
}

/** What changed for a person: pods and outcomes, not the clock moving. */
function stateKey(t: Timeline): string {
  return JSON.stringify([t.bars.map((b) => [b.pod, b.outcome, b.started, b.finished, b.deleted, b.restarts]), t.members.map((m) => m.outcome)]);
}

export async function runTimeline(group: string, options: TimelineOptions): Promise<void> {
  const target = resolveTarget(options);
  const tty = process.stdout.isTTY === true;
  const width = positiveInteger("--width", options.width) ?? (tty ? (process.stdout.columns ?? DEFAULT_WIDTH) : DEFAULT_WIDTH);
  const limit = positiveInteger("--limit", options.limit);
  const colour = tty && !process.env.NO_COLOR;
  const draw = (t: Timeline): string => {
    // Too many rows for the terminal: the concurrency chart shows them all at once.
    const rows = t.bars.length + t.members.filter((m) => m.attempts === 0).length;
    const compact = options.compact === true || (tty && limit === undefined && rows + OTHER_LINES > (process.stdout.rows ?? Infinity));
    return drawTimeline(t, width, { colour, compact, ...(limit !== undefined ? { limit } : {}) });
  };

  if (!options.watch) {
    const t = await snapshot(target, group);
    process.stdout.write(options.output === "json" ? `${JSON.stringify(t, null, 2)}\n` : draw(t));
    return;
  }

  // --watch: redraw each second until the group finishes; Ctrl-C ends the watch (exit 0:
  // stopping a view is not a failure) and leaves the last drawing on screen.
  const interrupt = watchInterrupts();
  const deadline = Date.now() + WATCH_LIMIT_MS;
  let drawnLines = 0;
  let lastKey = "";
  let last: Timeline | undefined;
  try {
    for (;;) {
      let t: Timeline;
      try {
        t = await snapshot(target, group);
      } catch (err) {
        // The interrupt stops kubectl too; its failure then is not the user's problem.
        if (interrupt.signal()) break;
        throw err;
      }
      last = t;
      if (options.output !== "json") {
        const frame = draw(t);
        if (tty) {
          if (drawnLines > 0) process.stdout.write(`\x1b[${drawnLines}A\x1b[0J`);
          process.stdout.write(frame);
          drawnLines = frame.split("\n").length - 1;
        } else if (stateKey(t) !== lastKey || !t.running) {
          // In logs, a new drawing only when something happened, and the final one.
          process.stdout.write(`${lastKey ? "\n" : ""}${frame}`);
        }
        lastKey = stateKey(t);
      }
      if (!t.running || Date.now() >= deadline) break;
      await Promise.race([new Promise((r) => setTimeout(r, REDRAW_MS)), interrupt.promise]);
      if (interrupt.signal()) break;
    }
  } finally {
    interrupt.dispose();
  }
  if (options.output === "json" && last) process.stdout.write(`${JSON.stringify(last, null, 2)}\n`);
}
