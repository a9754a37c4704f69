/**
 * The entry point: runs the command line and ends the process. This is the only place
 * that turns errors into exit codes (from the one table in errors.ts) and the only place
 * that ends the process.
 */
import { CommanderError } from "commander";
import { EXIT, InterruptedError, JobxError, type ExitCode } from "../errors";
import { trapProcessSignals, type Signal } from "../lifecycle/interrupts";
import type { CommandContext } from "../lifecycle/session";
import { buildProgram } from "./program";

/** Writes an error for people on stderr and returns the exit code to use. */
async function report(err: unknown): Promise<ExitCode> {
  if (err instanceof JobxError) {
    const { formatError } = await import("../ui/errors");
    process.stderr.write(formatError(err));
    return err.exitCode;
  }
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`jobx: internal error (a bug in jobx; please report it with the command you ran):\n${message}\n`);
  return EXIT.INTERNAL;
}

/**
 * A reader that goes away (`jobx expand … | head`) closes the pipe: stop quietly with
 * 141, the status of a process ended by SIGPIPE, as other Unix tools do.
 */
function exitOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(EXIT.SIGPIPE);
    throw err;
  });
}

export async function main(argv: string[]): Promise<ExitCode> {
  exitOnClosedPipe(process.stdout);
  const disposers: (() => void)[] = [];
  const signals: (() => Signal | undefined)[] = [];
  // Cluster commands get kubectl and the signals; the second Ctrl-C ends jobx at once.
  // kubectl's runner is loaded only then: loading the process library behind it was a
  // quarter of `expand`'s start-up (60 of 240 ms), paid on every run that needs no cluster.
  const context = async (): Promise<CommandContext> => {
    const { processKubectl } = await import("../kube/run");
    const kubectl = processKubectl();
    const traps = trapProcessSignals(kubectl, (code) => process.exit(code));
    disposers.push(traps.dispose);
    signals.push(traps.signal);
    return { kubectl, interrupts: traps, env: process.env };
  };
  const program = buildProgram(context);
  program.exitOverride();
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync(argv);
    return EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed its message (or the help / version text).
      return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    // A signal stops kubectl, which then fails: that is the interrupt, not a cluster error.
    const signal = signals.map((s) => s()).find(Boolean);
    if (signal && !(err instanceof InterruptedError)) {
      return report(new InterruptedError(signal, `interrupted (${signal}) before jobx finished`, err instanceof JobxError ? [err.message] : []));
    }
    return report(err);
  } finally {
    for (const dispose of disposers) dispose();
  }
}

process.exitCode = await main(process.argv);
