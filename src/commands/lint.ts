/** `jobx lint`: expand as `jobx expand` does and report the Job pitfalls; expand and apply print the same warnings. */
import { prepareExpansion, type ParamOptions } from "../lifecycle/expansion";
import { expandJobs } from "../manifest/expand";
import { formatNote, formatWarning } from "../ui/errors";

export interface LintFlags extends ParamOptions {
  quiet: boolean;
}

export async function runLint(templateArg: string, flags: LintFlags): Promise<void> {
  let warnings = 0;
  const { input } = prepareExpansion(templateArg, flags, (message) => {
    warnings++;
    process.stderr.write(formatWarning(message));
  });
  let jobs = 0;
  for (const row of expandJobs(input)) jobs += row.jobs.length;
  if (!flags.quiet) process.stderr.write(formatNote(`${jobs} Job${jobs === 1 ? "" : "s"} checked: ${warnings === 0 ? "no warnings" : `${warnings} warning${warnings === 1 ? "" : "s"}`}`));
}
