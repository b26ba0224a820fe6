import { recordHeaders } from "@wikistream/events";
import type { Logger } from "@wikistream/log";
import { createBulkSend } from "./bulk/bulk-send.ts";
import { isClusterCause } from "./bulk/outcome.ts";
import { BulkSender, type SenderEvents } from "./delivery/sender.ts";
import { DeadLetterHealth } from "./dlq/health.ts";
import type { DeadLetterStage, RecordDeadLetter } from "./dlq/letter.ts";
import { DeadLetterQueue } from "./dlq/queue.ts";
import { DeadLetterTruncatedError, errorCode } from "./errors.ts";
import { checkEventTime } from "./index/event-time.ts";
import { indexedStreams } from "./index/names.ts";
import type { PartitionState, RecordRef } from "./offsets/partition-state.ts";
import { PartitionTable } from "./offsets/partition-table.ts";
import type { BulkItem, PipelineOptions, PipelineStats } from "./pipeline-types.ts";
import { prepareRecord } from "./prepare/prepare-record.ts";
import type { ConsumedRecord, TopicPartitionOffset } from "./record.ts";

export type { BulkItem, PipelineOptions, PipelineStats } from "./pipeline-types.ts";

/**
 * Composition of the stages: prepare (decode → transform → bulk operation) → delivery (batch, send,
 * plan, retries) → offsets / dlq. Every consumed record ends indexed, dead-lettered (acknowledged by
 * Kafka) or skipped, and only then counts as finished for its partition's commit tracker.
 */
export class Pipeline {
  readonly #options: PipelineOptions;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #partitions: PartitionTable;
  readonly #letters: DeadLetterQueue<RecordRef>;
  readonly #letterHealth: DeadLetterHealth;
  readonly #sender: BulkSender<BulkItem>;
  readonly #counts = { consumed: 0, indexed: 0, retried: 0, deadLettered: 0, skipped: 0 };
  #closed = false;

  constructor(options: PipelineOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: "pipeline" });
    this.#now = options.now ?? (() => Date.now());
    this.#partitions = new PartitionTable({
      control: options.control,
      metrics: options.metrics,
      logger: options.logger,
      maxUncommittedPerPartition: options.maxUncommittedPerPartition,
    });
    this.#letterHealth = new DeadLetterHealth(options.metrics);
    this.#letters = this.#deadLetterQueue();
    this.#sender = new BulkSender<BulkItem>({
      send: createBulkSend<BulkItem>({ bulk: options.bulk, metrics: options.metrics }),
      limits: options.limits,
      concurrency: options.concurrency,
      retry: options.retry,
      now: this.#now,
      isLive: (item) => this.#partitions.isCurrent(item.state),
      events: this.#senderEvents(options.logger.child({ component: "delivery" })),
    });
  }

  /** Takes one partition's fetched records. Synchronous; never throws for a bad record. */
  accept(topic: string, partition: number, records: readonly ConsumedRecord[], highWatermark: bigint): void {
    if (this.#closed || records.length === 0) return;
    const state = this.#partitions.stateFor(topic, partition);
    const at = this.#now();
    for (const record of records) this.#take(state, record, at);
    this.#options.metrics.records.inc({ topic }, records.length);
    this.#counts.consumed += records.length;
    this.#partitions.fetched(state, BigInt(records[0]!.offset), highWatermark);
    this.#sender.sendDue();
    this.#checkBudget();
  }

  /** A new group generation: work of the previous one is dropped (Kafka re-delivers it). */
  assign(assignment: Record<string, number[]>): void {
    this.#partitions.assign(assignment);
    const dropped = this.#sender.dropStale();
    if (dropped > 0) this.#log.info("dropped queued work of the previous generation", { dropped });
  }

  /** Offsets that can be committed now (finished up to there, and moved since the last commit). */
  committable(): TopicPartitionOffset[] {
    return this.#partitions.committable();
  }

  markCommitted(offsets: readonly TopicPartitionOffset[]): void {
    this.#partitions.markCommitted(offsets);
  }

  /** Sends whatever is queued now instead of waiting for the linger time. */
  flush(): void {
    this.#sender.flush();
  }

  /** Flushes and waits until every consumed record is finished, or the timeout; true when drained. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = this.#now() + timeoutMs;
    while (this.#partitions.pending() > 0 || this.#sender.inFlight > 0) {
      const left = deadline - this.#now();
      if (left <= 0) return false;
      this.#sender.flush();
      await this.#partitions.progress(Math.min(left, 250));
    }
    return true;
  }

  /** Stops timers; queued work is abandoned (it was not committed, so Kafka re-delivers it). */
  close(): void {
    this.#closed = true;
    this.#sender.close();
    this.#letters.close();
    this.#partitions.close();
  }

  /** Kafka's error code while the dead-letter topic refuses letters for good (not ready meanwhile). */
  get deadLettersBlockedBy(): string | undefined {
    return this.#letterHealth.blockedBy;
  }

  stats(): PipelineStats {
    return {
      pending: this.#partitions.pending(),
      inFlight: this.#sender.inFlight,
      queued: this.#sender.queued,
      paused: this.#partitions.paused(),
      partitions: this.#partitions.size,
      lag: this.#partitions.lag(),
      deadLettersBlockedBy: this.#letterHealth.blockedBy,
      counts: { ...this.#counts },
    };
  }

  /** Pauses every partition while the sender holds maxBufferedBytes or more; resumes at half. */
  #checkBudget(): void {
    const max = this.#options.maxBufferedBytes;
    if (max === undefined) return;
    const held = this.#sender.heldBytes;
    if (held >= max) this.#partitions.setOverBudget(true);
    else if (held <= max / 2) this.#partitions.setOverBudget(false);
  }

  /** One record: skipped if this generation already took it, else prepared and sent on its way. */
  #take(state: PartitionState, record: ConsumedRecord, at: number): void {
    const { metrics } = this.#options;
    const offset = BigInt(record.offset);
    if (state.tracker.taken(offset)) {
      // kafkajs re-fetched it within this generation: the first copy is on its way.
      metrics.documents.inc({ result: "skipped", reason: "already_taken" });
      this.#counts.skipped += 1;
      const { topic, partition } = record;
      this.#log.warn("record already taken in this generation; skipped", {
        topic,
        partition,
        offset: record.offset,
      });
      return;
    }
    state.tracker.add(offset);
    const ref: RecordRef = { state, offset };
    const prepared = prepareRecord(record, this.#options);
    switch (prepared.kind) {
      case "skip":
        metrics.documents.inc({ result: "skipped", reason: prepared.reason });
        this.#counts.skipped += 1;
        this.#partitions.finish(ref);
        return;
      case "dead_letter":
        if (prepared.error !== undefined) metrics.errors.inc({ code: errorCode(prepared.error) });
        this.#deadLetter(ref, record, prepared.stage, prepared.reason, prepared.detail);
        return;
      case "item": {
        const { operation, stream, eventTimeMs } = prepared;
        // meta.dt picks the index: one far in the past or future would create one more index.
        const time = checkEventTime(eventTimeMs, at, this.#options.eventTime);
        if (time.kind === "out_of_range") {
          this.#deadLetter(ref, record, "route", "event_time_out_of_range", time.detail);
          return;
        }
        this.#sender.add({ ...operation, ...ref, record, stream, eventTimeMs, attempts: 0 }, at);
        return;
      }
    }
  }

  #deadLetter(
    ref: RecordRef,
    record: ConsumedRecord,
    stage: DeadLetterStage,
    reason: string,
    detail: string,
    status?: number,
  ): void {
    const letter: RecordDeadLetter = {
      record,
      stage,
      reason,
      detail,
      ...(status === undefined ? {} : { status }),
    };
    this.#log.warn("dead-lettering record", {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      id: record.headers[recordHeaders.metaId],
      stage,
      reason,
      detail: detail.slice(0, 500),
    });
    this.#letters.push(ref, letter);
  }

  #deadLetterQueue(): DeadLetterQueue<RecordRef> {
    const { metrics, retry, deadLetterLimits } = this.#options;
    return new DeadLetterQueue<RecordRef>({
      publisher: this.#options.deadLetters,
      keep: (ref) => this.#partitions.isCurrent(ref.state),
      onPublished: (ref, letter) => {
        this.#letterHealth.published();
        metrics.documents.inc({ result: "dead_lettered", reason: letter.reason });
        this.#counts.deadLettered += 1;
        this.#partitions.finish(ref);
      },
      onError: (error, count) => {
        metrics.errors.inc({ code: errorCode(error) });
        this.#letterHealth.failed(error);
        const blockedBy = this.#letterHealth.blockedBy;
        const message = blockedBy
          ? "dead-letter topic refuses the letters; retrying, not ready until a send passes"
          : "dead-letter publish failed; retrying";
        this.#log.error(message, { error, letters: count, ...(blockedBy ? { kafkaCode: blockedBy } : {}) });
      },
      onTruncated: (_ref, letter) => {
        const error = new DeadLetterTruncatedError("dead letter too large for Kafka even alone; truncated");
        metrics.errors.inc({ code: error.code });
        const { topic, partition, offset } = letter.record;
        const valueBytes = letter.truncated?.valueBytes;
        this.#log.warn(error.message, { code: error.code, topic, partition, offset, valueBytes });
      },
      backoff: { initialMs: retry.initialMs, maxMs: retry.maxMs },
      ...(deadLetterLimits ? { limits: deadLetterLimits } : {}),
    });
  }

  #senderEvents(log: Logger): SenderEvents<BulkItem> {
    const { metrics } = this.#options;
    const partitions = this.#partitions;
    return {
      delivered: (item, at) => {
        metrics.documents.inc({ result: "indexed", reason: "" });
        this.#counts.indexed += 1;
        const freshness = Math.max(0, (at - item.eventTimeMs) / 1000);
        metrics.freshness.observe({ stream: indexedStreams[item.stream] }, freshness);
        partitions.finish(item);
      },
      deadLetter: (item, reason, detail, status) =>
        this.#deadLetter(item, item.record, "index", reason, detail, status),
      retryScheduled: (items, reason) => {
        metrics.documents.inc({ result: "retried", reason }, items.length);
        // A cluster state (write block, missing index, …): these wait, and the alert reads this.
        if (isClusterCause(reason)) {
          metrics.clusterRefusals.inc({ reason }, items.length);
          const indices = [...new Set(items.map((item) => item.index))].slice(0, 5);
          log.warn("OpenSearch refuses documents for the cluster's state; they wait, partitions paused", {
            reason,
            documents: items.length,
            indices,
          });
        }
        this.#counts.retried += items.length;
        for (const item of items) partitions.holdForRetry(item.state);
      },
      retryDue: (item) => partitions.releaseFromRetry(item.state),
      requestError: (error) => metrics.errors.inc({ code: error.code }),
      backingOff: (error, delayMs, documents) =>
        log.warn("bulk request failed; backing off", { code: error.code, error, documents, delayMs }),
      inFlight: (count) => metrics.bulkInFlight.set(count),
      settled: () => {
        this.#checkBudget();
        partitions.updateGauges();
      },
      unexpected: (what, error) => {
        metrics.errors.inc({ code: errorCode(error) });
        log.error(`${what} failed unexpectedly`, { error });
      },
    };
  }
}
