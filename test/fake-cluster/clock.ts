/**
 * One clock for every simulated duration. Durations are given in simulated milliseconds
 * and multiplied by the time scale; timestamps written into objects stay wall-clock time.
 * All timers are tracked so stop() can end them, and none keeps the process alive.
 */
export class Clock {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(public timeScale: number) {}

  /** Real milliseconds a simulated duration takes. */
  real(simMs: number): number {
    return Math.max(0, simMs * this.timeScale);
  }

  now(): number {
    return Date.now();
  }

  /** Runs fn after a simulated duration; returns a cancel function. */
  after(simMs: number, fn: () => void): () => void {
    return this.afterReal(this.real(simMs), fn);
  }

  /** Runs fn after real milliseconds (watch timeouts, bookmarks, faults). */
  afterReal(realMs: number, fn: () => void): () => void {
    if (this.stopped) return () => {};
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, Math.max(0, Math.ceil(realMs)));
    t.unref();
    this.timers.add(t);
    return () => {
      clearTimeout(t);
      this.timers.delete(t);
    };
  }

  every(realMs: number, fn: () => void): () => void {
    if (this.stopped) return () => {};
    const t = setInterval(() => {
      if (!this.stopped) fn();
    }, realMs);
    t.unref();
    this.timers.add(t);
    return () => {
      clearInterval(t);
      this.timers.delete(t);
    };
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  get isStopped(): boolean {
    return this.stopped;
  }
}
