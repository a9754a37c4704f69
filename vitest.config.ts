import { defineConfig } from "vitest/config";

// The projects `npm test` runs, each also runnable alone (`vitest run --project NAME`):
//   unit         everything that needs no cluster, or starts a fake cluster of its own
//   conformance  the fake cluster's conformance suite (it checks the fake against upstream)
//   e2e          every jobx command as a user types it, on the fake cluster
//   real         the e2e and conformance suites on the upstream control plane
// JOBX_TEST_CLUSTER=own JOBX_TEST_KUBECONFIG=F runs `real`'s files on a cluster of one's own.
const E2E = "test/e2e/**/*.test.ts";
const CONFORMANCE = "test/fake-cluster/conformance/**/*.test.ts";
const CONTROL_PLANE = "test/control-plane/**/*.test.ts";
const own = process.env.JOBX_TEST_CLUSTER === "own";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The CLI and e2e tests spawn processes; two cores are all a machine has.
    pool: "forks",
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: "unit", include: ["test/**/*.test.ts"], exclude: [E2E, CONFORMANCE, CONTROL_PLANE], env: { JOBX_TEST_CLUSTER: "fake" } } },
      { extends: true, test: { name: "conformance", include: [CONFORMANCE], env: { JOBX_TEST_CLUSTER: "fake" } } },
      { extends: true, test: { name: "e2e", include: [E2E], env: { JOBX_TEST_CLUSTER: "fake" } } },
      {
        extends: true,
        test: {
          name: "real",
          include: [CONTROL_PLANE, E2E, CONFORMANCE],
          env: { JOBX_TEST_CLUSTER: own ? "own" : "real" },
          globalSetup: own ? [] : ["test/cluster/real-setup.ts"],
          // Real controllers keep real time: a Job's pods are created, bound and reported
          // over seconds, not milliseconds.
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
