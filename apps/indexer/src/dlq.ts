import { type BackoffOptions, createBackoff, errorMessage } from "@wikistream/resilience";
import { CompressionTypes, type Message, type Producer } from "kafkajs";
import { DeadLetterPublishError, DeadLetterTooLargeError } from "./errors.ts";
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
  /** Set when the letter was too large for Kafka even alone: its value and detail were cut. */
  readonly truncated?: { readonly valueBytes: number };
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
  /** Present on a truncated letter: the original value size in bytes (the value kept is a prefix). */
  truncated: "wikistream-dlq-truncated",
} as const;

const MAX_DETAIL = 2000;
/** What a truncated letter keeps of the value and of the detail. */
const TRUNCATED_VALUE_BYTES = 16_384;
const TRUNCATED_DETAIL = 500;

/** Per send: at most this many letters and about this many bytes (Kafka's default limit is 1 MiB). */
export const deadLetterSendLimits = { maxLetters: 500, maxBytes: 800_000 } as const;

/** Kafka error types meaning "the send is too large", whichever limit refused it. */
const tooLargeTypes = new Set(["MESSAGE_TOO_LARGE", "RECORD_LIST_TOO_LARGE"]);

function isTooLarge(cause: unknown): boolean {
  const type = (cause as { type?: unknown } | null)?.type;
  if (typeof type === "string" && tooLargeTypes.has(type)) return true;
  const nested = (cause as { cause?: unknown } | null)?.cause;
  return nested !== undefined && nested !== cause && isTooLarge(nested);
}

/** Rough size of a letter on the wire, before compression: key, value, headers and their names. */
export function estimateLetterBytes(letter: DeadLetter): number {
  const { record } = letter;
  let bytes = 200 + (record.key?.byteLength ?? 0) + (record.value?.byteLength ?? 0);
  bytes += Math.min(letter.detail.length, MAX_DETAIL) * 3;
  for (const [name, value] of Object.entries(record.headers)) bytes += name.length + value.length * 3;
  return bytes;
}

/** The letter with its value and detail cut so that it fits, saying so. */
export function truncateLetter(letter: DeadLetter): DeadLetter {
  const value = letter.record.value;
  return {
    ...letter,
    record: { ...letter.record, value: value === null ? null : value.subarray(0, TRUNCATED_VALUE_BYTES) },
    detail: letter.detail.slice(0, TRUNCATED_DETAIL),
    truncated: { valueBytes: value?.byteLength ?? 0 },
  };
}

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
      ...(letter.truncated === undefined
        ? {}
        : { [deadLetterHeaders.truncated]: String(letter.truncated.valueBytes) }),
    },
  };
}

export interface DeadLetterPublisher {
  /**
   * Resolves once Kafka acknowledged every letter; throws DeadLetterTooLargeError when Kafka refused
   * the send as too large, else DeadLetterPublishError (both retryable).
   */
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
          compression: CompressionTypes.GZIP,
          messages: letters.map((letter) => deadLetterMessage(letter)),
        });
      } catch (cause) {
        if (isTooLarge(cause)) {
          throw new DeadLetterTooLargeError(
            `${letters.length} record(s) too large for ${options.topic}: ${errorMessage(cause)}`,
            { cause, context: { topic: options.topic } },
          );
        }
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
 * Publishes queued letters in bounded sends (at most `maxLetters` letters and about `maxBytes`), one
 * send at a time, retrying with backoff until Kafka takes them: a record counts as finished only once
 * its letter is acknowledged. A send refused as too large is halved at once; a single letter refused
 * as too large is truncated (`onTruncated`) and sent again. Letters whose `keep(ref)` turned false
 * meanwhile (partition no longer owned) are dropped: the new owner re-reads and re-judges.
 */
export function createDeadLetterQueue<R>(options: {
  publisher: DeadLetterPublisher;
  keep: (ref: R) => boolean;
  onPublished: (ref: R, letter: DeadLetter) => void;
  onError: (error: unknown, letters: number) => void;
  onTruncated: (ref: R, letter: DeadLetter) => void;
  backoff: BackoffOptions;
  limits?: { maxLetters: number; maxBytes: number };
}): DeadLetterQueue<R> {
  const limits = options.limits ?? deadLetterSendLimits;
  let queue: { ref: R; letter: DeadLetter }[] = [];
  let sending = false;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  let maxLetters = limits.maxLetters;
  const backoff = createBackoff(options.backoff);

  /** The head of the queue, within the letter and byte limits; never empty when the queue is not. */
  function head(): { ref: R; letter: DeadLetter }[] {
    let bytes = 0;
    let count = 0;
    for (const entry of queue) {
      const size = estimateLetterBytes(entry.letter);
      if (count > 0 && (count >= maxLetters || bytes + size > limits.maxBytes)) break;
      bytes += size;
      count += 1;
    }
    return queue.slice(0, count);
  }

  async function run(): Promise<void> {
    if (sending || closed) return;
    sending = true;
    try {
      while (queue.length > 0 && !closed) {
        queue = queue.filter(({ ref }) => options.keep(ref));
        const batch = head();
        if (batch.length === 0) break;
        try {
          await options.publisher.publish(batch.map(({ letter }) => letter));
          // Only push() appends meanwhile: the batch is still the head of the queue.
          queue.splice(0, batch.length);
          backoff.reset();
          maxLetters = Math.min(limits.maxLetters, maxLetters * 2);
          for (const { ref, letter } of batch) options.onPublished(ref, letter);
        } catch (error) {
          options.onError(error, batch.length);
          if (error instanceof DeadLetterTooLargeError) {
            if (batch.length > 1) {
              maxLetters = Math.max(1, Math.ceil(batch.length / 2));
              continue;
            }
            const entry = batch[0]!;
            if (entry.letter.truncated === undefined) {
              entry.letter = truncateLetter(entry.letter);
              options.onTruncated(entry.ref, entry.letter);
              continue;
            }
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
            timer = setTimeout(resolve, backoff.next());
          });
        }
      }
    } finally {
      sending = false;
      if (queue.length > 0 && !closed) start();
    }
  }

  function start(): void {
    run().catch((error: unknown) => options.onError(error, 0));
  }

  return {
    push(ref, letter) {
      queue.push({ ref, letter });
      start();
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
