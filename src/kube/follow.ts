/**
 * Following a group until the answer is known, through one watch stream of the group's
 * Jobs (never a poll per Job): a list first (so members that do not exist are known at
 * once), then `kubectl get jobs -l … -w`, which re-sends the current state and then the
 * changes. When kubectl exits or the stream breaks, the list and the watch start again:
 * kubectl has no flag to resume from a resourceVersion, and a fresh list also catches
 * anything that happened in between.
 *
 * One gap remains between jobx's list and the list kubectl makes when its watch starts:
 * a Job deleted in between (say, by its TTL) appears in neither the watch's first events
 * nor a DELETED event. So the group is listed again once the watch has sent its first
 * event (its own list is done by then), and whenever the stream has been quiet for a
 * while; members gone by then take their outcome from the Job controller's events.
 */
import { groupSelector } from "../manifest/labels";
import { GroupTracker, WAIT_EXIT, type Verdict, type WatchEvent } from "../group/tracker";
import type { GroupRecord } from "../group/record";
import { listEvents, listGroupJobs } from "./queries";
import type { EventLike } from "../group/member";
import { watchPlan, type KubeTarget } from "./plans";
import type { KubeObject } from "./results";
import { streamKubectl } from "./run";

export interface FollowOptions {
  timeoutMs?: number;
  failFast: boolean;
  /** Called after every change a person could see. */
  onChange?: (tracker: GroupTracker, event?: WatchEvent) => void;
  /** Resolves when the caller wants to stop (Ctrl-C). */
  stopSignal?: Promise<void>;
  /** Pause before restarting a watch that ended, growing with repeated ends. */
  restartDelayMs?: number;
  /** List the group again after this long without a watch event. */
  quietRelistMs?: number;
  /** Called when kubectl's watch fails (say, no permission to watch Jobs), with its message; it is started again. */
  onWatchFailure?: (message: string) => void;
}

export interface FollowResult {
  verdict: Verdict | undefined;
  tracker: GroupTracker;
  /** Watch streams started (1 when nothing broke). */
  watches: number;
  interrupted: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The pause before starting a watch again that ended by itself: growing while it keeps ending at once. */
class RestartBackoff {
  private quickEnds = 0;

  constructor(private readonly baseMs: number) {}

  /** For a watch that started at `startedAt` and has just ended. */
  next(startedAt: number): number {
    this.quickEnds = Date.now() - startedAt < 2000 ? this.quickEnds + 1 : 0;
    return Math.min(this.baseMs * 2 ** this.quickEnds, 10_000);
  }
}

/** A watch line's event, or undefined for anything else kubectl printed. */
function parseWatchLine<T>(line: string): T | undefined {
  try {
    return JSON.parse(line) as T;
  } catch {
    return undefined;
  }
}

/** Why a watch kubectl ended failed, for a warning. */
function watchFailure(result: { exitCode: number; stderr: string }): string {
  return result.stderr.trim() || `kubectl exited ${result.exitCode}`;
}

/**
 * Keeps one watch of the group's pods running until `stop()`: every event's pod goes to
 * `onPod` (each start of the watch re-sends every pod first), and a watch that ends by
 * itself is started again, with backoff; a failed one is reported to `onFailure` first.
 */
export function watchGroupPods(
  target: KubeTarget,
  group: string,
  onPod: (pod: KubeObject) => void,
  onFailure: (message: string) => void,
): { stop: () => Promise<void> } {
  let watching = true;
  let stopCurrent: (() => void) | undefined;
  const backoff = new RestartBackoff(200);
  const running = (async () => {
    while (watching) {
      const started = Date.now();
      const stream = streamKubectl(watchPlan(target, "pods", groupSelector(group)), (line) => {
        const event = parseWatchLine<{ object?: KubeObject }>(line);
        if (event?.object?.metadata) onPod(event.object);
      });
      stopCurrent = stream.stop;
      if (!watching) stream.stop();
      const result = await stream.done;
      if (!watching) break;
      if (result.exitCode !== 0) onFailure(watchFailure(result));
      await sleep(backoff.next(started));
    }
  })();
  return {
    stop: async () => {
      watching = false;
      stopCurrent?.();
      await running;
    },
  };
}

/** Follows the group's Jobs until every member of `record` has an outcome (or the timeout, or a stop). */
export async function followGroup(target: KubeTarget, group: string, record: Pick<GroupRecord, "members">, options: FollowOptions): Promise<FollowResult> {
  const tracker = new GroupTracker(record);
  const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
  let watches = 0;
  let stopped = false;
  let interrupted = false;
  let timedOut = false;
  let stopCurrent: (() => void) | undefined;
  const finish = () => {
    stopped = true;
    stopCurrent?.();
  };
  const timer =
    deadline === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          finish();
        }, Math.max(0, deadline - Date.now()));
  void options.stopSignal?.then(() => {
    interrupted = true;
    finish();
  });

  const relist = async () => {
    tracker.applyList(await listGroupJobs(target, group));
    const c = tracker.counts();
    if (c.missing + c.vanished > 0) tracker.applyEventsForMissing((await listEvents(target)) as unknown as EventLike[]);
    options.onChange?.(tracker);
    if (tracker.verdict(options.failFast)) finish();
  };
  let quietTimer: ReturnType<typeof setInterval> | undefined;
  try {
    const backoff = new RestartBackoff(options.restartDelayMs ?? 200);
    while (!stopped) {
      await relist();
      if (stopped) break;
      watches++;
      const started = Date.now();
      let lastEvent = Date.now();
      let relisted = false;
      let relisting: Promise<void> = Promise.resolve();
      const relistOnce = () => {
        relisting = relisting.then(relist).catch(() => undefined);
      };
      const stream = streamKubectl(watchPlan(target, "jobs", groupSelector(group)), (line) => {
        const event = parseWatchLine<WatchEvent>(line);
        if (!event) return; // not an event line (kubectl warnings go to stderr; be lenient)
        lastEvent = Date.now();
        if (tracker.applyEvent(event)) options.onChange?.(tracker, event);
        if (tracker.verdict(options.failFast)) finish();
        else if (!relisted) {
          relisted = true;
          relistOnce();
        }
      });
      const quietMs = options.quietRelistMs ?? 10_000;
      quietTimer = setInterval(() => {
        if (Date.now() - lastEvent >= quietMs) {
          lastEvent = Date.now();
          relistOnce();
        }
      }, Math.min(quietMs, 1000));
      stopCurrent = stream.stop;
      if (stopped) stream.stop();
      const result = await stream.done;
      if (!stopped && result.exitCode !== 0) options.onWatchFailure?.(watchFailure(result));
      clearInterval(quietTimer);
      await relisting;
      stopCurrent = undefined;
      if (stopped || tracker.verdict(options.failFast)) break;
      // The stream ended by itself: restart, backing off if it keeps ending at once.
      await sleep(backoff.next(started));
    }
  } finally {
    if (timer) clearTimeout(timer);
    if (quietTimer) clearInterval(quietTimer);
  }
  const verdict = tracker.verdict(options.failFast);
  if (verdict) return { verdict, tracker, watches, interrupted: false };
  if (timedOut) {
    const c = tracker.counts();
    return {
      verdict: { code: WAIT_EXIT.timeout, kind: "timeout", summary: `timed out with ${c.succeeded + c.failed} of ${c.total} finished` },
      tracker,
      watches,
      interrupted: false,
    };
  }
  return { verdict: undefined, tracker, watches, interrupted };
}
