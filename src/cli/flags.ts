/** Flag values as typed options: each parser throws a UsageError that names the flag and a valid example. */
import { UsageError } from "../errors";
import { parseDuration } from "../group/duration";

export function durationMs(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined) throw new UsageError(`${flag} ${JSON.stringify(text)} is not a duration: use kubectl's form, like 90s, 5m or 1h30m`);
  return ms;
}

export function positiveInteger(flag: string, text: string | undefined, example = 20): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw new UsageError(`${flag} ${JSON.stringify(text)} is not a positive whole number: for example ${flag} ${example}`);
  return Number(text);
}

/** --dry-run=none|client|server, as kubectl takes it. */
export function dryRunMode(text: string | undefined): "client" | "server" | undefined {
  if (text === undefined || text === "none") return undefined;
  if (text === "client" || text === "server") return text;
  throw new UsageError(`--dry-run must be none, client or server, not ${JSON.stringify(text)}`);
}

/** --pack, --parallelism and --per-pod, checked together. */
export function packOptions(flags: { pack?: boolean; parallelism?: string; perPod?: string }): { perPod: number; parallelism?: number } | undefined {
  if (!flags.pack) {
    if (flags.parallelism !== undefined || flags.perPod !== undefined) throw new UsageError(`${flags.parallelism !== undefined ? "--parallelism" : "--per-pod"} goes with --pack: add --pack to run the group as one Indexed Job`);
    return undefined;
  }
  const parallelism = positiveInteger("--parallelism", flags.parallelism, 10);
  const perPod = positiveInteger("--per-pod", flags.perPod, 10) ?? 1;
  return parallelism === undefined ? { perPod } : { perPod, parallelism };
}
