/**
 * Ctrl-C and SIGTERM during long work: the first asks the command to stop launching work
 * and wind down (it prints what was done and how to resume); a second exits at once.
 */
import { killAll } from "../kube/run";

export interface Interrupt {
  /** Resolves at the first signal. */
  promise: Promise<void>;
  signal(): "SIGINT" | "SIGTERM" | undefined;
  dispose(): void;
}

export function watchInterrupts(): Interrupt {
  let received: "SIGINT" | "SIGTERM" | undefined;
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  const handler = (sig: "SIGINT" | "SIGTERM") => {
    if (received) {
      killAll("SIGKILL");
      process.exit(sig === "SIGINT" ? 130 : 143);
    }
    received = sig;
    killAll("SIGTERM");
    resolve();
  };
  const onInt = () => handler("SIGINT");
  const onTerm = () => handler("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  return {
    promise,
    signal: () => received,
    dispose: () => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
    },
  };
}
