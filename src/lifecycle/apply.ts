/**
 * `jobx apply` as one workflow, for CI: submit the group, then (with --wait) follow it to
 * its verdict, write the reports, and clean up as asked. The pieces are the submit,
 * wait, report and delete workflows; this decides their order and what an interrupt or
 * a refusal means for cleanup.
 */
import { InterruptedError, JobxError } from "../errors";
import type { Verdict } from "../group/tracker";
import type { ProgressMode } from "../ui/progress";
import { deleteGroup } from "./delete";
import type { Expansion } from "./expansion";
import { writeGroupReports } from "./reports";
import type { Session } from "./session";
import { submitGroup, type SubmitOptions, type SubmitReport } from "./submit";
import { waitForGroup } from "./wait";

export interface ApplyOptions extends SubmitOptions {
  wait: boolean;
  timeoutMs?: number;
  failFast: boolean;
  progress: ProgressMode;
  /** Delete the group when the wait ends: never, on-success, always. */
  cleanup: "never" | "on-success" | "always";
  reports: readonly string[];
}

export interface ApplyResult {
  submitted: SubmitReport;
  /** With --wait, how the wait ended. */
  verdict?: Verdict;
  /** Whether --cleanup deleted the group. */
  cleanedUp: boolean;
}

export async function applyGroup(session: Session, expansion: Expansion, options: ApplyOptions): Promise<ApplyResult> {
  const { group } = expansion;
  const cleanUp = async (): Promise<boolean> => {
    await deleteGroup(session, group, { yes: true, wait: false, quiet: options.quiet, ignoreNotFound: true });
    return true;
  };
  // Ctrl-C with --cleanup always: the group is deleted, and the message says so.
  const withCleanup = async (err: unknown): Promise<never> => {
    if (options.cleanup === "always" && err instanceof JobxError && err instanceof InterruptedError) {
      await cleanUp();
      throw new InterruptedError(err.exitCode === 130 ? "SIGINT" : "SIGTERM", `${err.message.replace(/; its Jobs go on running$/, "")}; deleted group ${group} and its Jobs (--cleanup always)`);
    }
    throw err;
  };

  let submitted: SubmitReport;
  try {
    submitted = await submitGroup(session, expansion, options);
  } catch (err) {
    return withCleanup(err);
  }
  if (!options.wait || submitted.failed.size > 0 || options.dryRun) {
    const cleanedUp = options.wait && options.cleanup === "always" && !options.dryRun ? await cleanUp() : false;
    return { submitted, cleanedUp };
  }
  let verdict: Verdict;
  try {
    verdict = await waitForGroup(session, group, submitted.record, options);
  } catch (err) {
    return withCleanup(err);
  }
  // Reports read the pods, so they come before any cleanup.
  await writeGroupReports(session, group, submitted.record, options.reports, options.quiet);
  const cleanedUp = options.cleanup === "always" || (options.cleanup === "on-success" && verdict.code === 0) ? await cleanUp() : false;
  return { submitted, verdict, cleanedUp };
}
