/**
 * What every workflow is given: the cluster (a kubectl seam and where it points), the
 * streams it writes to, the interrupts it must heed, and how to ask a person. Workflows
 * never read `process` themselves, so tests run them with scripted kubectl results and
 * captured output.
 */
import { userInfo } from "node:os";
import { createInterface } from "node:readline/promises";
import { UsageError } from "../errors";
import type { Cluster, Kubectl } from "../kube/kubectl";
import { RETRY, type RetryPolicy } from "../kube/retry";
import type { KubeTarget } from "../kube/plans";
import { formatNote, formatWarning } from "../ui/errors";
import type { Interrupts } from "./interrupts";

export interface Writer {
  write(text: string): unknown;
}

export interface Streams {
  /** Data: manifests, tables, JSON. */
  stdout: Writer;
  /** Messages and progress for people. */
  stderr: Writer;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  stdinIsTTY: boolean;
  /** The terminal's size, when there is one. */
  columns?: number;
  rows?: number;
  /** Whether colour may be used (a terminal, and NO_COLOR unset). */
  colour: boolean;
}

export interface Session {
  cluster: Cluster;
  streams: Streams;
  interrupts: Interrupts;
  /** Asks a yes/no question on the terminal; false when there is none. */
  confirm(question: string): Promise<boolean>;
  /** Who is applying, for the group record. */
  user: string;
  now(): number;
}

export function note(session: Pick<Session, "streams">, message: string): void {
  session.streams.stderr.write(formatNote(message));
}

export function warn(session: Pick<Session, "streams">, message: string): void {
  session.streams.stderr.write(formatWarning(message));
}

function whoAmI(env: NodeJS.ProcessEnv): string {
  if (env.USER) return env.USER;
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}

async function askOnTerminal(question: string): Promise<boolean> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** What src/cli.ts gives a cluster command: the kubectl it runs, the process's signals, its environment. */
export interface CommandContext {
  kubectl: Kubectl;
  interrupts: Interrupts;
  env: NodeJS.ProcessEnv;
}

/** JOBX_RETRIES: tries for a transient failure (1 = no retries); the default is RETRY.attempts. */
export function retryAttempts(env: Record<string, string | undefined>): number {
  const text = env.JOBX_RETRIES;
  if (text === undefined || text === "") return RETRY.attempts;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`JOBX_RETRIES=${JSON.stringify(text)} is not a positive whole number: for example JOBX_RETRIES=3 (1 turns retries off)`);
  return Number(text);
}

/** The session of a jobx process: its stdio, its environment and its signals. */
export function processSession(target: KubeTarget, { kubectl, interrupts, env }: CommandContext): Session {
  const retry: RetryPolicy = {
    ...RETRY,
    attempts: retryAttempts(env),
    // Waits end early on Ctrl-C, and no retry starts after it.
    sleep: (ms) => Promise.race([RETRY.sleep(ms), interrupts.promise]),
    stopped: () => interrupts.signal() !== undefined,
  };
  return {
    cluster: { target, kubectl, retry },
    streams: {
      stdout: process.stdout,
      stderr: process.stderr,
      stdoutIsTTY: process.stdout.isTTY === true,
      stderrIsTTY: process.stderr.isTTY === true,
      stdinIsTTY: process.stdin.isTTY === true,
      columns: process.stdout.columns ?? process.stderr.columns,
      rows: process.stdout.rows ?? process.stderr.rows,
      colour: (process.stdout.isTTY === true || process.stderr.isTTY === true) && !process.env.NO_COLOR,
    },
    interrupts,
    confirm: askOnTerminal,
    user: whoAmI(process.env),
    now: () => Date.now(),
  };
}
