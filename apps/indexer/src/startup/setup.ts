import type { Client } from "@opensearch-project/opensearch";
import { checkTopicDurability, ensureTopics } from "@wikistream/kafka";
import type { Logger } from "@wikistream/log";
import { retryUntil } from "@wikistream/resilience";
import type { Kafka, Producer } from "kafkajs";
import type { IndexerConfig } from "../config.ts";
import { errorCode } from "../errors.ts";
import { createIndices, currentIndices } from "../index/current-indices.ts";
import { applyRefreshInterval } from "../index/existing-indices.ts";
import { installIndexTemplates } from "../index/templates.ts";
import type { IndexerMetrics } from "../metrics.ts";
import { explainStartupError } from "./explain.ts";
import { waitOutAtStart } from "./opensearch-retry.ts";

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

/**
 * Templates, topics, producer: each waits out a settling cluster until INDEXER_STARTUP_TIMEOUT_MS.
 * The OpenSearch steps and the Kafka steps do not depend on each other and run at the same time (the
 * consumer starts once both are done); the first failure ends start-up (runApp's stop() then aborts
 * the other's waiting).
 */
export async function setUp(deps: SetupDeps): Promise<void> {
  await Promise.all([setUpOpenSearch(deps), setUpKafka(deps)]);
}

async function setUpOpenSearch(deps: SetupDeps): Promise<void> {
  const { config } = deps;
  await installTemplates(deps);
  deps.onTemplatesInstalled();
  deps.logger.info("index templates installed", { prefix: config.indexPrefix });
  // Not waited for: the consumer joins meanwhile, and a bulk would create a missing index anyway.
  void createCurrentIndices(deps);
  await refreshExistingIndices(deps);
}

/** The current bucket's index of every input stream, so that live records find it (logged, never thrown). */
async function createCurrentIndices(deps: SetupDeps): Promise<void> {
  const { config, logger: log } = deps;
  const streams = config.topics.map(({ stream }) => stream);
  const indices = currentIndices(config.indexPrefix, streams, config.indexBucket, Date.now());
  for (const outcome of await createIndices(deps.opensearch, indices)) {
    if (outcome.result === "created")
      log.info("index of the current bucket created", { index: outcome.index });
    if (outcome.result !== "failed") continue;
    deps.metrics.errors.inc({ code: "index_create_failed" });
    const { index, status, reason } = outcome;
    log.warn("index of the current bucket not created; its first bulk creates it", { index, status, reason });
  }
}

async function setUpKafka(deps: SetupDeps): Promise<void> {
  const { config } = deps;
  const replication = {
    replicationFactor: config.topicSettings.replicationFactor,
    minInsyncReplicas: config.topicSettings.minInsyncReplicas,
  };
  await deps.settle("creating the topics", () =>
    ensureTopics(deps.kafka, [
      ...config.topics.map(({ topic }) => ({ topic, partitions: config.topicPartitions, ...replication })),
      { topic: config.dlqTopic, partitions: config.topicPartitions, ...replication },
    ]),
  );
  await checkTopicDurability(deps.kafka, [...config.topics.map(({ topic }) => topic), config.dlqTopic], {
    acks: -1,
    logger: deps.logger,
    onWarnings: (warnings) => {
      for (const { topic, kind } of warnings) deps.metrics.topicDurabilityWarnings.set({ topic, kind }, 1);
    },
  });
  await deps.settle("connecting the producer", () => deps.producer.connect());
}

function installTemplates(deps: SetupDeps): Promise<void> {
  const { config } = deps;
  return untilOpenSearchSettles(deps, "installing the index templates", () =>
    installIndexTemplates(deps.opensearch, {
      prefix: config.indexPrefix,
      shards: config.indexShards,
      replicas: config.indexReplicas,
      refreshInterval: config.refreshInterval,
    }),
  );
}

/**
 * INDEXER_REFRESH_INTERVAL on the existing indices. An index that refuses it (read-only after a full
 * disk, blocked by an operator) is named in a warning and start-up goes on: one unhealthy index must
 * not crash-loop the indexer, and its documents still wait (never dead-letter) while it is blocked.
 */
async function refreshExistingIndices(deps: SetupDeps): Promise<void> {
  const { config, metrics, logger: log } = deps;
  const outcomes = await untilOpenSearchSettles(deps, "applying refresh_interval to existing indices", () =>
    applyRefreshInterval(deps.opensearch, {
      prefix: config.indexPrefix,
      refreshInterval: config.refreshInterval,
    }),
  );
  for (const outcome of outcomes) {
    if (outcome.result === "updated") {
      log.info("refresh_interval applied", { index: outcome.index, refreshInterval: config.refreshInterval });
      continue;
    }
    const { error, index } = outcome;
    metrics.errors.inc({ code: error.code });
    const blocked = error.context.type === "cluster_block_exception";
    log.warn("an existing index refused refresh_interval; start goes on without it", {
      index,
      code: error.code,
      error,
      ...(blocked
        ? {
            hint: `index ${index} is blocked (index.blocks.read_only, or read_only_allow_delete after a full disk); its documents wait until the block is lifted`,
          }
        : {}),
    });
  }
}

function untilOpenSearchSettles<T>(deps: SetupDeps, what: string, step: () => Promise<T>): Promise<T> {
  const { config, metrics, logger: log } = deps;
  return retryUntil(step, {
    what,
    deadlineMs: config.startupTimeoutMs,
    signal: deps.signal,
    backoff: { initialMs: config.retryInitialMs, maxMs: config.retryMaxMs },
    isRetriable: (error) => {
      metrics.errors.inc({ code: errorCode(error) });
      return waitOutAtStart(error);
    },
    onRetry: ({ error, delayMs, attempt }) =>
      log.warn(`${what}: not done yet; retrying`, {
        error,
        hint: explainStartupError(error, config),
        attempt,
        delayMs,
      }),
  });
}
