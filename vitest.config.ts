import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The CLI and e2e tests spawn processes; two cores are all a machine has.
    pool: "forks",
    maxWorkers: 2,
  },
});
