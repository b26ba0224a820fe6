import {
  checkTopicDurability,
  ensureTopics,
  type ReplicationWarning,
  untilClusterSettles,
} from "@wikistream/kafka";
import type { Logger } from "@wikistream/log";
import type { Kafka } from "kafkajs";
import type { IngestConfig } from "../config.ts";
import type { ProducerSlot } from "../publish/producer-slot.ts";
import { type RecoveredPoint, recoverResumePoint } from "../resume/recover.ts";

export interface PrepareOptions {
  kafka: Kafka;
  config: IngestConfig;
  slot: ProducerSlot;
  streamTopics: readonly string[];
  logger: Logger;
  /** Ends the waiting (a stop() during start-up). */
  signal: AbortSignal;
  /** Durability warnings of the topics (RF 1 on a larger cluster, min ISR < 2), for the metric. */
  onDurabilityWarnings?: (warnings: readonly ReplicationWarning[]) => void;
}

/** Topics, producer, resume point: each waits out a settling cluster until INGEST_STARTUP_TIMEOUT_MS. */
export async function prepareKafka(options: PrepareOptions): Promise<RecoveredPoint> {
  const { kafka, config, slot, streamTopics, logger } = options;
  const settle = { deadlineMs: config.startupTimeoutMs, logger, signal: options.signal };
  const replication = {
    replicationFactor: config.topicSettings.replicationFactor,
    minInsyncReplicas: config.topicSettings.minInsyncReplicas,
  };
  await untilClusterSettles(
    "creating the topics",
    () =>
      ensureTopics(kafka, [
        ...streamTopics.map((topic) => ({ topic, partitions: config.topicPartitions, ...replication })),
        { topic: config.dlqTopic, partitions: 1, ...replication },
      ]),
    settle,
  );
  await checkTopicDurability(kafka, [...streamTopics, config.dlqTopic], {
    acks: -1,
    logger,
    onWarnings: (warnings) => options.onDurabilityWarnings?.(warnings),
  });
  await untilClusterSettles("connecting the producer", () => slot.connect(), settle);
  return untilClusterSettles(
    "reading the resume point",
    () =>
      recoverResumePoint({
        kafka,
        topics: [...streamTopics, config.dlqTopic],
        // Two batches: a tie of record timestamps can make the resume point one batch older.
        tailSize: 2 * config.batchSize + 100,
        logger,
      }),
    settle,
  );
}
