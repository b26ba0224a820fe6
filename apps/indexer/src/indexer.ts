import { createProducer, untilClusterSettles } from "@wikistream/kafka";
import { createBulkClient } from "./bulk/bulk-client.ts";
import type { IndexerConfig } from "./config.ts";
import { CredentialHealth } from "./credential-health.ts";
import { AdaptiveConcurrency } from "./delivery/concurrency.ts";
import { createDeadLetterPublisher } from "./dlq/publisher.ts";
import { FirstWriteRefresh, refreshIndices } from "./index/first-refresh.ts";
import type { Indexer, IndexerDeps } from "./indexer-types.ts";
import { IndexerLifecycle } from "./lifecycle.ts";
import { Committer } from "./offsets/committer.ts";
import { LagMonitor } from "./offsets/lag-monitor.ts";
import { Pipeline, type PipelineOptions } from "./pipeline.ts";
import { defaultTransforms } from "./prepare/transform.ts";
import { createSource, type SourceOptions } from "./source.ts";
import type { Settle } from "./startup/setup.ts";

export type { Indexer, IndexerDeps, IndexerStatus } from "./indexer-types.ts";

type PipelineSettings = Pick<
  PipelineOptions,
  | "naming"
  | "topicPrefix"
  | "limits"
  | "concurrency"
  | "maxUncommittedPerPartition"
  | "maxBufferedBytes"
  | "retry"
  | "eventTime"
>;

/**
 * The indexer: a consumer-group member that bulk-writes its partitions into OpenSearch and commits an
 * offset only once every record before it is indexed or dead-lettered. Neither connects nor listens
 * until start().
 */
export function createIndexer(deps: IndexerDeps): Indexer {
  const { config, metrics } = deps;
  const log = deps.logger.child({ component: "indexer" });
  const abort = new AbortController();
  const { producer, acks } = createProducer(deps.kafka);
  const settle: Settle = (what, step) =>
    untilClusterSettles(what, step, {
      deadlineMs: config.startupTimeoutMs,
      logger: log,
      signal: abort.signal,
    });
  const credentials = new CredentialHealth(metrics, deps.logger);
  const source = createSource({ kafka: deps.kafka, ...sourceSettings(config), logger: deps.logger, settle });
  // refresh_interval -1 (refreshes off, e.g. for a bulk load) is the operator's choice: no refresh then.
  const firstWrites =
    config.refreshInterval === "-1"
      ? undefined
      : new FirstWriteRefresh({
          refresh: refreshIndices(deps.opensearch),
          logger: log,
          onFailure: () => metrics.errors.inc({ code: "index_refresh_failed" }),
        });
  const pipeline = new Pipeline({
    bulk: createBulkClient({ client: deps.opensearch, timeoutMs: config.bulkTimeoutMs }),
    deadLetters: createDeadLetterPublisher({ producer, topic: config.dlqTopic, acks }),
    credentials,
    control: {
      pause: (topic, partition) => source.pause(topic, partition),
      // While draining, everything stays paused.
      resume: (topic, partition) => {
        if (!lifecycle.stopping) source.resume(topic, partition);
      },
    },
    metrics,
    logger: deps.logger,
    transforms: deps.transforms ?? defaultTransforms,
    ...(firstWrites ? { onSent: (batch, outcome) => firstWrites.sent(batch, outcome) } : {}),
    ...pipelineSettings(config),
  });
  const committer = new Committer({ consumer: source, offsets: pipeline, metrics, logger: log });
  const lag = new LagMonitor({
    kafka: deps.kafka,
    groupId: config.groupId,
    topics: config.topics.map(({ topic }) => topic),
    intervalMs: config.lagIntervalMs,
    metrics,
    logger: deps.logger,
  });
  const parts = { deps, log, abort, producer, settle, source, pipeline, committer, lag, credentials };
  const lifecycle = new IndexerLifecycle(parts);
  return {
    start: () => lifecycle.start(),
    stop: () => lifecycle.stop(),
    ready: () => lifecycle.ready(),
    healthy: () => lifecycle.healthy(),
    status: () => lifecycle.status(),
  };
}

/** The consumer's settings, as the configuration gives them. */
function sourceSettings(config: IndexerConfig): Omit<SourceOptions, "kafka" | "logger" | "settle"> {
  return {
    groupId: config.groupId,
    topics: config.topics.map(({ topic }) => topic),
    fromBeginning: config.fromBeginning,
    sessionTimeoutMs: config.sessionTimeoutMs,
    maxBytesPerPartition: config.maxBytesPerPartition,
    maxWaitTimeMs: config.fetchMaxWaitMs,
  };
}

/** The pipeline's settings, as the configuration gives them. */
function pipelineSettings(config: IndexerConfig): PipelineSettings {
  return {
    naming: { prefix: config.indexPrefix, bucket: config.indexBucket },
    topicPrefix: config.topicPrefix,
    limits: {
      maxDocs: config.bulkMaxDocs,
      maxBytes: config.bulkMaxBytes,
      lingerMs: config.lingerMs,
      sendWhenIdle: config.sendWhenIdle,
    },
    concurrency: config.bulkConcurrencyAdaptive
      ? new AdaptiveConcurrency({ max: config.bulkConcurrency })
      : config.bulkConcurrency,
    maxUncommittedPerPartition: config.maxUncommittedPerPartition,
    maxBufferedBytes: config.maxBufferedBytes,
    retry: {
      initialMs: config.retryInitialMs,
      maxMs: config.retryMaxMs,
      maxItemAttempts: config.maxItemAttempts,
    },
    eventTime: { maxAgeMs: config.eventMaxAgeDays * 86_400_000, maxFutureMs: config.eventMaxFutureMs },
  };
}
