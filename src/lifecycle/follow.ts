/**
 * Following a group until the answer is known, through one watch stream of the group's
 * Jobs (never a poll per Job): a list first (so members that do not exist are known at
 * once), then the watch, which re-sends the current state and then the changes. When
 * kubectl exits or the stream breaks, the list and the watch start again (kubectl has no
 * flag to resume from a resourceVersion), and a fresh list also catches anything that
 * happened in between.
 *
 * One gap remains between jobx's list and the list kubectl makes when its watch starts:
 * a Job deleted in between (say, by its TTL) appears in neither the watch's first events
 * nor a DELETED event. So the group is listed again once the watch has sent its first
 * event (its own list is done by then), and whenever the stream has been quiet for a
 * while; members gone by then take their outcome from the Job controller's events.
 */
import { EXIT } from "../errors";
import type { GroupRecord } from "../group/record";
import { GroupTracker, type Verdict, type WatchEvent } from "../group/tracker";
import type { Cluster, KubectlStream } from "../kube/kubectl";
import { listGroupJobs } from "../kube/queries";
import { RestartBackoff, watchEvents, watchFailure } from "../kube/watch";
import { groupSelector } from "../manifest/labels";
import { refreshTracker } from "./snapshot";

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
  /** undefined when stopped before the answer (Ctrl-C). */
  verdict: Verdict | undefined;
  tracker: GroupTracker;
  /** Watch streams started (1 when nothing broke). */
  watches: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Follows the group's Jobs until every member of `record` has an outcome (or the timeout, or a stop). */
export async function followGroup(cluster: Cluster, group: string, record: Pick<GroupRecord, "members">, options: FollowOptions): Promise<FollowResult> {
  const tracker = new GroupTracker(record);
  const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
  let watches = 0;
  let stopped = false;
  let timedOut = false;
  let current: KubectlStream | undefined;
  const finish = () => {
    stopped = true;
    current?.stop();
  };
  const timer =
    deadline === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          finish();
        }, Math.max(0, deadline - Date.now()));
  void options.stopSignal?.then(finish);

  const relist = async () => {
    await refreshTracker(cluster, tracker, await listGroupJobs(cluster, group));
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
      // A relist that fails while the watch runs is tried again at the next quiet spell.
      const relistOnce = () => {
        relisting = relisting.then(relist).catch(() => undefined);
      };
      const stream = watchEvents(cluster, "jobs", groupSelector(group), (line) => {
        if (!line.type || !line.object) return;
        const event = line as WatchEvent;
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
      current = stream;
      if (stopped) stream.stop();
      const result = await stream.done;
      if (!stopped && result.exitCode !== 0) options.onWatchFailure?.(watchFailure(result));
      clearInterval(quietTimer);
      await relisting;
      current = undefined;
      if (stopped || tracker.verdict(options.failFast)) break;
      // The stream ended by itself: restart, backing off if it keeps ending at once.
      await sleep(backoff.next(started));
    }
  } finally {
    if (timer) clearTimeout(timer);
    if (quietTimer) clearInterval(quietTimer);
  }
  const verdict = tracker.verdict(options.failFast);
  if (verdict) return { verdict, tracker, watches };
  if (timedOut) {
    const c = tracker.counts();
    return { verdict: { code: EXIT.TIMEOUT, kind: "timeout", summary: `timed out with ${c.succeeded + c.failed} of ${c.total} finished` }, tracker, watches };
  }
  return { verdict: undefined, tracker, watches };
}
