/**
 * A test cluster for one vitest `describe` block: started before its first test, its
 * faults cleared after each test, stopped after its last. Returns a getter, because the
 * cluster exists only once `beforeAll` has run.
 */
import { afterAll, afterEach, beforeAll } from "vitest";
import { startFakeCluster } from "./index";
import type { FakeCluster, FakeClusterOptions } from "./types";

export function useCluster(options: FakeClusterOptions = { timeScale: 0.01 }): () => FakeCluster {
  let cluster: FakeCluster | undefined;
  beforeAll(async () => {
    cluster = await startFakeCluster(options);
  });
  afterEach(() => {
    cluster?.clearFaults();
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  return () => {
    if (!cluster) throw new Error("the test cluster is not running");
    return cluster;
  };
}
