import { createKafka } from "@wikistream/kafka";
import { createLogger, type Logger } from "@wikistream/log";
import { createOpenSearch, displayUrl } from "@wikistream/opensearch";
import { detectRuntime, runApp } from "@wikistream/runtime";
import { type IndexerConfig, loadIndexerConfig } from "./config.ts";
import { createHttpApp } from "./http/server.ts";
import { createIndexer } from "./indexer.ts";
import { createIndexerMetrics } from "./metrics.ts";
import { explainStartupError } from "./startup/explain.ts";

const runtime = await detectRuntime();
await runApp<Readonly<IndexerConfig>, Logger>(runtime, {
  name: "indexer",
  loadConfig: loadIndexerConfig,
  createLogger: (config) =>
    createLogger({ level: config.logLevel, base: { app: "indexer", runtime: runtime.name } }),
  http: (config) => ({ hostname: config.httpHost, port: config.httpPort }),
  create({ config, logger, fatal }) {
    const metrics = createIndexerMetrics({
      // prom-client's process and runtime metrics work on Node, Bun 1.4 and Deno 2.9 alike.
      defaultMetrics: true,
      revision: config.revision,
    });
    const kafka = createKafka({
      brokers: config.kafkaBrokers,
      clientId: config.kafkaClientId,
      logger,
      security: config.kafkaSecurity,
    });
    const opensearch = createOpenSearch({
      url: config.opensearch.url,
      ssl: config.opensearch.ssl,
      auth: config.opensearch.auth,
      requestTimeoutMs: config.bulkTimeoutMs,
    });
    const indexer = createIndexer({
      config,
      kafka,
      opensearch,
      logger,
      metrics,
      onFatal: (error) => {
        logger.error("fatal consumer error", { error });
        fatal("fatal consumer error");
      },
    });
    const app = createHttpApp({
      registry: metrics.registry,
      ready: indexer.ready,
      healthy: indexer.healthy,
      status: indexer.status,
    });
    return {
      fetch: app.fetch,
      service: {
        start: () => indexer.start(),
        stop: async () => {
          await indexer.stop();
          return 0;
        },
      },
      close: () => opensearch.close(),
    };
  },
  explainStartupError,
  // The drain has its own deadline; the backstop only guards against a hang in a client library.
  shutdownBackstopMs: (config) => config.drainTimeoutMs + 30_000,
  externalMemoryBudget: (config) => ({
    bytes: config.gcExternalBytes,
    variable: "INDEXER_GC_EXTERNAL_BYTES",
  }),
  runningFields: (config) => ({ opensearch: displayUrl(config.opensearchUrl), brokers: config.kafkaBrokers }),
});
