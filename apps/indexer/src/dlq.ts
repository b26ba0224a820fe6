import { type BackoffOptions, createBackoff, errorMessage } from "@wikistream/resilience";
import type { Message, Producer } from "kafkajs";
import { DeadLetterPublishError } from "./errors.ts";
import type { ConsumedRecord } from "./record.ts";

export type DeadLetterStage = "decode" | "transform" | "index";

/** A record that can never be indexed, with why. */
export interface DeadLetter {
  readonly record: ConsumedRecord;
  readonly stage: DeadLetterStage;
  /** A bounded code (metric label): schema_violation, transform_failed, mapping_rejected, … */
  readonly reason: string;
  /** OpenSearch's reason, the validation issues or the error message. */
  readonly detail: string;
  /** HTTP status of the bulk item or request, for index-stage rejections. */
  readonly status?: number;
}

export const deadLetterHeaders = {
  reason: "wikistream-dlq-reason",
  stage: "wikistream-dlq-stage",
  detail: "wikistream-dlq-detail",
  status: "wikistream-dlq-status",
  topic: "wikistream-dlq-topic",
  partition: "wikistream-dlq-partition",
  offset: "wikistream-dlq-offset",
  time: "wikistream-dlq-time",
} as const;

const MAX_DETAIL = 2000;

const toBuffer = (bytes: Uint8Array | null): Buffer | null =>
  bytes === null ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * The dead-letter record: the original key and value byte for byte, the original headers, and where it
 * came from and why it was refused, so it can be inspected and replayed into its topic once fixed.
 */
export function deadLetterMessage(letter: DeadLetter, now: Date = new Date()): Message {
  const { record } = letter;
  return {
    key: toBuffer(record.key),
    value: toBuffer(record.value),
    headers: {
      ...record.headers,
      [deadLetterHeaders.reason]: letter.reason,
      [deadLetterHeaders.stage]: letter.stage,
      [deadLetterHeaders.detail]: letter.detail.slice(0, MAX_DETAIL),
      ...(letter.status === undefined ? {} : { [deadLetterHeaders.status]: String(letter.status) }),
      [deadLetterHeaders.topic]: record.topic,
      [deadLetterHeaders.partition]: String(record.partition),
      [deadLetterHeaders.offset]: record.offset,
      [deadLetterHeaders.time]: now.toISOString(),
    },
  };
}

export interface DeadLetterPublisher {
  /** Resolves once Kafka acknowledged every letter; throws DeadLetterPublishError (retryable). */
  publish(letters: readonly DeadLetter[]): Promise<void>;
}

export function createDeadLetterPublisher(options: {
  producer: Producer;
  topic: string;
  acks: -1 | 0 | 1;
}): DeadLetterPublisher {
  return {
    async publish(letters) {
      if (letters.length === 0) return;
      try {
        await options.producer.send({
          topic: options.topic,
          acks: options.acks,
          messages: letters.map((letter) => deadLetterMessage(letter)),
        });
      } catch (cause) {
        throw new DeadLetterPublishError(
          `could not write ${letters.length} record(s) to ${options.topic}: ${errorMessage(cause)}`,
          { cause, context: { topic: options.topic } },
        );
      }
    },
  };
}

export interface DeadLetterQueue<R> {
  /** Queues a letter; `onPublished(ref)` runs once Kafka acknowledged it. */
  push(ref: R, letter: DeadLetter): void;
  readonly size: number;
  close(): void;
}

/**
 * Publishes queued letters in batches, one send at a time, retrying with backoff until Kafka takes
 * them: a record counts as finished only once its letter is acknowledged. Letters whose `keep(ref)`
 * turned false meanwhile (partition no longer owned) are dropped: the new owner re-reads and re-judges.
 */
export function createDeadLetterQueue<R>(options: {
  publisher: DeadLetterPublisher;
  keep: (ref: R) => boolean;
  onPublished: (ref: R, letter: DeadLetter) => void;
  onError: (error: unknown, letters: number) => void;
  backoff: BackoffOptions;
}): DeadLetterQueue<R> {
  let queue: { ref: R; letter: DeadLetter }[] = [];
  let sending = false;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  const backoff = createBackoff(options.backoff);

  async function run(): Promise<void> {
    if (sending || closed) return;
    sending = true;
    try {
      while (queue.length > 0 && !closed) {
        const batch = queue.filter(({ ref }) => options.keep(ref));
        queue = [];
        if (batch.length === 0) break;
        try {
          await options.publisher.publish(batch.map(({ letter }) => letter));
          backoff.reset();
          for (const { ref, letter } of batch) options.onPublished(ref, letter);
        } catch (error) {
          options.onError(error, batch.length);
          queue = [...batch, ...queue];
          await new Promise<void>((resolve) => {
            wake = resolve;
            timer = setTimeout(resolve, backoff.next());
          });
        }
      }
    } finally {
      sending = false;
      if (queue.length > 0 && !closed) void run();
    }
  }

  return {
    push(ref, letter) {
      queue.push({ ref, letter });
      void run();
    },
    get size() {
      return queue.length;
    },
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      wake?.();
    },
  };
}
