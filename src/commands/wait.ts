/** `jobx wait GROUP` and the waiting part of `jobx apply --wait`. */
import { RunError, UsageError, InterruptedError } from "../errors";
import { parseDuration } from "../group/duration";
import type { Verdict } from "../group/tracker";
import { followGroup } from "../kube/follow";
import { noSuchGroup, readRecord } from "../kube/queries";
import type { GroupRecord } from "../group/record";
import type { KubeTarget } from "../kube/plans";
import { ProgressView, type ProgressMode } from "../ui/progress";
import { formatNote, formatWarning } from "../ui/errors";
import { watchInterrupts } from "./signals";
import { verifyReportSpecs, writeGroupReports } from "./reports";
import { resolveTarget, type TargetOptions } from "./target";

export interface WaitOptions extends TargetOptions {
  report?: string[];
  timeout?: string;
  failFast: boolean;
  output?: "text" | "json";
  quiet?: boolean;
}

export function timeoutMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined) throw new UsageError(`--timeout ${JSON.stringify(text)} is not a duration: use kubectl's form, like 90s, 5m or 1h30m`);
  return ms;
}

export function progressMode(options: { output?: string; quiet?: boolean }): ProgressMode {
  if (options.output === "json") return "json";
  if (options.quiet) return "quiet";
  return process.stderr.isTTY ? "live" : "plain";
}

/** Follows the group to its verdict, showing progress; throws on interrupt. */
export async function waitForGroup(target: KubeTarget, group: string, record: GroupRecord, options: WaitOptions): Promise<Verdict> {
  const view = new ProgressView(progressMode(options));
  const interrupt = watchInterrupts();
  let watchWarned = false;
  try {
    const result = await followGroup(target, group, record, {
      timeoutMs: timeoutMs(options.timeout),
      failFast: options.failFast,
      onChange: (tracker) => view.update(tracker),
      stopSignal: interrupt.promise,
      onWatchFailure: (message) => {
        // Once: the watch is tried again and the group listed again each time, so waiting goes on.
        if (watchWarned) return;
        watchWarned = true;
        view.warn(formatWarning(`watching the group's Jobs: ${message}; listing them again and trying the watch again`));
      },
    });
    view.finish(result.tracker, result.verdict);
    const signal = interrupt.signal();
    if (!result.verdict || signal) {
      throw new InterruptedError(signal ?? "SIGINT", `stopped waiting for group ${group}; its Jobs go on running`, [
        `resume:   jobx wait ${group}`,
        `clean up: jobx delete ${group}`,
      ]);
    }
    return result.verdict;
  } finally {
    interrupt.dispose();
  }
}

export async function runWait(group: string, options: WaitOptions): Promise<void> {
  verifyReportSpecs(options.report);
  const target = resolveTarget(options);
  const found = await readRecord(target, group);
  if (!found) throw noSuchGroup(group, target);
  const verdict = await waitForGroup(target, group, found.record, options);
  await writeGroupReports(target, group, found.record, options.report, options.quiet);
  if (verdict.code !== 0) throw new RunError(`group ${group}: ${verdict.summary}`, [], verdict.code);
  if (options.output !== "json") process.stderr.write(formatNote(`group ${group}: ${verdict.summary}`));
}
