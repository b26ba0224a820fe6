import type { ProduceErrorKind } from "@wikistream/kafka";
import type { Logger } from "@wikistream/log";
import type { Producer } from "kafkajs";
import type { OutboundRecord } from "../records/record.ts";

/** Defaults of the byte bounds (see heldSize): far above a batch of real events, far below the heap. */
export const defaultBufferBytes = 4 * 1_048_576;
export const defaultBatchBytes = 1_048_576;

export interface PublisherOptions {
  producer: Producer;
  acks: -1 | 0 | 1;
  batchSize: number;
  /** The size of a batch at most (see heldSize); a single larger record is sent alone. */
  batchBytes?: number;
  lingerMs: number;
  /** Records held at most; enqueue() waits beyond it, which stops the stream reader. */
  bufferSize: number;
  /** Their size at most (see heldSize); enqueue() waits beyond it as well. */
  bufferBytes?: number;
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
