import { classifyProduceError, type ProduceErrorKind } from "@wikistream/kafka";
import { type Backoff, createBackoff, errorMessage, sleep } from "@wikistream/resilience";
import type { Producer } from "kafkajs";
import type { OutboundRecord } from "../records/record.ts";
import {
  type FailureContext,
  failureContext,
  planAfterFailure,
  producerBatch,
  type Resend,
  recordContext,
  resendLater,
  resumeHeadersFor,
} from "./batch.ts";
import { HeldRecords } from "./held.ts";
import { defaultBatchBytes, defaultBufferBytes, type PublisherOptions } from "./publisher-options.ts";
import { abortAfter, unlessAborted, Waiters } from "./waiting.ts";

export type { PublisherOptions } from "./publisher-options.ts";

/**
 * Batches records into Kafka, one batch in flight at a time, and retries a failed batch until Kafka
 * takes it. Sequential batches are what make resuming safe: a record in Kafka proves every earlier
 * batch was acknowledged, so each record carries the id from before its own batch as the resume point.
 * A batch Kafka refuses as too large is split in halves, sent in order and one at a time; every part
 * keeps the original batch's resume headers (the id from before it is also from before each part).
 */
export class Publisher {
  readonly #options: PublisherOptions;
  readonly #held: HeldRecords;
  readonly #batchBytes: number;
  readonly #backoff: Backoff;
  readonly #retryMaxMs: number;
  #producer: Producer;
  #lastAckedSseId: string | undefined;
  #loop: Promise<void> | undefined;
  readonly #wakeLoop = new Waiters();
  readonly #drained = new Waiters();
  // stopping: no more records will come, so publish what is held without lingering.
  readonly #stopping = new AbortController();
  // givingUp: the drain deadline passed while Kafka was away; stop retrying and leave.
  readonly #givingUp = new AbortController();

  constructor(options: PublisherOptions) {
    this.#options = options;
    this.#held = new HeldRecords({
      records: options.bufferSize,
      bytes: options.bufferBytes ?? defaultBufferBytes,
    });
    this.#batchBytes = options.batchBytes ?? defaultBatchBytes;
    this.#producer = options.producer;
    this.#lastAckedSseId = options.startId;
    this.#retryMaxMs = options.retryMaxMs ?? 5_000;
    this.#backoff = createBackoff({ initialMs: options.retryInitialMs ?? 200, maxMs: this.#retryMaxMs });
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /**
   * Adds a record; waits while the buffer is full, by count or by size (backpressure on the stream
   * reader). Rejects with the signal's reason if it aborts while waiting: the record was never held,
   * so the next start reads it again from upstream.
   */
  async enqueue(record: OutboundRecord, signal?: AbortSignal): Promise<void> {
    if (this.#held.full) await this.#held.waitForRoom(signal);
    this.#held.push(record);
    // Only the loop's first record wakes it: it waits for nothing else (the linger is a sleep).
    if (this.#held.length === 1) this.#wakeLoop.wakeAll();
  }

  /** Resolves once every record enqueued so far is acknowledged by Kafka. */
  flush(): Promise<void> {
    if (this.#held.length === 0) return Promise.resolve();
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
    const deadline = abortAfter(options.drainTimeoutMs, this.#givingUp, "drain deadline passed");
    try {
      await this.#loop;
    } finally {
      clearTimeout(deadline);
    }
    this.#held.wakeWriters();
    return { unpublished: this.#held.length };
  }

  get depth(): number {
    return this.#held.length;
  }

  /** The size of the records held (see heldSize). */
  get heldBytes(): number {
    return this.#held.bytes;
  }

  /** The newest SSE id whose event and all before it are in Kafka. */
  get lastAckedSseId(): string | undefined {
    return this.#lastAckedSseId;
  }

  /** The newest SSE id held, acked or buffered: where a reconnect of this process resumes. */
  get lastHeldSseId(): string | undefined {
    return this.#held.newestSseId() ?? this.#lastAckedSseId;
  }

  async #run(): Promise<void> {
    const { batchSize, lingerMs } = this.#options;
    const held = this.#held;
    while (true) {
      if (held.length === 0) {
        this.#drained.wakeAll();
        if (this.#stopping.signal.aborted) return;
        await this.#wakeLoop.wait();
        continue;
      }
      // Linger briefly for a fuller batch unless one is already full or we are draining.
      const full = held.length >= batchSize || held.bytes >= this.#batchBytes;
      if (!full && lingerMs > 0 && !this.#stopping.signal.aborted) {
        await sleep(lingerMs, this.#stopping.signal).catch(() => {});
      }
      const batch = held.oldest(batchSize, this.#batchBytes);
      const headers = resumeHeadersFor(batch, this.#lastAckedSseId, this.#options.startSince);
      if (!(await this.#publishUntilAcked(batch, headers))) return;
      held.release(batch.length);
      const newest = batch.findLast((record) => record.sseId !== undefined);
      if (newest) this.#lastAckedSseId = newest.sseId;
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
        const next = await this.#afterFailure(error, batch, attempt, previous);
        if (next.step === "smaller") return this.#publishSmaller(batch, headers, next.context);
        previous = next.previous;
      }
    }
    return false;
  }

  /**
   * Acts on a failed attempt as planAfterFailure says (a new producer, a delay, blocked), and tells
   * the caller to send the batch again or smaller, with the failure kind to remember.
   */
  async #afterFailure(
    error: unknown,
    batch: readonly OutboundRecord[],
    attempt: number,
    previous: ProduceErrorKind | undefined,
  ): Promise<{ step: "again" | "smaller"; previous: ProduceErrorKind | undefined; context: FailureContext }> {
    const kind = classifyProduceError(error);
    this.#options.onSendError?.(error, batch, kind);
    const context = failureContext(error, batch, attempt);
    const plan = planAfterFailure(kind, previous);
    if (plan.kind === "shrink" && (await this.#renewed(context)))
      return { step: "smaller", previous, context };
    if (plan.kind === "renew" && (await this.#renewed(context))) {
      this.#options.logger.warn("kafka producer out of sequence; resending with a new producer", context);
      return { step: "again", previous: kind, context };
    }
    const resend = plan.kind === "resend" ? plan : resendLater;
    if (resend.blocked) this.#options.onBlocked?.(context.code, error);
    // Not renewed: the next sequence error gets its renewal. Blocked on one: the same producer can
    // never get past it, so the slow retry renews it again.
    const forget = plan.kind === "renew" || (resend.blocked && kind === "sequence");
    await this.#waitToResend(resend, context);
    return { step: "again", previous: forget ? undefined : kind, context };
  }

  async #waitToResend(resend: Resend, context: FailureContext): Promise<void> {
    const delayMs = resend.delay === "ceiling" ? this.#retryMaxMs : this.#backoff.next();
    this.#options.logger[resend.level](resend.message, { ...context, delayMs });
    // No producer.connect() here: sendBatch reconnects the cluster itself once the broker is back
    // (checked against a real broker stopped for 30 s), and the producer id must stay the same so
    // that Kafka drops a retried batch whose first attempt did land.
    await sleep(delayMs, this.#givingUp.signal).catch(() => {});
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
    const where = { ...context, ...recordContext(record) };
    if (letter === undefined) {
      logger.error("kafka refused a single record as too large; dropped", where);
      return true;
    }
    logger.error("kafka refused a single record as too large; dead-lettered", where);
    return this.#publishUntilAcked([letter], headers);
  }
}
