/** Waiting for a group: following it to its verdict while a view shows progress. */
import { InterruptedError } from "../errors";
import type { GroupRecord } from "../group/record";
import type { Verdict } from "../group/tracker";
import { ProgressView, type ProgressMode } from "../ui/progress";
import { formatWarning } from "../ui/errors";
import { followGroup } from "./follow";
import type { Session } from "./session";

export interface WaitOptions {
  timeoutMs?: number;
  failFast: boolean;
  progress: ProgressMode;
  /** What to say on Ctrl-C about the Jobs (apply --cleanup always deletes them). */
  afterInterrupt?: string;
}

/** The progress a person sees: NDJSON events, nothing, the live view on a terminal, or plain lines in logs. */
export function progressMode(options: { output?: string; quiet?: boolean }, streams: Session["streams"]): ProgressMode {
  if (options.output === "json") return "json";
  if (options.quiet) return "quiet";
  return streams.stderrIsTTY ? "live" : "plain";
}

/** Follows the group to its verdict, showing progress; throws InterruptedError on Ctrl-C / SIGTERM. */
export async function waitForGroup(session: Session, group: string, record: Pick<GroupRecord, "members">, options: WaitOptions): Promise<Verdict> {
  const view = new ProgressView(options.progress, session.streams);
  let watchWarned = false;
  let suspendedSaid = false;
  const result = await followGroup(session.cluster, group, record, {
    timeoutMs: options.timeoutMs,
    failFast: options.failFast,
    stopSignal: session.interrupts.promise,
    onChange: (tracker) => {
      view.update(tracker);
      // Say it once: a suspended group runs nothing until it is resumed, so waiting would only run into the timeout.
      const outcome = tracker.outcome(options.failFast);
      if (outcome.phase === "suspended" && !suspendedSaid) {
        suspendedSaid = true;
        view.warn(formatWarning(`group ${group} is suspended (${outcome.summary}): nothing runs until 'jobx resume ${group}'; still waiting`));
      } else if (outcome.phase !== "suspended") suspendedSaid = false;
    },
    onWatchFailure: (message) => {
      // Once: the watch is tried again and the group listed again each time, so waiting goes on.
      if (watchWarned) return;
      watchWarned = true;
      view.warn(formatWarning(`watching the group's Jobs: ${message}; listing them again and trying the watch again`));
    },
  });
  view.finish(result.tracker, result.verdict);
  const signal = session.interrupts.signal();
  if (!result.verdict || signal) {
    throw new InterruptedError(signal ?? "SIGINT", `stopped waiting for group ${group}; ${options.afterInterrupt ?? "its Jobs go on running"}`, [
      `resume:   jobx wait ${group}`,
      `clean up: jobx delete ${group}`,
    ]);
  }
  return result.verdict;
}
