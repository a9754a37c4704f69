/**
 * `npm run fake-cluster` and `npm run real-cluster`: a cluster run in the foreground until
 * SIGINT/SIGTERM. A signal during start-up waits for the start, so whatever it made (files,
 * processes) is still removed.
 */
export async function runInForeground<C extends { stop(): Promise<void> }>(start: () => Promise<C>, readyLine: (cluster: C) => string): Promise<void> {
  let stopping = false;
  const started = start();
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    void started
      .then((c) => c.stop())
      .catch(() => {})
      .finally(() => process.exit(0));
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  const cluster = await started;
  if (stopping) return;
  process.stdout.write(`${readyLine(cluster)}\n`);
  // Keep the process alive: a cluster's own handles are unref'd timers and sockets.
  setInterval(() => {}, 1 << 30);
}
