/**
 * `jobx timeline GROUP`: when each pod waited and ran, on one time axis, with the figures
 * that say whether cold start or the parallelism limit set the makespan.
 */
import { positiveInteger } from "../cli/flags";
import type { Timeline } from "../group/timeline-types";
import { processSession, type CommandContext } from "../lifecycle/session";
import { resolveTarget, type TargetOptions } from "../lifecycle/target";
import { snapshotTimeline, watchTimeline } from "../lifecycle/timeline";
import { formatData, timelineData } from "../ui/formats";
import { drawTimeline } from "../ui/timeline-drawing";

export interface TimelineFlags extends TargetOptions {
  width?: string;
  limit?: string;
  compact?: boolean;
  watch?: boolean;
  output?: "text" | "json" | "yaml";
}

/** Width when stdout is not a terminal (CI logs, files): wide enough to read, narrow enough to paste. */
const DEFAULT_WIDTH = 100;
/** Lines besides the pod rows (title, axis, legend, figures, hints), for choosing the compact view. */
const OTHER_LINES = 14;

/** What changed for a person: pods and outcomes, not the clock moving. */
function stateKey(t: Timeline): string {
  return JSON.stringify([t.bars.map((b) => [b.pod, b.outcome, b.started, b.finished, b.deleted, b.restarts]), t.members.map((m) => m.outcome)]);
}

export async function runTimeline(group: string, flags: TimelineFlags, context: CommandContext): Promise<void> {
  const width0 = positiveInteger("--width", flags.width, 120);
  const limit = positiveInteger("--limit", flags.limit);
  const session = processSession(resolveTarget(flags, context.env), context);
  const { streams } = session;
  const tty = streams.stdoutIsTTY;
  const width = width0 ?? (tty ? (streams.columns ?? DEFAULT_WIDTH) : DEFAULT_WIDTH);
  const colour = tty && streams.colour;
  const draw = (t: Timeline): string => {
    // Too many rows for the terminal: the concurrency chart shows them all at once.
    const rows = t.bars.length + t.members.filter((m) => m.pods === 0).length;
    const compact = flags.compact === true || (tty && limit === undefined && rows + OTHER_LINES > (streams.rows ?? Infinity));
    return drawTimeline(t, width, { colour, compact, ...(limit !== undefined ? { limit } : {}) });
  };

  if (!flags.watch) {
    const t = await snapshotTimeline(session, group);
    streams.stdout.write(flags.output === "json" || flags.output === "yaml" ? formatData(flags.output, timelineData(t)) : draw(t));
    return;
  }
  // --watch: redraw in place on a terminal; in logs, a new drawing only when something happened, and the final one.
  let drawnLines = 0;
  let lastKey = "";
  const last = await watchTimeline(session, group, (t) => {
    if (flags.output === "json" || flags.output === "yaml") return;
    const frame = draw(t);
    if (tty) {
      if (drawnLines > 0) streams.stdout.write(`\x1b[${drawnLines}A\x1b[0J`);
      streams.stdout.write(frame);
      drawnLines = frame.split("\n").length - 1;
    } else if (stateKey(t) !== lastKey || !t.running) {
      streams.stdout.write(`${lastKey ? "\n" : ""}${frame}`);
    }
    lastKey = stateKey(t);
  });
  if ((flags.output === "json" || flags.output === "yaml") && last) streams.stdout.write(formatData(flags.output, timelineData(last)));
}
