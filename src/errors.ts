/**
 * The few error types jobx throws. Each carries its exit code; src/cli.ts is the only
 * place that turns them into a process exit. Anything else that escapes is a bug and
 * is reported as one (exit 70, like sysexits' EX_SOFTWARE).
 */

export const EXIT = {
  OK: 0,
  /** Something ran and failed (a Job failed, kubectl refused an object). */
  FAILED: 1,
  /** Bad usage or bad input: flags, files, templates, parameters, manifests. */
  USAGE: 2,
  /** An unexpected error: a bug in jobx. */
  INTERNAL: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT] | number;

/** Base class: a message for people and an exit code for the shell. */
export class JobxError extends Error {
  readonly exitCode: ExitCode;
  /** Extra lines shown under the message (offending lines, a list of problems). */
  readonly details: readonly string[];

  constructor(message: string, exitCode: ExitCode, details: readonly string[] = []) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.details = details;
  }
}

/** Bad flags or flag values: exit 2. */
export class UsageError extends JobxError {
  constructor(message: string, details: readonly string[] = []) {
    super(message, EXIT.USAGE, details);
  }
}

/**
 * Bad input data: parameter files and values, templates, rendered manifests. Exit 2.
 * `where` names the place (file:line, or the source and row) so the message can say it.
 */
export class InputError extends JobxError {
  readonly where: string | undefined;

  constructor(message: string, options: { where?: string; details?: readonly string[] } = {}) {
    super(options.where ? `${options.where}: ${message}` : message, EXIT.USAGE, options.details ?? []);
    this.where = options.where;
  }
}

/** Something ran and failed (kubectl refused, a Job failed): exit 1 unless given. */
export class RunError extends JobxError {
  constructor(message: string, details: readonly string[] = [], exitCode: ExitCode = EXIT.FAILED) {
    super(message, exitCode, details);
  }
}

/** Ctrl-C (SIGINT → 130) or SIGTERM (→ 143) stopped the work; the message says what was done and how to resume. */
export class InterruptedError extends JobxError {
  constructor(signal: "SIGINT" | "SIGTERM", message: string, details: readonly string[] = []) {
    super(message, signal === "SIGINT" ? 130 : 143, details);
  }
}
