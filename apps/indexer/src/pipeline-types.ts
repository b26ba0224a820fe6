import type { Logger } from "@wikistream/log";
import type { BulkClient } from "./bulk/bulk-client.ts";
import type { BulkOperation, IndexNaming } from "./bulk/bulk-request.ts";
import type { CredentialHealth } from "./credential-health.ts";
import type { BatchLimits } from "./delivery/batch.ts";
import type { ConcurrencyLimit } from "./delivery/concurrency.ts";
import type { Deliverable, RetryPolicy, SendOutcome } from "./delivery/types.ts";
import type { DeadLetterPublisher } from "./dlq/publisher.ts";
import type { EventTimeBounds } from "./index/event-time.ts";
import type { IndexedStream } from "./index/names.ts";
import type { IndexerMetrics } from "./metrics.ts";
import type { PartitionControl, RecordRef } from "./offsets/partition-state.ts";
import type { TransformSet } from "./prepare/transforms/index.ts";
import type { ConsumedRecord } from "./record.ts";

// What the pipeline takes, reports and carries between its stages; apart from pipeline.ts so that
// the status types and tests import types that import nothing back.

export interface PipelineOptions {
  bulk: BulkClient;
  deadLetters: DeadLetterPublisher;
  /** Which service refuses the credentials now (shared with the lifecycle, which reads it); default: its own. */
  credentials?: CredentialHealth;
  control: PartitionControl;
  metrics: IndexerMetrics;
  logger: Logger;
  naming: IndexNaming;
  topicPrefix: string;
  transforms: TransformSet;
  limits: BatchLimits;
  /** Bulk requests in flight at most: a number, or a limit that adapts (delivery/concurrency.ts). */
  concurrency: number | ConcurrencyLimit;
  /** A partition pauses when this many records sit after its committable offset (finished or not). */
  maxUncommittedPerPartition: number;
  /**
   * Every partition pauses while the documents held (queued, in flight, waiting for a retry) reach this
   * many bytes, and resumes at half: memory bounded by bytes, whatever the records' sizes.
   */
  maxBufferedBytes?: number;
  retry: RetryPolicy;
  /** Event times that may pick an index (index/event-time.ts); others are dead-lettered. */
  eventTime: EventTimeBounds;
  /** Told of every bulk send and its outcome, after the sender has it (e.g. index/first-refresh.ts); must not throw. */
  onSent?: (batch: readonly BulkItem[], outcome: SendOutcome) => void;
  /** Per dead-letter send; defaults to deadLetterSendLimits. */
  deadLetterLimits?: { maxLetters: number; maxBytes: number };
  now?: () => number;
}

export interface PipelineStats {
  /** Records consumed and not yet finished. */
  pending: number;
  inFlight: number;
  queued: number;
  paused: number;
  partitions: number;
  /** Records after the committed position, summed over the owned partitions. */
  lag: number;
  /** Kafka's error code while the dead-letter topic refuses letters for good (see dlq/health.ts). */
  deadLettersBlockedBy: string | undefined;
  /** Since start: records consumed, and their outcomes (retried counts resends). */
  counts: { consumed: number; indexed: number; retried: number; deadLettered: number; skipped: number };
}

/** A document on its way to OpenSearch, with the record it came from. */
export interface BulkItem extends BulkOperation, RecordRef, Deliverable {
  readonly record: ConsumedRecord;
  readonly stream: IndexedStream;
  readonly eventTimeMs: number;
}
