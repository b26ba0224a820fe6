import type { Client } from "@opensearch-project/opensearch";
import { createProducer, ensureTopics, untilClusterSettles } from "@wikistream/kafka";
import type { Logger } from "@wikistream/log";
import { retryUntil } from "@wikistream/resilience";
import type { Kafka } from "kafkajs";
import { createBulkClient } from "./bulk-client.ts";
import type { IndexerConfig } from "./config.ts";
import { createDeadLetterPublisher } from "./dlq.ts";
import { ConsumerCrashedError, errorCode, OffsetCommitError } from "./errors.ts";
import { installIndexTemplates } from "./index-template.ts";
import type { IndexerMetrics } from "./metrics.ts";
import { createPipeline, type PipelineStats } from "./pipeline.ts";
import { createSource } from "./source.ts";
import { explainStartupError } from "./startup-errors.ts";
import { defaultTransforms } from "./transform.ts";
import type { TransformSet } from "./transforms/index.ts";

export interface IndexerDeps {
  config: Readonly<IndexerConfig>;
  kafka: Kafka;
  opensearch: Client;
  logger: Logger;
  metrics: IndexerMetrics;
  /** Replaces the default transform stage (pluggable). */
  transforms?: TransformSet;
  /** Called once if the consumer dies for good; main.ts exits non-zero so the process is restarted. */
  onFatal?: (error: Error) => void;
}

export type IndexerState = "created" | "starting" | "running" | "stopping" | "stopped" | "crashed";

export interface IndexerStatus {
  state: IndexerState;
  templatesInstalled: boolean;
  joined: boolean;
  assignment: Record<string, number[]>;
  pending: number;
  inFlight: number;
  queued: number;
  pausedPartitions: number;
  /** Records after the committed offsets of the partitions this instance owns. */
  lag: number;
  counts: PipelineStats["counts"];
  lastCommitAt: string | undefined;
}

export interface Indexer {
  /** Installs templates, creates missing topics, joins the group and starts consuming. */
  start(): Promise<void>;
  /** Stops fetching, finishes in-flight bulk requests, commits, leaves the group. Idempotent. */
  stop(): Promise<void>;
  ready(): boolean;
  healthy(): boolean;
  status(): IndexerStatus;
}

/**
 * The indexer: a consumer-group member that bulk-writes its partitions into OpenSearch and commits an
 * offset only once every record before it is indexed or dead-lettered. Neither connects nor listens
 * until start().
 */
export function createIndexer(deps: IndexerDeps): Indexer {
  const { config, metrics } = deps;
  const log = deps.logger.child({ component: "indexer" });
  let state: IndexerState = "created";
  let templatesInstalled = false;
  let joined = false;
  let assignment: Record<string, number[]> = {};
  let lastCommitAt: string | undefined;
  let commitTimer: ReturnType<typeof setInterval> | undefined;
  let committing: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;
  let consuming = false;
  const abort = new AbortController();

  const { producer, acks } = createProducer(deps.kafka);
  const settle = <T>(what: string, step: () => Promise<T>) =>
    untilClusterSettles(what, step, {
      deadlineMs: config.startupTimeoutMs,
      logger: log,
      signal: abort.signal,
    });
  const source = createSource({
    kafka: deps.kafka,
    groupId: config.groupId,
    topics: config.topics.map(({ topic }) => topic),
    fromBeginning: config.fromBeginning,
    sessionTimeoutMs: config.sessionTimeoutMs,
    maxBytesPerPartition: config.maxBytesPerPartition,
    maxWaitTimeMs: config.fetchMaxWaitMs,
    logger: deps.logger,
    settle,
  });
  const pipeline = createPipeline({
    bulk: createBulkClient({ client: deps.opensearch, timeoutMs: config.bulkTimeoutMs }),
    deadLetters: createDeadLetterPublisher({ producer, topic: config.dlqTopic, acks }),
    control: {
      pause: (topic, partition) => source.pause(topic, partition),
      // While draining, everything stays paused.
      resume: (topic, partition) => {
        if (!stopping) source.resume(topic, partition);
      },
    },
    metrics,
    logger: deps.logger,
    naming: { prefix: config.indexPrefix, bucket: config.indexBucket },
    topicPrefix: config.topicPrefix,
    transforms: deps.transforms ?? defaultTransforms,
    limits: { maxDocs: config.bulkMaxDocs, maxBytes: config.bulkMaxBytes, lingerMs: config.flushIntervalMs },
    concurrency: config.bulkConcurrency,
    maxPendingPerPartition: config.maxPendingPerPartition,
    retry: {
      initialMs: config.retryInitialMs,
      maxMs: config.retryMaxMs,
      maxItemAttempts: config.maxItemAttempts,
    },
  });

  async function commitOnce(): Promise<void> {
    const offsets = pipeline.committable();
    if (offsets.length === 0) return;
    if (!source.consuming) {
      // Crashed (kafkajs disconnected; it may rejoin) or stopped: kafkajs would drop the commit silently.
      metrics.commits.inc({ result: "skipped" });
      log.debug("commit skipped: consumer not running", { offsets: offsets.length });
      return;
    }
    try {
      await source.commit(offsets);
      if (!source.consuming) {
        throw new Error("consumer stopped during the commit; it may not have been applied");
      }
      pipeline.markCommitted(offsets);
      metrics.commits.inc({ result: "ok" });
      lastCommitAt = new Date().toISOString();
      log.debug("committed", { offsets: offsets.map((o) => `${o.topic}/${o.partition}@${o.offset}`) });
    } catch (cause) {
      // Typically a rebalance in progress: the records are re-delivered and rewrite the same documents.
      const error = new OffsetCommitError("offset commit failed", { cause });
      metrics.commits.inc({ result: "failed" });
      metrics.errors.inc({ code: error.code });
      log.warn("offset commit failed", { error: cause });
    }
  }

  /** One commit at a time; a caller arriving during one waits for it and then commits again. */
  function commitNow(): Promise<void> {
    const run = (committing ?? Promise.resolve()).then(commitOnce);
    committing = run.finally(() => {
      if (committing === run) committing = undefined;
    });
    return run;
  }

  async function installTemplates(): Promise<void> {
    await retryUntil(
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
        signal: abort.signal,
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
    templatesInstalled = true;
    log.info("index templates installed", { prefix: config.indexPrefix });
  }

  /** Templates, topics, producer: each waits out a settling cluster until INDEXER_STARTUP_TIMEOUT_MS. */
  async function prepare(): Promise<void> {
    await installTemplates();
    await settle("creating the topics", () =>
      ensureTopics(deps.kafka, [
        ...config.topics.map(({ topic }) => ({ topic, partitions: config.topicPartitions })),
        { topic: config.dlqTopic, partitions: config.topicPartitions },
      ]),
    );
    await settle("connecting the producer", () => producer.connect());
  }

  function crash(error: Error, restart: boolean): void {
    metrics.consumerCrashes.inc({ restart: String(restart) });
    // kafkajs already left the group; ready again only after the next GROUP_JOIN.
    joined = false;
    if (restart) {
      log.warn("consumer crashed; kafkajs restarts it", { error });
      return;
    }
    if (state === "stopping" || state === "stopped") return;
    state = "crashed";
    const fatal = new ConsumerCrashedError(`consumer crashed: ${error.message}`, { cause: error });
    metrics.errors.inc({ code: fatal.code });
    deps.onFatal?.(fatal);
  }

  return {
    async start() {
      if (state !== "created") throw new Error(`indexer already ${state}`);
      state = "starting";
      log.info("starting", {
        groupId: config.groupId,
        topics: config.topics.map(({ topic }) => topic),
        indexPrefix: config.indexPrefix,
      });
      try {
        await prepare();
        if (abort.signal.aborted) return;
        consuming = true;
        await source.start({
          onRecords: (topic, partition, records, highWatermark) => {
            if (!stopping) pipeline.accept(topic, partition, records, highWatermark);
          },
          onAssignment: (memberAssignment) => {
            joined = true;
            assignment = memberAssignment;
            pipeline.assign(memberAssignment);
          },
          onRebalancing: () => {
            // Still a member of the old generation: flush and commit what is acknowledged now.
            pipeline.flush();
            void commitNow();
          },
          onCrash: crash,
        });
      } catch (error) {
        // A stop() during start-up ends the waiting; that is not a start-up failure.
        if (abort.signal.aborted) return;
        throw error;
      }
      commitTimer = setInterval(() => void commitNow(), config.commitIntervalMs);
      if (state === "starting") state = "running";
    },

    stop() {
      stopping ??= (async () => {
        const previous = state;
        state = "stopping";
        abort.abort(new Error("stopping"));
        if (commitTimer !== undefined) clearInterval(commitTimer);
        try {
          if (consuming) {
            try {
              source.pauseAll();
              await source.idle();
              const drained = await pipeline.drain(config.drainTimeoutMs);
              const stats = pipeline.stats();
              if (!drained) log.warn("drain timed out; unfinished records stay uncommitted", { ...stats });
            } finally {
              await commitNow();
            }
          }
        } catch (error) {
          metrics.errors.inc({ code: errorCode(error) });
          log.error("drain failed; committed what was finished", { error });
        } finally {
          pipeline.close();
          await source.stop().catch((error: unknown) => log.warn("consumer disconnect failed", { error }));
          await producer
            .disconnect()
            .catch((error: unknown) => log.warn("producer disconnect failed", { error }));
        }
        state = previous === "crashed" ? "crashed" : "stopped";
        log.info("stopped", { lastCommitAt });
      })();
      return stopping;
    },

    ready: () => state === "running" && templatesInstalled && joined,
    healthy: () => state !== "crashed",
    status: () => {
      const stats = pipeline.stats();
      return {
        state,
        templatesInstalled,
        joined,
        assignment,
        pending: stats.pending,
        inFlight: stats.inFlight,
        queued: stats.queued,
        pausedPartitions: stats.paused,
        lag: stats.lag,
        counts: stats.counts,
        lastCommitAt,
      };
    },
  };
}
