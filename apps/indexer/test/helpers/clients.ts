import type { Client } from "@opensearch-project/opensearch";
import { createKafka } from "@wikistream/kafka";
import { createLogger, type Logger, silentLogger } from "@wikistream/log";
import { createOpenSearch } from "@wikistream/opensearch";
import type { Kafka } from "kafkajs";

export const brokers = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");
export const opensearchUrl = process.env.OPENSEARCH_URL ?? "http://127.0.0.1:9200";

/** Logs of the code under test: silent unless INDEXER_TEST_LOG=debug|info|warn|error. */
export function testLogger(): Logger {
  const level = process.env.INDEXER_TEST_LOG;
  return level === "debug" || level === "info" || level === "warn" || level === "error"
    ? createLogger({ level, write: (line) => process.stderr.write(`${line}\n`) })
    : silentLogger;
}

export function testKafka(clientId = "indexer-test"): Kafka {
  return createKafka({ brokers, clientId, logger: silentLogger });
}

export function testOpenSearch(url = opensearchUrl): Client {
  return createOpenSearch({ url, requestTimeoutMs: 30_000 });
}
