/**
 * Ctrl-C and SIGTERM during cluster work. The first signal stops every kubectl and asks
 * the workflow to wind down (it says what was done and how to resume); the second ends
 * jobx at once — through the caller's `onSecond`, since only src/cli/main.ts ends the process.
 */
import { EXIT, type ExitCode } from "../errors";
import type { Kubectl } from "../kube/kubectl";

export type Signal = "SIGINT" | "SIGTERM";

export interface Interrupts {
  /** Resolves at the first signal. */
  promise: Promise<void>;
  /** The first signal received, if any. */
  signal(): Signal | undefined;
}

export function exitCodeOf(signal: Signal): ExitCode {
  return signal === "SIGINT" ? EXIT.SIGINT : EXIT.SIGTERM;
}

/** No signals ever: for work that cannot be interrupted, and for tests. */
export const NO_INTERRUPTS: Interrupts = { promise: new Promise<void>(() => {}), signal: () => undefined };

/** An Interrupts that a test (or a caller) triggers itself. */
export function manualInterrupts(): Interrupts & { trigger(signal: Signal): void } {
  let received: Signal | undefined;
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return {
    promise,
    signal: () => received,
    trigger(signal) {
      if (received) return;
      received = signal;
      resolve();
    },
  };
}

/** Listens to the process's SIGINT and SIGTERM until `dispose()`. */
export function trapProcessSignals(kubectl: Kubectl, onSecond: (code: ExitCode) => void): Interrupts & { dispose(): void } {
  const interrupts = manualInterrupts();
  const handler = (signal: Signal) => {
    if (interrupts.signal()) {
      kubectl.stopAll("SIGKILL");
      onSecond(exitCodeOf(signal));
      return;
    }
    interrupts.trigger(signal);
    kubectl.stopAll("SIGTERM");
  };
  const onInt = () => handler("SIGINT");
  const onTerm = () => handler("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  return {
    promise: interrupts.promise,
    signal: interrupts.signal,
    dispose: () => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
    },
  };
}
