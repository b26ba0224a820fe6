import { defineConfig } from "vitest/config";

// Integration tests share one Kafka and one OpenSearch, and some stop OpenSearch for a while, so test
// files run one after another. Each integration file sets its own, larger timeouts.
export default defineConfig({
  test: {
    fileParallelism: false,
    testTimeout: 10_000,
    hookTimeout: 30_000,
  },
});
