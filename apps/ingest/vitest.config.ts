import { defineConfig } from "vitest/config";

// Run from apps/ingest (`vitest run --dir test`): the integration tests share the local Kafka and one
// of them stops it for 30 s, so test files run one at a time, as in the root config's integration project.
export default defineConfig({
  test: {
    fileParallelism: false,
    testTimeout: 20_000,
    hookTimeout: 120_000,
  },
});
