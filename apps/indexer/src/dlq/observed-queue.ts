import { recordHeaders } from "@wikistream/events";
import type { Logger } from "@wikistream/log";
import type { BackoffOptions } from "@wikistream/resilience";
import { DeadLetterTruncatedError, errorCode } from "../errors.ts";
import type { IndexerMetrics } from "../metrics.ts";
import { DeadLetterHealth } from "./health.ts";
import type { RecordDeadLetter } from "./letter.ts";
import type { DeadLetterPublisher } from "./publisher.ts";
import { DeadLetterQueue } from "./queue.ts";

export interface ObservedDeadLetterQueueOptions<R> {
  publisher: DeadLetterPublisher;
  metrics: IndexerMetrics;
  logger: Logger;
  backoff: BackoffOptions;
  limits?: { maxLetters: number; maxBytes: number };
  /** False once the letter no longer matters (partition no longer owned): it is dropped unsent. */
  keep: (ref: R) => boolean;
  /** Kafka acknowledged the letter: the record is finished. */
  onPublished: (ref: R, letter: RecordDeadLetter) => void;
}

/**
 * The dead-letter queue as the pipeline uses it: every letter logged when queued, every failed send
 * counted, logged and told to DeadLetterHealth (which says whether the topic blocks), every truncated
 * letter counted and logged. The sending itself is DeadLetterQueue's.
 */
export class ObservedDeadLetterQueue<R> {
  readonly #metrics: IndexerMetrics;
  readonly #log: Logger;
  readonly #health: DeadLetterHealth;
  readonly #queue: DeadLetterQueue<R>;

  constructor(options: ObservedDeadLetterQueueOptions<R>) {
    this.#metrics = options.metrics;
    this.#log = options.logger;
    this.#health = new DeadLetterHealth(options.metrics);
    const { onPublished } = options;
    this.#queue = new DeadLetterQueue<R>({
      publisher: options.publisher,
      keep: options.keep,
      onPublished: (ref, letter) => {
        this.#health.published();
        onPublished(ref, letter);
      },
      onError: (error, count) => this.#failed(error, count),
      onTruncated: (_ref, letter) => this.#truncated(letter),
      backoff: options.backoff,
      ...(options.limits ? { limits: options.limits } : {}),
    });
  }

  /** Kafka's error code while the dead-letter topic refuses letters for good (not ready meanwhile). */
  get blockedBy(): string | undefined {
    return this.#health.blockedBy;
  }

  /** Queues the letter of `ref`'s record; `onPublished(ref)` runs once Kafka acknowledged it. */
  push(ref: R, letter: RecordDeadLetter): void {
    const { record, stage, reason, detail } = letter;
    this.#log.warn("dead-lettering record", {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      id: record.headers[recordHeaders.metaId],
      stage,
      reason,
      detail: detail.slice(0, 500),
    });
    this.#queue.push(ref, letter);
  }

  close(): void {
    this.#queue.close();
  }

  #failed(error: unknown, count: number): void {
    this.#metrics.errors.inc({ code: errorCode(error) });
    this.#health.failed(error);
    const blockedBy = this.#health.blockedBy;
    const message = blockedBy
      ? "dead-letter topic refuses the letters; retrying, not ready until a send passes"
      : "dead-letter publish failed; retrying";
    this.#log.error(message, { error, letters: count, ...(blockedBy ? { kafkaCode: blockedBy } : {}) });
  }

  #truncated(letter: RecordDeadLetter): void {
    const error = new DeadLetterTruncatedError("dead letter too large for Kafka even alone; truncated");
    this.#metrics.errors.inc({ code: error.code });
    const { topic, partition, offset } = letter.record;
    const valueBytes = letter.truncated?.valueBytes;
    this.#log.warn(error.message, { code: error.code, topic, partition, offset, valueBytes });
  }
}
