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

/** Where the view writes: messages and the live view to `stderr`, NDJSON events to `stdout`. */
export interface ProgressStreams {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** The terminal's height, for how many members the live view shows. */
  rows?: number;
}

export class ProgressView {
  private lastPlain = "";
  private drawnLines = 0;
  private readonly started = Date.now();
  private readonly lastOutcome = new Map<string, string>();

  private readonly out: ProgressStreams["stderr"];
  private readonly data: ProgressStreams["stdout"];

  constructor(
    private readonly mode: ProgressMode,
    private readonly streams: ProgressStreams,
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

  private plain(tracker: GroupTracker): void {
    const line = countsLine(tracker.counts());
    if (line === this.lastPlain) return;
    this.lastPlain = line;
    const changes: string[] = [];
    for (const m of tracker.all()) {
      const prev = this.lastOutcome.get(m.member.name);
      if (prev !== m.outcome) {
        this.lastOutcome.set(m.member.name, m.outcome);
        if (prev !== undefined || m.outcome === "failed" || m.outcome === "succeeded") {
          changes.push(`${m.member.name} ${m.outcome}${m.reason ? ` (${m.reason})` : ""}`);
        }
      }
    }
    this.out.write(`${new Date().toISOString()} ${line}${changes.length && changes.length <= 5 ? `; ${changes.join(", ")}` : ""}\n`);
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
    if (this.mode === "plain") this.plain(tracker);
  }
}
