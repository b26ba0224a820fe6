import { ensureTopics, untilClusterSettles } from "@wikistream/kafka";
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
}

/** Topics, producer, resume point: each waits out a settling cluster until INGEST_STARTUP_TIMEOUT_MS. */
export async function prepareKafka(options: PrepareOptions): Promise<RecoveredPoint> {
  const { kafka, config, slot, streamTopics, logger } = options;
  const settle = { deadlineMs: config.startupTimeoutMs, logger, signal: options.signal };
  await untilClusterSettles(
    "creating the topics",
    () =>
      ensureTopics(kafka, [
        ...streamTopics.map((topic) => ({ topic, partitions: config.topicPartitions })),
        { topic: config.dlqTopic, partitions: 1 },
      ]),
    settle,
  );
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
