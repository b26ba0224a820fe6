import { classifyProduceError, type ProduceErrorKind, produceErrorCode } from "@wikistream/kafka";
import type { Logger } from "@wikistream/log";
import { type Backoff, createBackoff, errorMessage, sleep } from "@wikistream/resilience";
import type { Producer } from "kafkajs";
import type { OutboundRecord } from "../records/record.ts";
import { planAfterFailure, producerBatch, resendLater, resumeHeadersFor } from "./batch.ts";
import { unlessAborted, Waiters } from "./waiting.ts";

export interface PublisherOptions {
  producer: Producer;
  acks: -1 | 0 | 1;
  batchSize: number;
  lingerMs: number;
  /** Records held at most; enqueue() waits beyond it, which stops the stream reader. */
  bufferSize: number;
  logger: Logger;
  /** The SSE id the stream was (re)started from: the resume point of the first batch. */
  startId?: string | undefined;
  /** The `since` the stream was started from when no id was known; the fallback resume point. */
  startSince?: string | undefined;
  retryInitialMs?: number;
  retryMaxMs?: number;
  onAcked?: (records: readonly OutboundRecord[], latencySeconds: number) => void;
  onSendError?: (error: unknown, records: readonly OutboundRecord[], kind: ProduceErrorKind) => void;
  /**
   * Told of each failure retrying cannot fix (see planAfterFailure), with its Kafka code: ingest is
   * blocked until the next acknowledgement (onAcked).
   */
  onBlocked?: (code: string, error: unknown) => void;
  /**
   * The dead letter to publish instead of a single record Kafka refuses as too large, or undefined to
   * drop it (a dead letter itself too large). Without it, such a record is dropped.
   */
  deadLetterTooLarge?: (record: OutboundRecord, code: string) => Promise<OutboundRecord | undefined>;
  /**
   * A connected producer with a new producer id, used from then on, after a too-large refusal (kafkajs'
   * sequence numbers are wrong after one). Parts of the refused request Kafka did write are then
   * written again: at least once, and downstream `_id = meta.id` absorbs it.
   */
  renewProducer?: () => Promise<Producer>;
}

/** What a failed attempt is logged with. */
type FailureContext = { error: string; code: string; records: number; topics: string[]; attempt: number };

/**
 * Batches records into Kafka, one batch in flight at a time, and retries a failed batch until Kafka
 * takes it. Sequential batches are what make resuming safe: a record in Kafka proves every earlier
 * batch was acknowledged, so each record carries the id from before its own batch as the resume point.
 * A batch Kafka refuses as too large is split in halves, sent in order and one at a time; every part
 * keeps the original batch's resume headers (the id from before it is also from before each part).
 */
export class Publisher {
  readonly #options: PublisherOptions;
  readonly #buffer: OutboundRecord[] = [];
  readonly #backoff: Backoff;
  readonly #retryMaxMs: number;
  #producer: Producer;
  #lastAckedSseId: string | undefined;
  #loop: Promise<void> | undefined;
  readonly #wakeLoop = new Waiters();
  readonly #space = new Waiters();
  readonly #drained = new Waiters();
  // stopping: no more records will come, so publish what is held without lingering.
  readonly #stopping = new AbortController();
  // givingUp: the drain deadline passed while Kafka was away; stop retrying and leave.
  readonly #givingUp = new AbortController();

  constructor(options: PublisherOptions) {
    this.#options = options;
    this.#producer = options.producer;
    this.#lastAckedSseId = options.startId;
    this.#retryMaxMs = options.retryMaxMs ?? 5_000;
    this.#backoff = createBackoff({ initialMs: options.retryInitialMs ?? 200, maxMs: this.#retryMaxMs });
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /**
   * Adds a record; waits while the buffer is full (backpressure on the stream reader). Rejects with
   * the signal's reason if it aborts while waiting: the record was never held, so the next start
   * reads it again from upstream.
   */
  async enqueue(record: OutboundRecord, signal?: AbortSignal): Promise<void> {
    while (this.#buffer.length >= this.#options.bufferSize) {
      signal?.throwIfAborted();
      await this.#space.wait(signal);
    }
    this.#buffer.push(record);
    this.#wakeLoop.wakeAll();
  }

  /** Resolves once every record enqueued so far is acknowledged by Kafka. */
  flush(): Promise<void> {
    if (this.#buffer.length === 0) return Promise.resolve();
    return this.#drained.wait();
  }

  /**
   * Publishes what is buffered, then ends the loop. With a deadline, gives up once it passes (Kafka
   * down) and reports how many records stayed unpublished: they were never acknowledged, so the next
   * start resumes before them and nothing is lost.
   */
  async stop(options: { drainTimeoutMs?: number } = {}): Promise<{ unpublished: number }> {
    this.#stopping.abort();
    this.#wakeLoop.wakeAll();
    const { drainTimeoutMs } = options;
    const timer =
      drainTimeoutMs === undefined
        ? undefined
        : setTimeout(() => this.#givingUp.abort(new Error("drain deadline passed")), drainTimeoutMs);
    try {
      await this.#loop;
    } finally {
      clearTimeout(timer);
    }
    this.#space.wakeAll();
    return { unpublished: this.#buffer.length };
  }

  get depth(): number {
    return this.#buffer.length;
  }

  /** The newest SSE id whose event and all before it are in Kafka. */
  get lastAckedSseId(): string | undefined {
    return this.#lastAckedSseId;
  }

  /** The newest SSE id held, acked or buffered: where a reconnect of this process resumes. */
  get lastHeldSseId(): string | undefined {
    return this.#buffer.findLast((record) => record.sseId !== undefined)?.sseId ?? this.#lastAckedSseId;
  }

  async #run(): Promise<void> {
    const { batchSize, lingerMs } = this.#options;
    while (true) {
      if (this.#buffer.length === 0) {
        this.#drained.wakeAll();
        if (this.#stopping.signal.aborted) return;
        await this.#wakeLoop.wait();
        continue;
      }
      // Linger briefly for a fuller batch unless one is already full or we are draining.
      if (this.#buffer.length < batchSize && lingerMs > 0 && !this.#stopping.signal.aborted) {
        await sleep(lingerMs, this.#stopping.signal).catch(() => {});
      }
      const batch = this.#buffer.slice(0, batchSize);
      const headers = resumeHeadersFor(batch, this.#lastAckedSseId, this.#options.startSince);
      if (!(await this.#publishUntilAcked(batch, headers))) return;
      this.#buffer.splice(0, batch.length);
      const newest = batch.findLast((record) => record.sseId !== undefined);
      if (newest) this.#lastAckedSseId = newest.sseId;
      this.#space.wakeAll();
    }
  }

  /**
   * True once Kafka acknowledged the batch (or its parts, or took a too-large record's dead letter
   * instead); false if the drain deadline passed first.
   */
  async #publishUntilAcked(
    batch: readonly OutboundRecord[],
    headers: Record<string, string>,
  ): Promise<boolean> {
    const giveUp = this.#givingUp.signal;
    // The previous failure's kind, once acted on: a second sequence error after a renewal blocks.
    let previous: ProduceErrorKind | undefined;
    for (let attempt = 1; !giveUp.aborted; attempt++) {
      const started = performance.now();
      try {
        const request = producerBatch(batch, headers, this.#options.acks);
        // kafkajs retries inside sendBatch for several seconds; the deadline must not wait for that.
        await unlessAborted(this.#producer.sendBatch(request), giveUp);
        this.#backoff.reset();
        this.#options.onAcked?.(batch, (performance.now() - started) / 1000);
        return true;
      } catch (error) {
        if (giveUp.aborted) break;
        const kind = classifyProduceError(error);
        this.#options.onSendError?.(error, batch, kind);
        const context = failureContext(error, batch, attempt);
        const plan = planAfterFailure(kind, previous);
        previous = kind;
        if (plan.kind === "shrink" && (await this.#renewed(context))) {
          return this.#publishSmaller(batch, headers, context);
        }
        if (plan.kind === "renew") {
          if (await this.#renewed(context)) {
            this.#options.logger.warn(
              "kafka producer out of sequence; resending with a new producer",
              context,
            );
            continue;
          }
          previous = undefined; // not renewed: the next sequence error gets its renewal
        }
        const resend = plan.kind === "resend" ? plan : resendLater;
        if (resend.blocked) this.#options.onBlocked?.(context.code, error);
        // The same producer can never get past a sequence error: the slow retry renews it again.
        if (resend.blocked && kind === "sequence") previous = undefined;
        const delayMs = resend.delay === "ceiling" ? this.#retryMaxMs : this.#backoff.next();
        this.#options.logger[resend.level](resend.message, { ...context, delayMs });
        // No producer.connect() here: sendBatch reconnects the cluster itself once the broker is back
        // (checked against a real broker stopped for 30 s), and the producer id must stay the same so
        // that Kafka drops a retried batch whose first attempt did land.
        await sleep(delayMs, giveUp).catch(() => {});
      }
    }
    return false;
  }

  /** False if a new producer could not be had (Kafka away): the caller backs off and tries again. */
  async #renewed(context: FailureContext): Promise<boolean> {
    if (this.#options.renewProducer === undefined) return true;
    try {
      this.#producer = await this.#options.renewProducer();
      return true;
    } catch (error) {
      this.#options.logger.warn("could not renew the kafka producer; retrying", {
        ...context,
        renewError: errorMessage(error),
      });
      return false;
    }
  }

  /** Splits a too-large batch in halves, in order; a single record goes to the dead-letter topic. */
  async #publishSmaller(
    batch: readonly OutboundRecord[],
    headers: Record<string, string>,
    context: FailureContext,
  ): Promise<boolean> {
    const { logger } = this.#options;
    if (batch.length > 1) {
      const half = Math.ceil(batch.length / 2);
      logger.warn("kafka refused the batch as too large; splitting it in halves", context);
      return (
        (await this.#publishUntilAcked(batch.slice(0, half), headers)) &&
        this.#publishUntilAcked(batch.slice(half), headers)
      );
    }
    const [record] = batch as [OutboundRecord];
    const letter = await this.#options.deadLetterTooLarge?.(record, context.code);
    const where = {
      ...context,
      topic: record.topic,
      sseId: record.sseId,
      metaId: record.metaId,
      bytes: record.value.length,
    };
    if (letter === undefined) {
      logger.error("kafka refused a single record as too large; dropped", where);
      return true;
    }
    logger.error("kafka refused a single record as too large; dead-lettered", where);
    return this.#publishUntilAcked([letter], headers);
  }
}

function failureContext(error: unknown, batch: readonly OutboundRecord[], attempt: number): FailureContext {
  return {
    error: errorMessage(error),
    code: produceErrorCode(error),
    records: batch.length,
    topics: [...new Set(batch.map((r) => r.topic))],
    attempt,
  };
}
