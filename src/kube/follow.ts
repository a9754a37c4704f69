/**
 * Following a group until the answer is known, through one watch stream of the group's
 * Jobs (never a poll per Job): a list first (so members that do not exist are known at
 * once), then `kubectl get jobs -l … -w`, which re-sends the current state and then the
 * changes. When kubectl exits or the stream breaks, the list and the watch start again:
 * kubectl has no flag to resume from a resourceVersion, and a fresh list also catches
 * anything that happened in between.
 */
import { groupSelector } from "../manifest/labels";
import { GroupTracker, WAIT_EXIT, type Verdict, type WatchEvent } from "../group/tracker";
import type { GroupRecord } from "../group/record";
import { listGroupJobs } from "./group";
import { watchPlan, type KubeTarget } from "./plans";
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
}

export interface FollowResult {
  verdict: Verdict | undefined;
  tracker: GroupTracker;
  /** Watch streams started (1 when nothing broke). */
  watches: number;
  interrupted: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function followGroup(target: KubeTarget, group: string, record: GroupRecord, options: FollowOptions): Promise<FollowResult> {
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
  const timer = deadline === undefined ? undefined : setTimeout(() => ((timedOut = true), finish()), Math.max(0, deadline - Date.now()));
  void options.stopSignal?.then(() => ((interrupted = true), finish()));

  try {
    let quickEnds = 0;
    while (!stopped) {
      tracker.applyList(await listGroupJobs(target, group));
      options.onChange?.(tracker);
      if (tracker.verdict(options.failFast) || stopped) break;
      watches++;
      const started = Date.now();
      const stream = streamKubectl(watchPlan(target, "jobs", groupSelector(group)), (line) => {
        let event: WatchEvent;
        try {
          event = JSON.parse(line) as WatchEvent;
        } catch {
          return; // not an event line (kubectl warnings go to stderr; be lenient)
        }
        if (tracker.applyEvent(event)) options.onChange?.(tracker, event);
        if (tracker.verdict(options.failFast)) finish();
      });
      stopCurrent = stream.stop;
      if (stopped) stream.stop();
      await stream.done;
      stopCurrent = undefined;
      if (stopped || tracker.verdict(options.failFast)) break;
      // The stream ended by itself: restart, backing off if it keeps ending at once.
      quickEnds = Date.now() - started < 2000 ? quickEnds + 1 : 0;
      await sleep(Math.min((options.restartDelayMs ?? 200) * 2 ** quickEnds, 10_000));
    }
  } finally {
    if (timer) clearTimeout(timer);
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
