/** What `--strict` makes of warnings: errors, all listed at once. */
import { InputError } from "../errors";


/** Under --strict: any warning is an input error (exit 2), listing every one. */
export function verifyNoWarnings(warnings: readonly string[]): void {
  if (warnings.length === 0) return;
  throw new InputError(
    `--strict makes ${warnings.length === 1 ? "this warning an error" : `these ${warnings.length} warnings errors`}; fix ${warnings.length === 1 ? "it" : "them"}, or drop --strict:`,
    { details: warnings.map((w) => `- ${w}`) },
  );
}
