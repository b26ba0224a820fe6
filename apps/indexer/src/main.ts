import { ConfigError } from "@wikistream/config";
import { createKafka } from "@wikistream/kafka";
import { createLogger } from "@wikistream/log";
import { createOpenSearch, displayUrl } from "@wikistream/opensearch";
import { errorMessage } from "@wikistream/resilience";
import { detectRuntime } from "@wikistream/runtime";
import { type IndexerConfig, loadIndexerConfig } from "./config.ts";
import { createHttpApp } from "./http/server.ts";
import { createIndexer } from "./indexer.ts";
import { createIndexerMetrics } from "./metrics.ts";
import { explainStartupError } from "./startup-errors.ts";

const runtime = await detectRuntime();

function loadConfigOrExit(): Readonly<IndexerConfig> {
  try {
    return loadIndexerConfig(runtime.env());
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : errorMessage(error));
    return runtime.exit(1);
  }
}
const config = loadConfigOrExit();

const logger = createLogger({ level: config.logLevel, base: { app: "indexer", runtime: runtime.name } });
const metrics = createIndexerMetrics({ defaultMetrics: runtime.name === "node" });
const kafka = createKafka({ brokers: config.kafkaBrokers, clientId: config.kafkaClientId, logger });
const opensearch = createOpenSearch({
  url: config.opensearchUrl,
  username: config.opensearchUsername,
  password: config.opensearchPassword,
  requestTimeoutMs: config.bulkTimeoutMs,
});

let shuttingDown = false;
async function shutdown(reason: string, code: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info("shutting down: finishing in-flight bulk requests, committing, leaving the group", { reason });
  // The drain has its own timeout; this one only guards against a hang in a client library.
  const deadline = setTimeout(() => {
    logger.error("shutdown did not finish in time; exiting (uncommitted records are re-delivered)");
    runtime.exit(1);
  }, config.drainTimeoutMs + 30_000);
  await indexer.stop();
  await server?.close();
  await opensearch.close().catch(() => {});
  clearTimeout(deadline);
  runtime.exit(code);
}

/** shutdown() never rejects unhandled: a failure is logged and the process exits non-zero. */
function shutdownOrExit(reason: string, code: number): Promise<void> {
  return shutdown(reason, code).catch((error: unknown) => {
    logger.error("shutdown failed", { error, reason });
    runtime.exit(1);
  });
}

const indexer = createIndexer({
  config,
  kafka,
  opensearch,
  logger,
  metrics,
  onFatal: (error) => {
    logger.error("fatal consumer error", { error });
    void shutdownOrExit("fatal consumer error", 1);
  },
});
const app = createHttpApp({
  registry: metrics.registry,
  ready: indexer.ready,
  healthy: indexer.healthy,
  status: indexer.status,
});

let server: { port: number; close: () => Promise<void> } | undefined;
runtime.onShutdownSignal((signal) => void shutdownOrExit(signal, 0));
try {
  server = await runtime.serve({ fetch: app.fetch, hostname: config.httpHost, port: config.httpPort });
  logger.info("http listening", {
    url: `http://${config.httpHost}:${server.port}`,
    routes: ["/healthz", "/readyz", "/metrics", "/status"],
  });
  await indexer.start();
  logger.info("indexer running", {
    opensearch: displayUrl(config.opensearchUrl),
    brokers: config.kafkaBrokers,
  });
} catch (error) {
  logger.error("indexer failed to start", { error, message: explainStartupError(error, config) });
  await indexer.stop().catch(() => {});
  runtime.exit(1);
}
