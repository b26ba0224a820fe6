import { recordHeaders as headerNames } from "@wikistream/events";
import { classifyProduceError, type ProduceErrorKind, produceErrorCode } from "@wikistream/kafka";
import type { Logger } from "@wikistream/log";
import { createBackoff, errorMessage, sleep } from "@wikistream/resilience";
import { CompressionTypes, type Message, type Producer } from "kafkajs";
import type { OutboundRecord } from "./record.ts";

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

/**
 * Batches records into Kafka, one batch in flight at a time, and retries a failed batch until Kafka
 * takes it. Sequential batches are what make resuming safe: a record in Kafka proves every earlier
 * batch was acknowledged, so each record carries the id from before its own batch as the resume point.
 * A batch Kafka refuses as too large is split in halves, sent in order and one at a time; every part
 * keeps the original batch's resume headers (the id from before it is also from before each part).
 */
export function createPublisher(options: PublisherOptions) {
  const buffer: OutboundRecord[] = [];
  let producer = options.producer;
  let lastAckedSseId = options.startId;
  let wakeLoop: (() => void) | undefined;
  let spaceWaiters: (() => void)[] = [];
  let drainedWaiters: (() => void)[] = [];
  // stopping: no more records will come, so publish what is held without lingering.
  // givingUp: the drain deadline passed while Kafka was away; stop retrying and leave.
  const stopping = new AbortController();
  const givingUp = new AbortController();
  const retryMaxMs = options.retryMaxMs ?? 5_000;
  const backoff = createBackoff({ initialMs: options.retryInitialMs ?? 200, maxMs: retryMaxMs });
  let loop: Promise<void> | undefined;

  const notify = (waiters: (() => void)[]) => {
    for (const resolve of waiters) resolve();
  };

  function resumeHeadersFor(batch: readonly OutboundRecord[]): Record<string, string> {
    return lastAckedSseId
      ? { [headerNames.resumeId]: lastAckedSseId }
      : { [headerNames.resumeSince]: oldestEventTime(batch, options.startSince) };
  }

  function sendBatch(
    batch: readonly OutboundRecord[],
    resumeHeaders: Record<string, string>,
  ): Promise<unknown> {
    const byTopic = new Map<string, Message[]>();
    for (const record of batch) {
      const messages = byTopic.get(record.topic) ?? [];
      messages.push({
        key: record.key,
        value: record.value,
        headers: { ...record.headers, ...resumeHeaders },
      });
      byTopic.set(record.topic, messages);
    }
    return producer.sendBatch({
      acks: options.acks,
      compression: CompressionTypes.GZIP,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }

  /**
   * True once Kafka acknowledged the batch (or its parts, or took a too-large record's dead letter
   * instead); false if the drain deadline passed first.
   */
  async function publishUntilAcked(
    batch: readonly OutboundRecord[],
    resumeHeaders: Record<string, string>,
  ): Promise<boolean> {
    for (let attempt = 1; !givingUp.signal.aborted; attempt++) {
      const started = performance.now();
      try {
        // kafkajs retries inside sendBatch for several seconds; the deadline must not wait for that.
        await unlessAborted(sendBatch(batch, resumeHeaders), givingUp.signal);
        backoff.reset();
        options.onAcked?.(batch, (performance.now() - started) / 1000);
        return true;
      } catch (error) {
        if (givingUp.signal.aborted) break;
        const kind = classifyProduceError(error);
        options.onSendError?.(error, batch, kind);
        const context = {
          error: errorMessage(error),
          code: produceErrorCode(error),
          records: batch.length,
          topics: [...new Set(batch.map((r) => r.topic))],
          attempt,
        };
        if (kind === "too_large" && (await renewed(context))) {
          return publishTooLarge(batch, resumeHeaders, context);
        }
        const delay = kind === "non_retriable" ? retryMaxMs : backoff.next();
        if (kind === "non_retriable") {
          options.logger.error(
            "kafka refused the batch with a non-retriable error; fix the cause, retrying",
            {
              ...context,
              delayMs: delay,
            },
          );
        } else {
          options.logger.warn("kafka produce failed; keeping the batch and retrying", {
            ...context,
            delayMs: delay,
          });
        }
        // No producer.connect() here: sendBatch reconnects the cluster itself once the broker is back
        // (checked against a real broker stopped for 30 s), and the producer id must stay the same so
        // that Kafka drops a retried batch whose first attempt did land.
        await sleep(delay, givingUp.signal).catch(() => {});
      }
    }
    return false;
  }

  /** False if a new producer could not be had (Kafka away): the caller backs off and tries again. */
  async function renewed(context: object): Promise<boolean> {
    if (options.renewProducer === undefined) return true;
    try {
      producer = await options.renewProducer();
      return true;
    } catch (error) {
      options.logger.warn("could not renew the kafka producer; retrying", {
        ...context,
        renewError: errorMessage(error),
      });
      return false;
    }
  }

  /** Splits a too-large batch in halves, in order; a single record goes to the dead-letter topic. */
  async function publishTooLarge(
    batch: readonly OutboundRecord[],
    resumeHeaders: Record<string, string>,
    context: { code: string },
  ): Promise<boolean> {
    if (batch.length > 1) {
      const half = Math.ceil(batch.length / 2);
      options.logger.warn("kafka refused the batch as too large; splitting it in halves", context);
      return (
        (await publishUntilAcked(batch.slice(0, half), resumeHeaders)) &&
        publishUntilAcked(batch.slice(half), resumeHeaders)
      );
    }
    const [record] = batch as [OutboundRecord];
    const letter = await options.deadLetterTooLarge?.(record, context.code);
    const where = {
      ...context,
      topic: record.topic,
      sseId: record.sseId,
      metaId: record.metaId,
      bytes: record.value.length,
    };
    if (letter === undefined) {
      options.logger.error("kafka refused a single record as too large; dropped", where);
      return true;
    }
    options.logger.error("kafka refused a single record as too large; dead-lettered", where);
    return publishUntilAcked([letter], resumeHeaders);
  }

  async function run(): Promise<void> {
    while (true) {
      if (buffer.length === 0) {
        notify(drainedWaiters);
        drainedWaiters = [];
        if (stopping.signal.aborted) return;
        await new Promise<void>((resolve) => {
          wakeLoop = resolve;
        });
        wakeLoop = undefined;
        continue;
      }
      // Linger briefly for a fuller batch unless one is already full or we are draining.
      if (buffer.length < options.batchSize && options.lingerMs > 0 && !stopping.signal.aborted) {
        await sleep(options.lingerMs, stopping.signal).catch(() => {});
      }
      const batch = buffer.slice(0, options.batchSize);
      if (!(await publishUntilAcked(batch, resumeHeadersFor(batch)))) return;
      buffer.splice(0, batch.length);
      const newest = batch.findLast((record) => record.sseId !== undefined);
      if (newest) lastAckedSseId = newest.sseId;
      notify(spaceWaiters);
      spaceWaiters = [];
    }
  }

  function waitForSpace(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        signal?.removeEventListener("abort", done);
        resolve();
      };
      spaceWaiters.push(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  return {
    start(): void {
      loop ??= run();
    },
    /**
     * Adds a record; waits while the buffer is full (backpressure on the stream reader). Rejects with
     * the signal's reason if it aborts while waiting: the record was never held, so the next start
     * reads it again from upstream.
     */
    async enqueue(record: OutboundRecord, signal?: AbortSignal): Promise<void> {
      while (buffer.length >= options.bufferSize) {
        signal?.throwIfAborted();
        await waitForSpace(signal);
      }
      buffer.push(record);
      wakeLoop?.();
    },
    /** Resolves once every record enqueued so far is acknowledged by Kafka. */
    flush(): Promise<void> {
      if (buffer.length === 0) return Promise.resolve();
      return new Promise((resolve) => drainedWaiters.push(resolve));
    },
    /**
     * Publishes what is buffered, then ends the loop. With a deadline, gives up once it passes (Kafka
     * down) and reports how many records stayed unpublished: they were never acknowledged, so the next
     * start resumes before them and nothing is lost.
     */
    async stop(stopOptions: { drainTimeoutMs?: number } = {}): Promise<{ unpublished: number }> {
      stopping.abort();
      wakeLoop?.();
      const timer =
        stopOptions.drainTimeoutMs === undefined
          ? undefined
          : setTimeout(() => givingUp.abort(new Error("drain deadline passed")), stopOptions.drainTimeoutMs);
      try {
        await loop;
      } finally {
        clearTimeout(timer);
      }
      notify(spaceWaiters);
      spaceWaiters = [];
      return { unpublished: buffer.length };
    },
    get depth(): number {
      return buffer.length;
    },
    /** The newest SSE id whose event and all before it are in Kafka. */
    get lastAckedSseId(): string | undefined {
      return lastAckedSseId;
    },
    /** The newest SSE id held, acked or buffered: where a reconnect of this process resumes. */
    get lastHeldSseId(): string | undefined {
      return buffer.findLast((record) => record.sseId !== undefined)?.sseId ?? lastAckedSseId;
    },
  };
}

export type Publisher = ReturnType<typeof createPublisher>;

/** Settles like `promise`, or rejects as soon as `signal` aborts; a late failure is then ignored. */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => {});
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function oldestEventTime(batch: readonly OutboundRecord[], fallback: string | undefined): string {
  const times = batch.map((r) => r.eventTimeMs).filter((t): t is number => t !== undefined);
  // One second of slack: meta.dt of neighbouring events is not strictly ordered.
  if (times.length > 0) return String(Math.min(...times) - 1000);
  // Only dead letters so far: restart from where this run started, never from "now".
  return fallback ?? String(Date.now());
}
