/**
 * Watch streams: `kubectl get RESOURCE -l SELECTOR --watch -o json --output-watch-events`,
 * one `{type, object}` event per line. kubectl has no flag to resume from a
 * resourceVersion, so a watch that ends is started again from a fresh list (each start
 * re-sends every object as ADDED first); the pause before a restart grows while it keeps
 * ending at once.
 */
import type { Cluster, KubectlStream } from "./kubectl";
import { watchPlan } from "./plans";
import type { KubeObject } from "./results";

export interface WatchEventLine {
  type?: string;
  object?: KubeObject;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The pause before starting a watch again that ended by itself: growing while it keeps ending at once. */
export class RestartBackoff {
  private quickEnds = 0;

  constructor(private readonly baseMs: number) {}

  /** For a watch that started at `startedAt` and has just ended. */
  next(startedAt: number): number {
    this.quickEnds = Date.now() - startedAt < 2000 ? this.quickEnds + 1 : 0;
    return Math.min(this.baseMs * 2 ** this.quickEnds, 10_000);
  }
}

/** One watch stream; each event line kubectl prints goes to onEvent (other lines are ignored). */
export function watchEvents(cluster: Cluster, resource: string, selector: string, onEvent: (event: WatchEventLine) => void): KubectlStream {
  return cluster.kubectl.stream(watchPlan(cluster.target, resource, selector), (line) => {
    let event: WatchEventLine;
    try {
      event = JSON.parse(line) as WatchEventLine;
    } catch {
      return; // not an event line (kubectl's warnings go to stderr; be lenient)
    }
    if (event && typeof event === "object") onEvent(event);
  });
}

/** Why a watch kubectl ended failed, for a warning. */
export function watchFailure(result: { exitCode: number; stderr: string }): string {
  return result.stderr.trim() || `kubectl exited ${result.exitCode}`;
}

/**
 * Keeps one watch running until `stop()`: every event's object goes to `onObject`, and a
 * watch that ends by itself is started again, with backoff; a failed one is reported to
 * `onFailure` first.
 */
export function keepWatching(
  cluster: Cluster,
  resource: string,
  selector: string,
  onObject: (object: KubeObject) => void,
  onFailure: (message: string) => void,
): { stop: () => Promise<void> } {
  let watching = true;
  let current: KubectlStream | undefined;
  const backoff = new RestartBackoff(200);
  const running = (async () => {
    while (watching) {
      const started = Date.now();
      current = watchEvents(cluster, resource, selector, (event) => {
        if (event.object?.metadata) onObject(event.object);
      });
      if (!watching) current.stop();
      const result = await current.done;
      if (!watching) break;
      if (result.exitCode !== 0) onFailure(watchFailure(result));
      await sleep(backoff.next(started));
    }
  })();
  return {
    stop: async () => {
      watching = false;
      current?.stop();
      await running;
    },
  };
}
