/**
 * What a person sees while a group runs. On a terminal: a live view redrawn in place
 * (per-member lines and a group progress bar with counts and elapsed time). In CI logs
 * (no TTY): a plain, timestamped line whenever something changed. With -o json: one
 * NDJSON event per change on stdout.
 */
import { chalkStderr as chalk } from "chalk";
import { formatDuration } from "../group/duration";
import type { GroupTracker, Verdict } from "../group/tracker";
import { countsLine, memberJson, memberTable } from "./status";

export type ProgressMode = "live" | "plain" | "json" | "quiet";

/** Without a terminal, a summary line at most this often (plus one per change of the group's state). */
export const PLAIN_EVERY_MS = 10_000;

/** Where the view writes: messages and the live view to `stderr`, NDJSON events to `stdout`. */
export interface ProgressStreams {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** The terminal's height, for how many members the live view shows. */
  rows?: number;
}

export class ProgressView {
  private lastPlain = "";
  private lastPhase = "";
  private lastPlainAt = -Infinity;
  private drawnLines = 0;
  private readonly started = Date.now();
  private readonly lastOutcome = new Map<string, string>();

  private readonly out: ProgressStreams["stderr"];
  private readonly data: ProgressStreams["stdout"];

  constructor(
    private readonly mode: ProgressMode,
    private readonly streams: ProgressStreams,
    private readonly clock: () => number = Date.now,
  ) {
    this.out = streams.stderr;
    this.data = streams.stdout;
  }

  update(tracker: GroupTracker): void {
    if (this.mode === "quiet") return;
    if (this.mode === "json") return this.json(tracker);
    if (this.mode === "plain") return this.plain(tracker);
    this.live(tracker);
  }

  private json(tracker: GroupTracker): void {
    for (const m of tracker.all()) {
      const key = `${m.outcome}/${m.succeeded}/${m.failed}/${m.active}`;
      if (this.lastOutcome.get(m.member.name) === key) continue;
      this.lastOutcome.set(m.member.name, key);
      this.data.write(`${JSON.stringify({ type: "member", time: new Date().toISOString(), ...memberJson(m) })}\n`);
    }
  }

  /**
   * In CI logs, a summary, not a line per member: one when the group's state changes
   * (pending → running → …), otherwise at most one every PLAIN_EVERY_MS while counts
   * change; the members that finished since the last line are named (up to five).
   */
  private plain(tracker: GroupTracker, final = false): void {
    const line = countsLine(tracker.counts());
    const phase = tracker.outcome().phase;
    const now = this.clock();
    if (line === this.lastPlain && !final) return;
    if (!final && phase === this.lastPhase && now - this.lastPlainAt < PLAIN_EVERY_MS) return;
    if (final && line === this.lastPlain && phase === this.lastPhase) return;
    this.lastPlain = line;
    this.lastPhase = phase;
    this.lastPlainAt = now;
    const finished: string[] = [];
    for (const m of tracker.all()) {
      const prev = this.lastOutcome.get(m.member.name);
      if (prev === m.outcome) continue;
      this.lastOutcome.set(m.member.name, m.outcome);
      if (m.outcome === "failed" || m.outcome === "succeeded" || (prev !== undefined && (m.outcome === "missing" || m.outcome === "vanished"))) {
        finished.push(`${m.member.name} ${m.outcome}${m.reason ? ` (${m.reason})` : ""}`);
      }
    }
    const named = finished.length === 0 ? "" : `; ${finished.slice(0, 5).join(", ")}${finished.length > 5 ? ` and ${finished.length - 5} more` : ""}`;
    this.out.write(`${new Date(now).toISOString()} ${phase}: ${line}${named}\n`);
  }

  private live(tracker: GroupTracker): void {
    const c = tracker.counts();
    const width = 30;
    const done = c.succeeded + c.failed;
    const filled = c.total ? Math.round((done / c.total) * width) : width;
    const failedCells = c.total ? Math.min(filled, Math.round((c.failed / c.total) * width)) : 0;
    const bar = chalk.red("█".repeat(failedCells)) + chalk.green("█".repeat(filled - failedCells)) + chalk.gray("░".repeat(width - filled));
    const rows = this.streams.rows ?? 40;
    const members = tracker.all();
    const shown = members.length <= rows - 6 ? members : members.filter((m) => m.outcome === "running" || m.outcome === "failed").slice(0, Math.max(0, rows - 8));
    const text = [
      memberTable(shown, { colour: chalk }),
      ...(shown.length < members.length ? [chalk.dim(`(${members.length - shown.length} more not shown; jobx status lists all)`)] : []),
      `${bar} ${done}/${c.total}  ${countsLine(c)}  ${formatDuration(Date.now() - this.started)}`,
    ].join("\n");
    this.clear();
    this.out.write(`${text}\n`);
    this.drawnLines = text.split("\n").length;
  }

  private clear(): void {
    if (this.drawnLines > 0) this.out.write(`\x1b[${this.drawnLines}A\x1b[0J`);
    this.drawnLines = 0;
  }

  /** A warning between two drawings: the live view is cleared first and drawn again at the next change. */
  warn(text: string): void {
    if (this.mode === "live") this.clear();
    this.out.write(text);
  }

  finish(tracker: GroupTracker, verdict: Verdict | undefined): void {
    if (this.mode === "json") {
      this.json(tracker);
      if (verdict) this.data.write(`${JSON.stringify({ type: "verdict", time: new Date().toISOString(), ...verdict, state: tracker.outcome().phase, counts: tracker.counts() })}\n`);
      return;
    }
    if (this.mode === "live") this.live(tracker);
    if (this.mode === "plain") this.plain(tracker, true);
  }
}
