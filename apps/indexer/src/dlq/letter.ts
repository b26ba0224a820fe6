import { type DeadLetterStage, deadLetterHeaderValues } from "@wikistream/events";
import type { Message } from "kafkajs";
import type { ConsumedRecord } from "../record.ts";

// The letter's headers (names and encoding) are the DLQ topic's public format, read back by the CLI:
// they live in @wikistream/events (dead-letter-contract.ts).
export type { DeadLetterStage } from "@wikistream/events";

/**
 * A consumed record that can never be indexed, with why: the dead letter of one Kafka record (ingest's
 * dead letters are of SSE frames, another shape, hence the name).
 */
export interface RecordDeadLetter {
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

const MAX_DETAIL = 2000;
/** What a truncated letter keeps of the value and of the detail. */
const TRUNCATED_VALUE_BYTES = 16_384;
const TRUNCATED_DETAIL = 500;

/** Per send: at most this many letters and about this many bytes (Kafka's default limit is 1 MiB). */
export const deadLetterSendLimits = { maxLetters: 500, maxBytes: 800_000 } as const;

/** Rough size of a letter on the wire, before compression: key, value, headers and their names. */
export function estimateLetterBytes(letter: RecordDeadLetter): number {
  const { record } = letter;
  let bytes = 200 + (record.key?.byteLength ?? 0) + (record.value?.byteLength ?? 0);
  bytes += Math.min(letter.detail.length, MAX_DETAIL) * 3;
  for (const [name, value] of Object.entries(record.headers)) bytes += name.length + value.length * 3;
  return bytes;
}

/** The letter with its value and detail cut so that it fits, saying so. */
export function truncateLetter(letter: RecordDeadLetter): RecordDeadLetter {
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
export function deadLetterMessage(letter: RecordDeadLetter, now: Date = new Date()): Message {
  const { record } = letter;
  return {
    key: toBuffer(record.key),
    value: toBuffer(record.value),
    headers: {
      ...record.headers,
      ...deadLetterHeaderValues({
        reason: letter.reason,
        stage: letter.stage,
        detail: letter.detail.slice(0, MAX_DETAIL),
        status: letter.status,
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        time: now.toISOString(),
        truncatedValueBytes: letter.truncated?.valueBytes,
      }),
    },
  };
}
