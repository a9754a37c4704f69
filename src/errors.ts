/**
 * jobx's exit codes, in one table, and the error types that carry them. src/cli/main.ts
 * is the only place that ends the process with one; everything else throws or returns.
 * Anything that escapes without a code is a bug and is reported as one (70, sysexits'
 * EX_SOFTWARE).
 */

export const EXIT = {
  OK: 0,
  /** A member of the group failed, or the cluster refused members (invalid, over quota). */
  FAILED: 1,
  /** Bad usage or input: flags, files, templates, parameters, manifests. */
  USAGE: 2,
  /** `--timeout` passed before the group finished. */
  TIMEOUT: 3,
  /** Members were deleted, or never created, and left no outcome. */
  VANISHED: 4,
  /** jobx could not reach or operate the cluster: kubectl failed, the API server refused or was away, even after retries. */
  CLUSTER: 5,
  /** No such group in the namespace. */
  NOT_FOUND: 6,
  /** Something in the way is not the group's (another group's Job, a user's ConfigMap): nothing was changed. */
  CONFLICT: 7,
  /** A bug in jobx. */
  INTERNAL: 70,
  /** Ctrl-C. */
  SIGINT: 130,
  /** The reader of stdout went away (`jobx expand … | head`). */
  SIGPIPE: 141,
  /** SIGTERM. */
  SIGTERM: 143,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What each code means, for --help and the README (a test keeps them in step). */
export const EXIT_MEANINGS: readonly (readonly [ExitCode, string])[] = [
  [EXIT.OK, "done: expanded, submitted, and with --wait every member succeeded"],
  [EXIT.FAILED, "a member failed, or the cluster refused some of the group's Jobs (invalid, over quota)"],
  [EXIT.USAGE, "bad usage or input; nothing was sent"],
  [EXIT.TIMEOUT, "--timeout passed before the group finished"],
  [EXIT.VANISHED, "members were deleted, or never created, and left no outcome"],
  [EXIT.CLUSTER, "jobx could not reach or operate the cluster (kubectl or the API server failed, after retries)"],
  [EXIT.NOT_FOUND, "no such group"],
  [EXIT.CONFLICT, "an object in the way is not the group's; nothing was changed"],
  [EXIT.INTERNAL, "a bug in jobx"],
  [EXIT.SIGINT, "interrupted (Ctrl-C); 143: terminated (SIGTERM)"],
];

/** The exit-code lines of a command's --help, for the codes it can end with. */
export function exitCodeHelp(codes: readonly ExitCode[]): string {
  const lines = EXIT_MEANINGS.filter(([code]) => codes.includes(code)).map(([code, meaning]) => `  ${String(code).padEnd(4)} ${meaning}`);
  return `Exit codes:\n${lines.join("\n")}`;
}

/** Base class: a message for people and an exit code for the shell. */
export class JobxError extends Error {
  readonly exitCode: ExitCode;
  /** Extra lines shown under the message (offending lines, a list of problems, what to do next). */
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

/** The group's work failed: members failed, or the cluster refused members. Exit 1 unless given (3 timeout, 4 vanished). */
export class RunError extends JobxError {
  constructor(message: string, details: readonly string[] = [], exitCode: ExitCode = EXIT.FAILED) {
    super(message, exitCode, details);
  }
}

/** jobx could not reach or operate the cluster (exit 5): never reported as a member's failure. */
export class ClusterError extends JobxError {
  constructor(message: string, details: readonly string[] = []) {
    super(message, EXIT.CLUSTER, details);
  }
}

/** No such group (exit 6). */
export class NotFoundError extends JobxError {
  constructor(message: string, details: readonly string[] = []) {
    super(message, EXIT.NOT_FOUND, details);
  }
}

/** Objects in the way that are not the group's (exit 7); the message names them, their owner and the fix. */
export class ConflictError extends JobxError {
  constructor(message: string, details: readonly string[] = []) {
    super(message, EXIT.CONFLICT, details);
  }
}

/** Ctrl-C (SIGINT → 130) or SIGTERM (→ 143) stopped the work; the message says what was done and how to resume. */
export class InterruptedError extends JobxError {
  constructor(signal: "SIGINT" | "SIGTERM", message: string, details: readonly string[] = []) {
    super(message, signal === "SIGINT" ? EXIT.SIGINT : EXIT.SIGTERM, details);
  }
}
