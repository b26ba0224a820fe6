import type { Logger } from "@wikistream/log";
import { backoffDelay, createBackoff } from "@wikistream/resilience";
import { Batcher, type BatchLimits } from "./batch.ts";
import type { BulkClient } from "./bulk-client.ts";
import { type BulkOperation, bulkBody } from "./bulk-request.ts";
import { classifyBulk, type ItemFailure } from "./classify.ts";
import { errorCode } from "./errors.ts";
import type { IndexedStream } from "./indices.ts";
import type { IndexerMetrics } from "./metrics.ts";
import type { Partitions, RecordRef } from "./partitions.ts";
import type { ConsumedRecord } from "./record.ts";

export interface RetryPolicy {
  initialMs: number;
  maxMs: number;
  /**
   * Attempts for an item failing with 500/502 (or no status) before it is dead-lettered as poison;
   * 429, 503 and 504 (load, shards recovering, timeouts) are retried without limit.
   */
  maxItemAttempts: number;
}

/** A document on its way to OpenSearch, with the record it came from. */
export interface BulkItem extends BulkOperation, RecordRef {
  readonly record: ConsumedRecord;
  readonly stream: IndexedStream;
  readonly eventTimeMs: number;
  attempts: number;
}

export interface DispatcherOptions {
  bulk: BulkClient;
  partitions: Partitions;
  limits: BatchLimits;
  concurrency: number;
  retry: RetryPolicy;
  metrics: IndexerMetrics;
  logger: Logger;
  now: () => number;
  onIndexed: (item: BulkItem, at: number) => void;
  onRetry: (items: readonly BulkItem[], reason: string) => void;
  onDeadLetter: (item: BulkItem, reason: string, detail: string, status: number) => void;
}

export type Dispatcher = ReturnType<typeof createDispatcher>;

// Item statuses that say nothing about the record itself.
const unlimitedRetryStatuses = new Set([429, 503, 504]);

// OpenSearch error types kept as dead-letter reasons (metric labels); others are "rejected_other".
const knownRejections = new Set([
  "mapper_parsing_exception",
  "document_parsing_exception",
  "illegal_argument_exception",
  "strict_dynamic_mapping_exception",
  "action_request_validation_exception",
]);

/**
 * The bulk stage: batches items (count, bytes, linger), keeps at most `concurrency` requests in
 * flight, classifies each answer and acts on it: indexed items are reported, failed items are resent
 * alone after backoff (their partition paused meanwhile), rejected ones dead-lettered, a request
 * refused as a whole is split until the refused operation is alone. After a whole-request failure,
 * nothing is sent until the backoff delay has passed.
 */
export function createDispatcher(options: DispatcherOptions) {
  const { metrics, partitions, now } = options;
  const log = options.logger.child({ component: "dispatch" });
  const batcher = new Batcher<BulkItem>(options.limits);
  const ready: BulkItem[][] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const requestBackoff = createBackoff({ initialMs: options.retry.initialMs, maxMs: options.retry.maxMs });
  let notBefore = 0;
  let inFlight = 0;
  let forcing = false;
  let closed = false;
  let pumpTimer: ReturnType<typeof setTimeout> | undefined;

  const current = (item: BulkItem) => partitions.isCurrent(item.state);

  /** An unexpected throw in a callback (never a bulk outcome): counted and logged, never unhandled. */
  function failed(what: string, error: unknown): void {
    metrics.errors.inc({ code: errorCode(error) });
    log.error(`${what} failed unexpectedly`, { error });
  }

  function later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (closed) return;
      try {
        run();
      } catch (error) {
        failed("retry timer", error);
      }
    }, ms);
    timers.add(timer);
  }

  function schedulePump(delay: number): void {
    if (pumpTimer !== undefined || closed) return;
    pumpTimer = setTimeout(() => {
      pumpTimer = undefined;
      try {
        pump();
      } catch (error) {
        failed("pump", error);
      }
    }, delay);
  }

  function nextBatch(at: number): BulkItem[] | undefined {
    while (true) {
      const batch = ready.shift() ?? batcher.take(at, forcing);
      if (!batch) return undefined;
      const live = batch.filter(current);
      if (live.length > 0) return live;
    }
  }

  function pump(): void {
    if (closed) return;
    const at = now();
    while (inFlight < options.concurrency) {
      if (at < notBefore) {
        schedulePump(notBefore - at);
        return;
      }
      const batch = nextBatch(at);
      if (!batch) break;
      send(batch).catch((error: unknown) => failed("bulk send", error));
    }
    if (batcher.size === 0 && ready.length === 0) forcing = false;
    const due = batcher.dueIn(at);
    if (inFlight < options.concurrency && due !== undefined) schedulePump(Math.max(1, due));
  }

  /** Holds items for `delay` ms, their partitions paused, then queues them again. */
  function retryLater(items: readonly BulkItem[], delay: number, reason: string): void {
    options.onRetry(items, reason);
    for (const item of items) partitions.retrying(item.state, 1);
    later(delay, () => {
      const at = now();
      for (const item of items) {
        partitions.retrying(item.state, -1);
        if (current(item)) batcher.add(item, at);
      }
      pump();
    });
  }

  function retryItems(failures: readonly { item: BulkItem; failure: ItemFailure }[]): void {
    const throttled: BulkItem[] = [];
    const failing: BulkItem[] = [];
    let delay = 0;
    for (const { item, failure } of failures) {
      item.attempts += 1;
      // 429/503/504 are load or recovery, not the record's fault: retried without limit. Another 5xx
      // that keeps coming for one item while others pass is treated as poison after maxItemAttempts.
      if (!unlimitedRetryStatuses.has(failure.status) && item.attempts >= options.retry.maxItemAttempts) {
        const detail = `${item.attempts} attempts; last: ${failure.status} ${failure.type}: ${failure.reason}`;
        options.onDeadLetter(item, "retries_exhausted", detail, failure.status);
        continue;
      }
      (failure.status === 429 ? throttled : failing).push(item);
      delay = Math.max(delay, backoffDelay(item.attempts - 1, options.retry));
    }
    if (throttled.length > 0) retryLater(throttled, delay, "throttled");
    if (failing.length > 0) retryLater(failing, delay, "server_error");
  }

  async function send(batch: BulkItem[]): Promise<void> {
    inFlight += 1;
    metrics.bulkInFlight.set(inFlight);
    let bytes = 0;
    for (const item of batch) bytes += item.bytes;
    metrics.bulkBytes.observe(bytes);
    metrics.bulkDocuments.observe(batch.length);
    const started = performance.now();
    try {
      const answer = await options.bulk.send(bulkBody(batch));
      const outcome = classifyBulk(answer, batch.length);
      metrics.bulkDuration.observe({ outcome: outcome.kind }, (performance.now() - started) / 1000);
      if (closed) return;
      const at = now();
      switch (outcome.kind) {
        case "ok":
          requestBackoff.reset();
          for (const item of batch) options.onIndexed(item, at);
          break;
        case "items": {
          requestBackoff.reset();
          const failed = new Set<number>();
          for (const failure of outcome.reject) {
            failed.add(failure.position);
            const reason = knownRejections.has(failure.type) ? failure.type : "rejected_other";
            const detail = `${failure.type}: ${failure.reason}`;
            options.onDeadLetter(batch[failure.position]!, reason, detail, failure.status);
          }
          for (const failure of outcome.retry) failed.add(failure.position);
          batch.forEach((item, position) => {
            if (!failed.has(position)) options.onIndexed(item, at);
          });
          retryItems(outcome.retry.map((failure) => ({ item: batch[failure.position]!, failure })));
          break;
        }
        case "retry": {
          metrics.errors.inc({ code: outcome.error.code });
          const delay = requestBackoff.next();
          notBefore = Math.max(notBefore, at + delay);
          log.warn("bulk request failed; backing off", {
            code: outcome.error.code,
            error: outcome.error,
            documents: batch.length,
            delayMs: delay,
          });
          retryLater(batch, delay, outcome.error.code);
          break;
        }
        case "reject": {
          metrics.errors.inc({ code: outcome.error.code });
          if (batch.length === 1) {
            options.onDeadLetter(batch[0]!, "request_rejected", outcome.reason, outcome.status);
          } else {
            // Split until the operation OpenSearch refuses is alone; the others go through.
            const half = Math.ceil(batch.length / 2);
            ready.push(batch.slice(0, half), batch.slice(half));
          }
          break;
        }
      }
    } finally {
      inFlight -= 1;
      metrics.bulkInFlight.set(inFlight);
      partitions.updateGauges();
      pump();
    }
  }

  return {
    add(item: BulkItem, at: number): void {
      batcher.add(item, at);
    },
    /** Sends what is due; with `force`, also partial batches (drain, rebalance). */
    pump(force = false): void {
      if (force) forcing = true;
      pump();
    },
    /** Drops queued items of a previous generation. */
    dropStale(): number {
      return batcher.remove((item) => !current(item)).length;
    },
    get inFlight(): number {
      return inFlight;
    },
    get queued(): number {
      return batcher.size + ready.reduce((sum, batch) => sum + batch.length, 0);
    },
    close(): void {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      if (pumpTimer !== undefined) clearTimeout(pumpTimer);
    },
  };
}
