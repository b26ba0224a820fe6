import type { Logger } from "@wikistream/log";
import { createBackoff, errorMessage, sleep } from "@wikistream/resilience";
import { CompressionTypes, type Message, type Producer } from "kafkajs";
import { headers as headerNames, type OutboundRecord } from "./record.ts";

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
  retryInitialMs?: number;
  retryMaxMs?: number;
  onAcked?: (records: readonly OutboundRecord[], latencySeconds: number) => void;
  onSendError?: (error: unknown, records: readonly OutboundRecord[]) => void;
}

/**
 * Batches records into Kafka, one batch in flight at a time, and retries a failed batch until Kafka
 * takes it. Sequential batches are what make resuming safe: a record in Kafka proves every earlier
 * batch was acknowledged, so each record carries the id from before its own batch as the resume point.
 */
export function createPublisher(options: PublisherOptions) {
  const buffer: OutboundRecord[] = [];
  let lastAckedSseId = options.startId;
  let wakeLoop: (() => void) | undefined;
  let spaceWaiters: (() => void)[] = [];
  let drainedWaiters: (() => void)[] = [];
  const stopping = new AbortController();
  const backoff = createBackoff({
    initialMs: options.retryInitialMs ?? 200,
    maxMs: options.retryMaxMs ?? 10_000,
  });
  let loop: Promise<void> | undefined;

  const notify = (waiters: (() => void)[]) => {
    for (const resolve of waiters) resolve();
  };

  async function sendBatch(batch: OutboundRecord[]): Promise<void> {
    const resumeHeaders: Record<string, string> = lastAckedSseId
      ? { [headerNames.resumeId]: lastAckedSseId }
      : { [headerNames.resumeSince]: oldestEventTime(batch) };
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
    const started = performance.now();
    await options.producer.sendBatch({
      acks: options.acks,
      compression: CompressionTypes.GZIP,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
    options.onAcked?.(batch, (performance.now() - started) / 1000);
  }

  async function publishUntilAcked(batch: OutboundRecord[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await sendBatch(batch);
        backoff.reset();
        return;
      } catch (error) {
        options.onSendError?.(error, batch);
        const delay = backoff.next();
        options.logger.warn("kafka produce failed; keeping the batch and retrying", {
          error: errorMessage(error),
          records: batch.length,
          topics: [...new Set(batch.map((r) => r.topic))],
          attempt,
          delayMs: delay,
        });
        await sleep(delay);
        // kafkajs may have dropped its broker connections; reconnecting is a no-op when they are up.
        await options.producer.connect().catch(() => {});
      }
    }
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
      await publishUntilAcked(batch);
      buffer.splice(0, batch.length);
      const newest = batch.findLast((record) => record.sseId !== undefined);
      if (newest) lastAckedSseId = newest.sseId;
      notify(spaceWaiters);
      spaceWaiters = [];
    }
  }

  return {
    start(): void {
      loop ??= run();
    },
    /** Adds a record; waits while the buffer is full (backpressure on the stream reader). */
    async enqueue(record: OutboundRecord): Promise<void> {
      while (buffer.length >= options.bufferSize) {
        await new Promise<void>((resolve) => spaceWaiters.push(resolve));
      }
      buffer.push(record);
      wakeLoop?.();
    },
    /** Resolves once every record enqueued so far is acknowledged by Kafka. */
    flush(): Promise<void> {
      if (buffer.length === 0) return Promise.resolve();
      return new Promise((resolve) => drainedWaiters.push(resolve));
    },
    /** Publishes what is buffered, then ends the loop. */
    async stop(): Promise<void> {
      stopping.abort();
      wakeLoop?.();
      await loop;
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

function oldestEventTime(batch: readonly OutboundRecord[]): string {
  const times = batch.map((r) => r.eventTimeMs).filter((t): t is number => t !== undefined);
  // One second of slack: meta.dt of neighbouring events is not strictly ordered.
  return String(times.length > 0 ? Math.min(...times) - 1000 : Date.now());
}
