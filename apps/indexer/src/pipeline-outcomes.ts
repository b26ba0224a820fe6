import type { Logger } from "@wikistream/log";
import { isClusterCause } from "./bulk/outcome.ts";
import type { CredentialHealth } from "./credential-health.ts";
import type { SenderEvents } from "./delivery/sender.ts";
import { errorCode, OpenSearchAuthError } from "./errors.ts";
import { indexedStreams } from "./index/names.ts";
import type { IndexerMetrics } from "./metrics.ts";
import type { RecordRef } from "./offsets/partition-state.ts";
import type { PartitionTable } from "./offsets/partition-table.ts";
import type { BulkItem, PipelineStats } from "./pipeline-types.ts";

export type PipelineCounts = PipelineStats["counts"];

export interface PipelineOutcomesOptions {
  metrics: IndexerMetrics;
  partitions: PartitionTable;
  /** The delivery stage's logger (component "delivery"). */
  logger: Logger;
  /** Runs after every answer to a bulk request (the pipeline's byte budget check). */
  settled: () => void;
  /** Told when OpenSearch refuses the credentials (401/403) and when it takes documents again. */
  credentials: CredentialHealth;
}

/**
 * Where every record's outcome is recorded: consumed, indexed, retried, dead-lettered (once Kafka
 * acknowledged the letter) or skipped, in the metrics and the counts of /status, and for the
 * partition table, which finishes the record (committable) or holds its partition for a retry.
 */
export class PipelineOutcomes {
  readonly #metrics: IndexerMetrics;
  readonly #partitions: PartitionTable;
  readonly #log: Logger;
  readonly #settled: () => void;
  readonly #credentials: CredentialHealth;
  readonly #counts: PipelineCounts = { consumed: 0, indexed: 0, retried: 0, deadLettered: 0, skipped: 0 };

  constructor(options: PipelineOutcomesOptions) {
    this.#metrics = options.metrics;
    this.#partitions = options.partitions;
    this.#log = options.logger;
    this.#settled = options.settled;
    this.#credentials = options.credentials;
  }

  counts(): PipelineCounts {
    return { ...this.#counts };
  }

  consumed(topic: string, records: number): void {
    this.#metrics.records.inc({ topic }, records);
    this.#counts.consumed += records;
  }

  /** Skipped: finished at once when `ref` is given (a re-fetched copy is not: its first copy counts). */
  skipped(reason: string, ref?: RecordRef): void {
    this.#metrics.documents.inc({ result: "skipped", reason });
    this.#counts.skipped += 1;
    if (ref !== undefined) this.#partitions.finish(ref);
  }

  deadLettered(ref: RecordRef, reason: string): void {
    this.#metrics.documents.inc({ result: "dead_lettered", reason });
    this.#counts.deadLettered += 1;
    this.#partitions.finish(ref);
  }

  /** What the sender reports, recorded here; a dead letter goes to `deadLetter`. */
  senderEvents(
    deadLetter: (item: BulkItem, reason: string, detail: string, status: number) => void,
  ): SenderEvents<BulkItem> {
    const metrics = this.#metrics;
    const log = this.#log;
    const partitions = this.#partitions;
    return {
      delivered: (items, at) => this.#indexed(items, at),
      deadLetter,
      retryScheduled: (items, reason) => this.#retried(items, reason),
      retryDue: (item) => partitions.releaseFromRetry(item.state),
      requestError: (error) => {
        metrics.errors.inc({ code: error.code });
        if (error instanceof OpenSearchAuthError) this.#refusedCredentials(error);
      },
      backingOff: (error, delayMs, documents) =>
        log.warn("bulk request failed; backing off", { code: error.code, error, documents, delayMs }),
      inFlight: (count) => metrics.bulkInFlight.set(count),
      settled: () => {
        this.#settled();
        partitions.updateGauges();
      },
      unexpected: (what, error) => {
        metrics.errors.inc({ code: errorCode(error) });
        log.error(`${what} failed unexpectedly`, { error });
      },
    };
  }

  #refusedCredentials(error: OpenSearchAuthError): void {
    const forbidden = error.context.status === 403;
    const fix = forbidden
      ? "Grant OPENSEARCH_USERNAME's role write access to the indices"
      : "Restore or update the password (OPENSEARCH_PASSWORD or OPENSEARCH_PASSWORD_FILE) and the user";
    this.#credentials.refuse("opensearch", forbidden ? "forbidden" : "unauthorized", fix, error);
  }

  /** A bulk's indexed documents: counted once, finished together (per-record metric calls were a hot spot). */
  #indexed(items: readonly BulkItem[], at: number): void {
    if (items.length === 0) return;
    this.#credentials.accept("opensearch");
    this.#metrics.documents.inc({ result: "indexed", reason: "" }, items.length);
    this.#counts.indexed += items.length;
    const freshness = this.#metrics.freshness;
    for (const item of items) {
      freshness.observe({ stream: indexedStreams[item.stream] }, Math.max(0, (at - item.eventTimeMs) / 1000));
    }
    this.#partitions.finishAll(items);
  }

  #retried(items: readonly BulkItem[], reason: string): void {
    this.#metrics.documents.inc({ result: "retried", reason }, items.length);
    // A cluster state (write block, missing index, …): these wait, and the alert reads this.
    if (isClusterCause(reason)) {
      this.#metrics.clusterRefusals.inc({ reason }, items.length);
      const indices = [...new Set(items.map((item) => item.index))].slice(0, 5);
      this.#log.warn("OpenSearch refuses documents for the cluster's state; they wait, partitions paused", {
        reason,
        documents: items.length,
        indices,
      });
    }
    this.#counts.retried += items.length;
    for (const item of items) this.#partitions.holdForRetry(item.state);
  }
}
