import { createKafka } from "@wikistream/kafka";
import { createLogger, type Logger } from "@wikistream/log";
import { detectRuntime, runApp } from "@wikistream/runtime";
import { type IngestConfig, loadIngestConfig } from "./config.ts";
import { createHttpApp } from "./http/server.ts";
import { createIngest } from "./ingest.ts";
import { createIngestMetrics } from "./metrics.ts";
import { explainStartupError } from "./startup/explain.ts";

const runtime = await detectRuntime();
await runApp<Readonly<IngestConfig>, Logger>(runtime, {
  name: "ingest",
  loadConfig: loadIngestConfig,
  createLogger: (config) =>
    createLogger({ level: config.logLevel, base: { app: "ingest", runtime: runtime.name } }),
  http: (config) => ({ hostname: config.httpHost, port: config.httpPort }),
  create({ config, logger, fatal }) {
    const metrics = createIngestMetrics({
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
    const ingest = createIngest({
      config,
      kafka,
      logger,
      metrics,
      // Refused before Kafka took a record: a start-up failure, one line on stderr like the others.
      onFatal: (line) => {
        logger.error("ingest failed to start", { message: line });
        console.error(`ingest: ${line}`);
        fatal("kafka refused ingest's credentials before it took a record");
      },
    });
    ingest.done.catch(() => fatal("fatal stream error"));
    const app = createHttpApp({ registry: metrics.registry, ready: ingest.ready, status: ingest.status });
    return {
      fetch: app.fetch,
      service: {
        start: () => ingest.start(),
        // A drain cut short by INGEST_DRAIN_TIMEOUT_MS is not a clean stop, even though the next
        // start recovers those events from the stream.
        stop: async () => ((await ingest.stop()).unpublished > 0 ? 1 : 0),
      },
    };
  },
  explainStartupError,
  // stop() gives up on Kafka after INGEST_DRAIN_TIMEOUT_MS; the backstop guards everything else.
  shutdownBackstopMs: (config) => config.drainTimeoutMs + 10_000,
  externalMemoryBudget: (config) => ({ bytes: config.gcExternalBytes, variable: "INGEST_GC_EXTERNAL_BYTES" }),
  runningFields: (config) => ({ streams: config.streams, brokers: config.kafkaBrokers }),
});
