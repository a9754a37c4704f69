/** How errors look on a terminal: one line saying what and where, then the details. */
import { chalkStderr as chalk } from "chalk";
import type { JobxError } from "../errors";

export function formatError(err: JobxError): string {
  const head = `${chalk.red.bold("jobx: error:")} ${err.message}\n`;
  return head + err.details.map((line) => `  ${line}\n`).join("");
}

export function formatWarning(message: string): string {
  return `${chalk.yellow("jobx: warning:")} ${message}\n`;
}

export function formatNote(message: string): string {
  return `${chalk.dim("jobx:")} ${message}\n`;
}
