import { createKafka } from "@wikistream/kafka";
import { createOpenSearch } from "@wikistream/opensearch";
import type { IndexerConfig } from "../../src/config.ts";
import { createIndexer, type Indexer } from "../../src/indexer.ts";
import { createIndexerMetrics, type IndexerMetrics } from "../../src/metrics.ts";
import type { TransformSet } from "../../src/prepare/transforms/index.ts";
import { testLogger } from "./clients.ts";

export interface RunningIndexer {
  indexer: Indexer;
  metrics: IndexerMetrics;
  stop(): Promise<void>;
}

export interface StartOptions {
  transforms?: TransformSet;
  clientId?: string;
  opensearchUrl?: string;
}

/** An indexer built from its factory with real clients, started. */
export async function startIndexer(
  config: Readonly<IndexerConfig>,
  options: StartOptions = {},
): Promise<RunningIndexer> {
  const metrics = createIndexerMetrics({ defaultMetrics: false });
  const opensearch = createOpenSearch({
    url: options.opensearchUrl ?? config.opensearchUrl,
    requestTimeoutMs: config.bulkTimeoutMs,
  });
  const indexer = createIndexer({
    config,
    kafka: createKafka({
      brokers: config.kafkaBrokers,
      clientId: options.clientId ?? "indexer-test",
      logger: testLogger(),
    }),
    opensearch,
    logger: testLogger(),
    metrics,
    ...(options.transforms ? { transforms: options.transforms } : {}),
  });
  await indexer.start();
  return {
    indexer,
    metrics,
    async stop() {
      await indexer.stop();
      await opensearch.close();
    },
  };
}

/** The value of one series of an indexer metric (0 when absent). */
export async function metricValue(
  metrics: IndexerMetrics,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const base = name.replace(/_(count|sum|bucket)$/, "");
  const metric = await (
    metrics.registry.getSingleMetric(name) ?? metrics.registry.getSingleMetric(base)
  )?.get();
  let total = 0;
  for (const value of metric?.values ?? []) {
    const matches = Object.entries(labels).every(([key, want]) => String(value.labels[key] ?? "") === want);
    const series = (value as { metricName?: string }).metricName ?? name;
    if (matches && series === name) total += value.value;
  }
  return total;
}
