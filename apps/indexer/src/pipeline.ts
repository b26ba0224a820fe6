import type { Logger } from "@wikistream/log";
import { BodyBufferPool } from "./bulk/body-pool.ts";
import { createBulkSend } from "./bulk/bulk-send.ts";
import { CredentialHealth } from "./credential-health.ts";
import { BulkSender } from "./delivery/sender.ts";
import type { DeadLetterStage } from "./dlq/letter.ts";
import { ObservedDeadLetterQueue } from "./dlq/observed-queue.ts";
import { errorCode } from "./errors.ts";
import { checkEventTime } from "./index/event-time.ts";
import type { PartitionState, RecordRef } from "./offsets/partition-state.ts";
import { PartitionTable } from "./offsets/partition-table.ts";
import { PipelineOutcomes } from "./pipeline-outcomes.ts";
import type { BulkItem, PipelineOptions, PipelineStats } from "./pipeline-types.ts";
import { prepareRecord } from "./prepare/prepare-record.ts";
import type { ConsumedRecord, TopicPartitionOffset } from "./record.ts";

export type { BulkItem, PipelineOptions, PipelineStats } from "./pipeline-types.ts";

/**
 * Composition of the stages: prepare (decode → transform → bulk operation) → delivery (batch, send,
 * plan, retries) → offsets / dlq. Every consumed record ends indexed, dead-lettered (acknowledged by
 * Kafka) or skipped, and only then counts as finished for its partition's commit tracker
 * (pipeline-outcomes.ts records each outcome).
 */
export class Pipeline {
  readonly #options: PipelineOptions;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #partitions: PartitionTable;
  readonly #outcomes: PipelineOutcomes;
  readonly #letters: ObservedDeadLetterQueue<RecordRef>;
  readonly #sender: BulkSender<BulkItem>;
  #closed = false;

  constructor(options: PipelineOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: "pipeline" });
    this.#now = options.now ?? (() => Date.now());
    const { metrics, retry, deadLetterLimits } = options;
    this.#partitions = new PartitionTable({
      control: options.control,
      metrics,
      logger: options.logger,
      maxUncommittedPerPartition: options.maxUncommittedPerPartition,
    });
    this.#outcomes = new PipelineOutcomes({
      metrics,
      partitions: this.#partitions,
      logger: options.logger.child({ component: "delivery" }),
      settled: () => this.#checkBudget(),
      credentials: options.credentials ?? new CredentialHealth(metrics, options.logger),
    });
    this.#letters = new ObservedDeadLetterQueue<RecordRef>({
      publisher: options.deadLetters,
      metrics,
      logger: this.#log,
      backoff: { initialMs: retry.initialMs, maxMs: retry.maxMs },
      ...(deadLetterLimits ? { limits: deadLetterLimits } : {}),
      keep: (ref) => this.#partitions.isCurrent(ref.state),
      onPublished: (ref, letter) => this.#outcomes.deadLettered(ref, letter.reason),
    });
    // A free body per bulk that may be in flight (4 by default); a body above the
    // size limit (one document larger than it) is used once.
    const bodies = new BodyBufferPool({ maxFree: 4, maxBytes: options.limits.maxBytes + 256 * 1024 });
    const send = createBulkSend<BulkItem>({ bulk: options.bulk, metrics, bodies });
    const { onSent } = options;
    this.#sender = new BulkSender<BulkItem>({
      send: onSent
        ? async (batch) => {
            const outcome = await send(batch);
            onSent(batch, outcome);
            return outcome;
          }
        : send,
      limits: options.limits,
      concurrency: options.concurrency,
      retry,
      now: this.#now,
      isLive: (item) => this.#partitions.isCurrent(item.state),
      events: this.#outcomes.senderEvents((item, reason, detail, status) =>
        this.#deadLetter(item, item.record, "index", reason, detail, status),
      ),
    });
  }

  /** Takes one partition's fetched records. Synchronous; never throws for a bad record. */
  accept(topic: string, partition: number, records: readonly ConsumedRecord[], highWatermark: bigint): void {
    if (this.#closed || records.length === 0) return;
    const state = this.#partitions.stateFor(topic, partition);
    const at = this.#now();
    for (const record of records) this.#take(state, record, at);
    this.#outcomes.consumed(topic, records.length);
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
    return this.#letters.blockedBy;
  }

  stats(): PipelineStats {
    return {
      pending: this.#partitions.pending(),
      inFlight: this.#sender.inFlight,
      queued: this.#sender.queued,
      paused: this.#partitions.paused(),
      partitions: this.#partitions.size,
      lag: this.#partitions.lag(),
      deadLettersBlockedBy: this.#letters.blockedBy,
      counts: this.#outcomes.counts(),
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
    const offset = BigInt(record.offset);
    if (state.tracker.taken(offset)) {
      // kafkajs re-fetched it within this generation: the first copy is on its way.
      this.#outcomes.skipped("already_taken");
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
        this.#outcomes.skipped(prepared.reason, ref);
        return;
      case "dead_letter":
        if (prepared.error !== undefined)
          this.#options.metrics.errors.inc({ code: errorCode(prepared.error) });
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
    this.#letters.push(ref, { record, stage, reason, detail, ...(status === undefined ? {} : { status }) });
  }
}
