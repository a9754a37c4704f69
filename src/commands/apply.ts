/** `jobx apply`: flags → options, then the apply workflow, then what it did and the exit code. */
import { RunError, UsageError } from "../errors";
import { durationMs, dryRunMode, packOptions, positiveInteger } from "../cli/flags";
import { applyGroup } from "../lifecycle/apply";
import { clientDryRun } from "../lifecycle/dry-run";
import { prepareExpansion, type ParamOptions } from "../lifecycle/expansion";
import { verifyReportTargets } from "../lifecycle/reports";
import { note, processSession, warn, type CommandContext } from "../lifecycle/session";
import { resolveTarget, type TargetOptions } from "../lifecycle/target";
import { progressMode } from "../lifecycle/wait";
import { counted } from "../text/plural";
import { formatData, jobNamesText } from "../ui/formats";

export interface ApplyFlags extends ParamOptions, TargetOptions {
  dryRun?: string;
  showPlan: boolean;
  wait: boolean;
  timeout?: string;
  failFast: boolean;
  cleanup: "never" | "on-success" | "always";
  replace: boolean;
  adopt: boolean;
  prune: boolean;
  yes: boolean;
  output?: "text" | "json" | "yaml" | "name";
  quiet: boolean;
  batchSize: string;
  report: string[];
  pack: boolean;
  parallelism?: string;
  perPod?: string;
}

export async function runApply(templateArg: string, flags: ApplyFlags, context: CommandContext): Promise<void> {
  const dryRun = dryRunMode(flags.dryRun);
  if (dryRun && flags.wait) throw new UsageError("--dry-run creates nothing to wait for; drop --wait");
  if (!flags.wait && flags.cleanup !== "never") throw new UsageError("--cleanup acts when the wait ends: add --wait");
  if (flags.report.length && !flags.wait) throw new UsageError("--report describes how the group ended: add --wait (or run jobx status GROUP --report … later)");
  if (flags.showPlan && dryRun !== "client") throw new UsageError("--show-plan goes with --dry-run=client");
  const batchSize = positiveInteger("--batch-size", flags.batchSize, 100) as number;
  const pack = packOptions(flags);
  // Bad --timeout or --report values are refused before anything is created.
  const timeoutMs = durationMs("--timeout", flags.timeout);
  verifyReportTargets(flags.report);

  const session = processSession(resolveTarget(flags, context.env), context);
  const expansion = prepareExpansion(templateArg, flags, (message) => warn(session, message));
  if (dryRun === "client") return clientDryRun(session, expansion, { batchSize, showPlan: flags.showPlan, pack });

  const say = (message: string) => !flags.quiet && note(session, message);
  const result = await applyGroup(session, expansion, {
    batchSize,
    dryRun: dryRun === "server" ? "server" : undefined,
    replace: flags.replace,
    adopt: flags.adopt,
    prune: flags.prune,
    yes: flags.yes,
    quiet: flags.quiet,
    wait: flags.wait,
    timeoutMs,
    failFast: flags.failFast,
    progress: progressMode(flags, session.streams),
    cleanup: flags.cleanup,
    reports: flags.report,
    pack,
  });
  const { submitted, verdict } = result;
  const group = expansion.group;
  // What was submitted, as kubectl's apply prints it (with --wait, -o json is the progress events instead).
  if (flags.output === "name") session.streams.stdout.write(jobNamesText(submitted.objects.filter((o) => o.kind === "Job").map((o) => o.metadata.name)));
  if (flags.output === "yaml" || (flags.output === "json" && !flags.wait)) session.streams.stdout.write(formatData(flags.output, { apiVersion: "v1", kind: "List", items: submitted.objects }));
  if (submitted.failed.size > 0) {
    const hint =
      submitted.immutable.length > 0 && !flags.replace
        ? [
            `${counted(submitted.immutable.length, "Job")} of the group already ${submitted.immutable.length === 1 ? "exists" : "exist"} with a different template; a Job's template cannot change once created.`,
            "Re-run with --replace to delete and re-create just those Jobs (asks first; --yes to skip), or use a new --group.",
          ]
        : [];
    throw new RunError(`${submitted.failed.size} of ${counted(submitted.total, "Job")} of group ${group} ${submitted.failed.size === 1 ? "was" : "were"} not ${dryRun ? "accepted" : "submitted"}`, [
      ...hint,
      ...(result.cleanedUp ? [`deleted group ${group} (--cleanup always)`] : []),
    ]);
  }
  if (!verdict) return;
  if (verdict.code !== 0) throw new RunError(`group ${group}: ${verdict.summary}`, result.cleanedUp ? [`deleted group ${group} (--cleanup ${flags.cleanup})`] : []);
  if (flags.output !== "json") say(`group ${group}: ${verdict.summary}`);
}
