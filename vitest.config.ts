import { configDefaults, defineConfig } from "vitest/config";

// One runner for the whole repo (npm test): unit tests next to the code, integration and end-to-end
// tests under test/ folders against the real local stack, one file at a time because some of them
// stop and restart Kafka or OpenSearch.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts", "apps/*/src/**/*.test.ts", "scripts/**/*.test.ts"],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["packages/*/test/**/*.test.ts", "apps/*/test/**/*.test.ts", "test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "test/cluster/**"], // the cluster project below
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        // Fault tests on the 3-broker, 3-node cluster stack (npm run test:cluster starts it): they kill
        // and restart brokers and nodes, so one file at a time, and a node's return takes minutes.
        test: {
          name: "cluster",
          include: ["test/cluster/**/*.test.ts"],
          fileParallelism: false,
          // A replay of ~20k events, the fault, its recovery and up to 3 minutes to catch up each.
          testTimeout: 600_000,
          hookTimeout: 360_000,
        },
      },
    ],
  },
});
