/**
 * A group's timeline, read from the pods' own timestamps each time (so it needs no
 * history kept by jobx), once or — while the group runs — again every second.
 */
import { buildTimeline } from "../group/timeline-model";
import type { Timeline } from "../group/timeline-types";
import { listGroupJobs, listGroupPods } from "../kube/queries";
import { findGroup } from "./snapshot";
import type { Session } from "./session";

/** --watch ends by itself after this long, so a forgotten watch does not poll a cluster for ever. */
const WATCH_LIMIT_MS = 24 * 3_600_000;
const REDRAW_MS = 1000;

export async function snapshotTimeline(session: Session, group: string): Promise<Timeline> {
  const { cluster } = session;
  const [{ record }, jobs, pods] = await Promise.all([findGroup(cluster, group), listGroupJobs(cluster, group), listGroupPods(cluster, group)]);
  return buildTimeline({ group, record, jobs, pods, now: session.now() });
}

/**
 * Calls onFrame with a fresh timeline every second until the group finishes, Ctrl-C
 * (which ends the watch quietly: stopping a view is not a failure) or the watch limit.
 * Returns the last timeline.
 */
export async function watchTimeline(session: Session, group: string, onFrame: (timeline: Timeline) => void): Promise<Timeline | undefined> {
  const deadline = session.now() + WATCH_LIMIT_MS;
  let last: Timeline | undefined;
  for (;;) {
    try {
      last = await snapshotTimeline(session, group);
    } catch (err) {
      // The interrupt stops kubectl too; its failure then is not the user's problem.
      if (session.interrupts.signal()) break;
      throw err;
    }
    onFrame(last);
    if (!last.running || session.now() >= deadline) break;
    await Promise.race([new Promise((r) => setTimeout(r, REDRAW_MS)), session.interrupts.promise]);
    if (session.interrupts.signal()) break;
  }
  return last;
}
