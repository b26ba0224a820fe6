import { recordHeaders } from "@wikistream/events";
import type { Logger } from "@wikistream/log";
import type { BatchLimits } from "./batch.ts";
import type { BulkClient } from "./bulk-client.ts";
import { bulkOperation, type IndexNaming } from "./bulk-request.ts";
import { decodeRecord } from "./decode.ts";
import { type BulkItem, createDispatcher, type RetryPolicy } from "./dispatch.ts";
import {
  createDeadLetterQueue,
  type DeadLetter,
  type DeadLetterPublisher,
  type DeadLetterStage,
} from "./dlq.ts";
import { DeadLetterTruncatedError, errorCode, TransformError } from "./errors.ts";
import { indexedStreams } from "./indices.ts";
import type { IndexerMetrics } from "./metrics.ts";
import {
  createPartitions,
  type PartitionControl,
  type PartitionState,
  type RecordRef,
} from "./partitions.ts";
import type { ConsumedRecord } from "./record.ts";
import type { TopicPartitionOffset } from "./source.ts";
import { toDocument } from "./transform.ts";
import type { TransformSet } from "./transforms/index.ts";

export type { RetryPolicy } from "./dispatch.ts";
export type { PartitionControl } from "./partitions.ts";

export interface PipelineOptions {
  bulk: BulkClient;
  deadLetters: DeadLetterPublisher;
  control: PartitionControl;
  metrics: IndexerMetrics;
  logger: Logger;
  naming: IndexNaming;
  topicPrefix: string;
  transforms: TransformSet;
  limits: BatchLimits;
  concurrency: number;
  maxPendingPerPartition: number;
  retry: RetryPolicy;
  /** Per dead-letter send; defaults to deadLetterSendLimits. */
  deadLetterLimits?: { maxLetters: number; maxBytes: number };
  now?: () => number;
}

export interface PipelineStats {
  pending: number;
  inFlight: number;
  queued: number;
  paused: number;
  partitions: number;
  /** Records after the committed position, summed over the owned partitions. */
  lag: number;
  /** Since start: records consumed, and their outcomes (retried counts resends). */
  counts: { consumed: number; indexed: number; retried: number; deadLettered: number; skipped: number };
}

export interface Pipeline {
  /** Takes one partition's fetched records. Synchronous; never throws for a bad record. */
  accept(topic: string, partition: number, records: readonly ConsumedRecord[], highWatermark: bigint): void;
  /** A new group generation: work of the previous one is dropped (Kafka re-delivers it). */
  assign(assignment: Record<string, number[]>): void;
  /** Offsets that can be committed now (finished up to there, and moved since the last commit). */
  committable(): TopicPartitionOffset[];
  markCommitted(offsets: readonly TopicPartitionOffset[]): void;
  /** Sends whatever is queued now instead of waiting for the linger time. */
  flush(): void;
  /** Flushes and waits until every consumed record is finished, or the timeout; true when drained. */
  drain(timeoutMs: number): Promise<boolean>;
  /** Stops timers; queued work is abandoned (it was not committed, so Kafka re-delivers it). */
  close(): void;
  stats(): PipelineStats;
}

/**
 * Composition of the stages: decode → transform → bulk-request → dispatch (batch, bulk-client,
 * classify, retries) → offsets / dlq. Every consumed record ends indexed, dead-lettered (acknowledged
 * by Kafka) or skipped, and only then counts as finished for its partition's commit tracker.
 */
export function createPipeline(options: PipelineOptions): Pipeline {
  const now = options.now ?? (() => Date.now());
  const { metrics } = options;
  const log = options.logger.child({ component: "pipeline" });
  const counts = { consumed: 0, indexed: 0, retried: 0, deadLettered: 0, skipped: 0 };
  let closed = false;
  const partitions = createPartitions({
    control: options.control,
    metrics,
    logger: options.logger,
    maxPendingPerPartition: options.maxPendingPerPartition,
  });

  const letters = createDeadLetterQueue<RecordRef>({
    publisher: options.deadLetters,
    keep: (ref) => partitions.isCurrent(ref.state),
    onPublished: (ref, letter) => {
      metrics.documents.inc({ result: "dead_lettered", reason: letter.reason });
      counts.deadLettered += 1;
      partitions.finish(ref);
    },
    onError: (error, count) => {
      metrics.errors.inc({ code: errorCode(error) });
      log.error("dead-letter publish failed; retrying", { error, letters: count });
    },
    onTruncated: (_ref, letter) => {
      const error = new DeadLetterTruncatedError("dead letter too large for Kafka even alone; truncated");
      metrics.errors.inc({ code: error.code });
      log.warn(error.message, {
        code: error.code,
        topic: letter.record.topic,
        partition: letter.record.partition,
        offset: letter.record.offset,
        valueBytes: letter.truncated?.valueBytes,
      });
    },
    backoff: { initialMs: options.retry.initialMs, maxMs: options.retry.maxMs },
    ...(options.deadLetterLimits ? { limits: options.deadLetterLimits } : {}),
  });

  function deadLetter(
    ref: RecordRef,
    record: ConsumedRecord,
    stage: DeadLetterStage,
    reason: string,
    detail: string,
    status?: number,
  ) {
    const letter: DeadLetter = { record, stage, reason, detail, ...(status === undefined ? {} : { status }) };
    log.warn("dead-lettering record", {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      id: record.headers[recordHeaders.metaId],
      stage,
      reason,
      detail: detail.slice(0, 500),
    });
    letters.push(ref, letter);
  }

  const dispatcher = createDispatcher({
    bulk: options.bulk,
    partitions,
    limits: options.limits,
    concurrency: options.concurrency,
    retry: options.retry,
    metrics,
    logger: options.logger,
    now,
    onIndexed: (item, at) => {
      metrics.documents.inc({ result: "indexed", reason: "" });
      counts.indexed += 1;
      const freshness = Math.max(0, (at - item.eventTimeMs) / 1000);
      metrics.freshness.observe({ stream: indexedStreams[item.stream] }, freshness);
      partitions.finish(item);
    },
    onRetry: (items, reason) => {
      metrics.documents.inc({ result: "retried", reason }, items.length);
      counts.retried += items.length;
    },
    onDeadLetter: (item, reason, detail, status) =>
      deadLetter(item, item.record, "index", reason, detail, status),
  });

  /** decode → transform → bulk operation, or a skip or dead letter. */
  function take(state: PartitionState, record: ConsumedRecord, at: number): void {
    const offset = BigInt(record.offset);
    try {
      state.tracker.add(offset);
    } catch {
      // Already taken in this generation (kafkajs re-fetched it): the first copy is on its way.
      metrics.documents.inc({ result: "skipped", reason: "already_taken" });
      counts.skipped += 1;
      log.warn("record already taken in this generation; skipped", {
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
      });
      return;
    }
    const ref: RecordRef = { state, offset };
    const decoded = decodeRecord(record, options.topicPrefix);
    if (decoded.kind === "skip") {
      metrics.documents.inc({ result: "skipped", reason: decoded.reason });
      counts.skipped += 1;
      partitions.finish(ref);
      return;
    }
    if (decoded.kind === "reject") {
      deadLetter(ref, record, "decode", decoded.reason, decoded.detail);
      return;
    }
    let item: BulkItem;
    try {
      const document = toDocument(decoded, options.transforms);
      const operation = bulkOperation(decoded.stream, document, decoded.event.meta, options.naming);
      item = {
        ...operation,
        ...ref,
        record,
        stream: decoded.stream,
        eventTimeMs: Date.parse(decoded.event.meta.dt),
        attempts: 0,
      };
    } catch (error) {
      metrics.errors.inc({ code: errorCode(error) });
      const cause = error instanceof TransformError ? error.cause : undefined;
      const detail = cause instanceof Error ? `${(error as Error).message}: ${cause.message}` : String(error);
      deadLetter(ref, record, "transform", "transform_failed", detail);
      return;
    }
    dispatcher.add(item, at);
  }

  return {
    accept(topic, partition, records, highWatermark) {
      if (closed || records.length === 0) return;
      const state = partitions.stateFor(topic, partition);
      const at = now();
      for (const record of records) take(state, record, at);
      metrics.records.inc({ topic }, records.length);
      counts.consumed += records.length;
      partitions.fetched(state, BigInt(records[0]!.offset), highWatermark);
      dispatcher.pump();
    },

    assign(assignment) {
      partitions.assign(assignment);
      const dropped = dispatcher.dropStale();
      if (dropped > 0) log.info("dropped queued work of the previous generation", { dropped });
    },

    committable: () => partitions.committable(),
    markCommitted: (offsets) => partitions.markCommitted(offsets),
    flush: () => dispatcher.pump(true),

    async drain(timeoutMs) {
      const deadline = now() + timeoutMs;
      while (partitions.pending() > 0 || dispatcher.inFlight > 0) {
        const left = deadline - now();
        if (left <= 0) return false;
        dispatcher.pump(true);
        await partitions.progress(Math.min(left, 250));
      }
      return true;
    },

    close() {
      closed = true;
      dispatcher.close();
      letters.close();
      partitions.close();
    },

    stats: () => ({
      pending: partitions.pending(),
      inFlight: dispatcher.inFlight,
      queued: dispatcher.queued,
      paused: partitions.paused(),
      partitions: partitions.size,
      lag: partitions.lag(),
      counts: { ...counts },
    }),
  };
}
