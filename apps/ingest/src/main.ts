import { ConfigError } from "@wikistream/config";
import { createKafka } from "@wikistream/kafka";
import { createLogger } from "@wikistream/log";
import { errorMessage } from "@wikistream/resilience";
import { detectRuntime } from "@wikistream/runtime";
import { type IngestConfig, loadIngestConfig } from "./config.ts";
import { createHttpApp } from "./http/server.ts";
import { createIngest } from "./ingest.ts";
import { createIngestMetrics } from "./metrics.ts";
import { explainStartupError } from "./startup-errors.ts";

const runtime = await detectRuntime();
function loadConfigOrExit(): Readonly<IngestConfig> {
  try {
    return loadIngestConfig(runtime.env());
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : errorMessage(error));
    return runtime.exit(1);
  }
}
const config = loadConfigOrExit();

const logger = createLogger({ level: config.logLevel, base: { app: "ingest", runtime: runtime.name } });
const metrics = createIngestMetrics({ defaultMetrics: runtime.name === "node" });
const kafka = createKafka({ brokers: config.kafkaBrokers, clientId: config.kafkaClientId, logger });
const ingest = createIngest({ config, kafka, logger, metrics });
const app = createHttpApp({ registry: metrics.registry, ready: ingest.ready, status: ingest.status });

async function startOrExit() {
  try {
    const server = await runtime.serve({
      fetch: app.fetch,
      hostname: config.httpHost,
      port: config.httpPort,
    });
    await ingest.start();
    return server;
  } catch (error) {
    console.error(`ingest: ${explainStartupError(error, config)}`);
    return runtime.exit(1);
  }
}
const server = await startOrExit();
logger.info("http listening", {
  url: `http://${config.httpHost}:${server.port}`,
  routes: ["/healthz", "/readyz", "/metrics", "/status"],
});

let shuttingDown = false;
async function shutdown(reason: string, code: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info("shutting down: draining buffered events to kafka", { reason });
  // stop() gives up on Kafka after INGEST_DRAIN_TIMEOUT_MS; this is the backstop should anything else
  // hang. Exiting loses nothing: the next start resumes from the newest record Kafka holds.
  const backstopMs = config.drainTimeoutMs + 10_000;
  const backstop = setTimeout(() => {
    logger.error("shutdown did not finish; exiting, the next start resumes from kafka", {
      afterMs: backstopMs,
      ...ingest.status().counts,
    });
    runtime.exit(1);
  }, backstopMs);
  const { unpublished } = await ingest.stop();
  await server.close();
  clearTimeout(backstop);
  // A drain cut short by the deadline is not a clean stop, even though the next start recovers.
  runtime.exit(unpublished > 0 ? 1 : code);
}
runtime.onShutdownSignal((signal) => void shutdown(signal, 0));
ingest.done.catch(() => void shutdown("fatal stream error", 1));
