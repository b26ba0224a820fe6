import type { Client } from "@opensearch-project/opensearch";
import { ensureTopics } from "@wikistream/kafka";
import type { Logger } from "@wikistream/log";
import { retryUntil } from "@wikistream/resilience";
import type { Kafka, Producer } from "kafkajs";
import type { IndexerConfig } from "../config.ts";
import { errorCode } from "../errors.ts";
import { installIndexTemplates } from "../index/templates.ts";
import type { IndexerMetrics } from "../metrics.ts";
import { explainStartupError } from "./explain.ts";

/** Runs a start-up step, waiting out a settling cluster until INDEXER_STARTUP_TIMEOUT_MS. */
export type Settle = <T>(what: string, step: () => Promise<T>) => Promise<T>;

export interface SetupDeps {
  config: Readonly<IndexerConfig>;
  kafka: Kafka;
  opensearch: Client;
  producer: Producer;
  metrics: IndexerMetrics;
  logger: Logger;
  settle: Settle;
  signal: AbortSignal;
  /** Called once the templates are in place (readiness needs them). */
  onTemplatesInstalled: () => void;
}

/** Templates, topics, producer: each waits out a settling cluster until INDEXER_STARTUP_TIMEOUT_MS. */
export async function setUp(deps: SetupDeps): Promise<void> {
  const { config } = deps;
  await installTemplates(deps);
  deps.onTemplatesInstalled();
  deps.logger.info("index templates installed", { prefix: config.indexPrefix });
  await deps.settle("creating the topics", () =>
    ensureTopics(deps.kafka, [
      ...config.topics.map(({ topic }) => ({ topic, partitions: config.topicPartitions })),
      { topic: config.dlqTopic, partitions: config.topicPartitions },
    ]),
  );
  await deps.settle("connecting the producer", () => deps.producer.connect());
}

function installTemplates(deps: SetupDeps): Promise<void> {
  const { config, metrics, logger: log } = deps;
  return retryUntil(
    () =>
      installIndexTemplates(deps.opensearch, {
        prefix: config.indexPrefix,
        shards: config.indexShards,
        replicas: config.indexReplicas,
        refreshInterval: config.refreshInterval,
      }),
    {
      what: "installing the index templates",
      deadlineMs: config.startupTimeoutMs,
      signal: deps.signal,
      backoff: { initialMs: config.retryInitialMs, maxMs: config.retryMaxMs },
      isRetriable: (error) => {
        metrics.errors.inc({ code: errorCode(error) });
        return (error as { retryable?: boolean }).retryable === true;
      },
      onRetry: ({ error, delayMs, attempt }) =>
        log.warn("index templates not installed yet; retrying", {
          error,
          hint: explainStartupError(error, config),
          attempt,
          delayMs,
        }),
    },
  );
}
