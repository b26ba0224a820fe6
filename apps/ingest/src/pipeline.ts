import type { StreamName } from "@wikistream/events";
import {
  classifyKafkaError,
  explainKafkaStartupError,
  kafkaAclFix,
  produceErrorCode,
} from "@wikistream/kafka";
import type { Logger } from "@wikistream/log";
import { errorMessage } from "@wikistream/resilience";
import type { IngestConfig } from "./config.ts";
import type { IngestMetrics } from "./metrics.ts";
import type { ProducerSlot } from "./publish/producer-slot.ts";
import { Publisher } from "./publish/publisher.ts";
import type { OutboundRecord } from "./records/record.ts";
import type { ResumePoint } from "./resume/recover.ts";
import { FrameRouter } from "./route/router.ts";
import { SeenIds } from "./route/seen-ids.ts";
import { countAck, summariseAck } from "./status/acked.ts";
import type { Tally } from "./status/tally.ts";

/** What one run's router and publisher are built from. */
export interface PipelineParts {
  config: IngestConfig;
  metrics: IngestMetrics;
  logger: Logger;
  slot: ProducerSlot;
  tally: Tally;
  /** The topic of each requested stream. */
  topics: ReadonlyMap<StreamName, string>;
  /** The stream URL, named in dead letters. */
  url: string;
  /** Kafka refused the credentials before it took one record: a start-up failure, explained in `line`. */
  onFatal?: (line: string) => void;
}

/** Routes frames, remembering what Kafka's tail already holds (so a re-read batch is not sent twice). */
export function createRouter(parts: PipelineParts, resume: ResumePoint): FrameRouter {
  const { config, metrics, logger, tally, topics, url } = parts;
  return new FrameRouter({
    streams: config.streams,
    topics,
    dlqTopic: config.dlqTopic,
    url,
    seen: {
      events: new SeenIds(resume.publishedIds),
      frames: new SeenIds(resume.deadLetteredFrames, 1000),
    },
    metrics,
    tally,
    logger,
  });
}

/**
 * A started publisher whose outcomes reach the producer slot (healthy, blocked), the metrics and the
 * tally; a record Kafka refuses as too large is dead-lettered through the router.
 */
export function startPublisher(
  parts: PipelineParts,
  start: { id: string | undefined; since: string },
  router: FrameRouter,
): Publisher {
  const { config, metrics, logger, slot } = parts;
  let acknowledgedAny = false;
  const publisher: Publisher = new Publisher({
    producer: slot.producer,
    acks: slot.acks,
    batchSize: config.batchSize,
    lingerMs: config.lingerMs,
    bufferSize: config.bufferSize,
    batchBytes: config.batchBytes,
    bufferBytes: config.bufferBytes,
    logger,
    startId: start.id,
    startSince: start.since,
    onAcked: (records, seconds) => {
      acknowledgedAny = true;
      acknowledged(parts, publisher, records, seconds);
    },
    onSendError: (error) => {
      slot.failed();
      metrics.produceErrors.inc({ code: produceErrorCode(error) });
      const { kind } = classifyKafkaError(error);
      if (kind === "authentication" || kind === "authorization") {
        metrics.authFailures.inc({ target: "kafka", cause: kind });
      }
    },
    onBlocked: (code, error) => {
      const before = slot.blocked;
      if (before && before.code !== code) metrics.produceBlocked.set({ code: before.code }, 0);
      slot.block(code, errorMessage(error));
      metrics.produceBlocked.set({ code }, 1);
      if (!acknowledgedAny) refusedAtStart(parts, code, error);
    },
    deadLetterTooLarge: (record, code) => router.deadLetterTooLarge(record, code),
    renewProducer: () => slot.renew(),
  });
  publisher.start();
  return publisher;
}

/**
 * Kafka refused ingest's credentials before it took a single record (no dry-run produce exists to
 * check Write at start): one line naming the principal, the topics and the fix, then exit 1. Refused
 * later (an ACL removed, a password rotated under a running ingest), it only makes ingest not ready.
 */
function refusedAtStart(parts: PipelineParts, code: string, error: unknown): void {
  const { config } = parts;
  const failure = classifyKafkaError(error);
  if (failure.kind !== "authorization" && failure.kind !== "authentication") return;
  const brokers = config.kafkaBrokers.join(",");
  const topics = [...new Set([...parts.topics.values(), config.dlqTopic])];
  const line =
    failure.kind === "authentication"
      ? explainKafkaStartupError(error, {
          brokers: config.kafkaBrokers,
          timeoutVariable: "INGEST_STARTUP_TIMEOUT_MS",
          security: config.kafkaSecurity,
        })
      : `Kafka at ${brokers} (KAFKA_BROKERS) refused ingest's first records (${code}; topics ${topics.join(", ")}): ${failure.detail}. ${kafkaAclFix({ type: code, operation: "Write", topic: topics.join(" --topic ") }, brokers, config.kafkaSecurity)}`;
  parts.onFatal?.(line ?? failure.detail);
}

/** An acknowledged batch: ends a block, and counts the batch in the metrics and the tally. */
function acknowledged(
  parts: PipelineParts,
  publisher: Publisher,
  records: readonly OutboundRecord[],
  seconds: number,
): void {
  const { config, metrics, logger, slot, tally } = parts;
  const ended = slot.acknowledged();
  if (ended) {
    metrics.produceBlocked.set({ code: ended.code }, 0);
    logger.info("kafka accepts records again; ingest is no longer blocked", { ...ended });
  }
  metrics.produceLatency.observe(seconds);
  countAck({ metrics, tally }, summariseAck(records, config.dlqTopic), Date.now());
  metrics.bufferDepth.set(publisher.depth - records.length);
}
