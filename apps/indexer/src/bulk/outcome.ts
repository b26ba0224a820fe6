import type { ItemRejection, ItemRetry, SendOutcome } from "../delivery/types.ts";
import type { BulkOutcome, ItemFailure } from "./classify.ts";

// Item statuses that say nothing about the record itself: retried without limit.
const unlimitedRetryStatuses = new Set([429, 503, 504]);

// OpenSearch error types kept as dead-letter reasons (metric labels); others are "rejected_other".
const knownRejections = new Set([
  "mapper_parsing_exception",
  "document_parsing_exception",
  "illegal_argument_exception",
  "strict_dynamic_mapping_exception",
  "action_request_validation_exception",
]);

/** The dead-letter reason of an item OpenSearch refused: its error type when known, a bounded label. */
export function rejectionReason(type: string): string {
  return knownRejections.has(type) ? type : "rejected_other";
}

function rejection(failure: ItemFailure): ItemRejection {
  const { position, status, type, reason } = failure;
  return { position, status, reason: rejectionReason(type), detail: `${type}: ${reason}` };
}

function retry(failure: ItemFailure): ItemRetry {
  const { position, status, type, reason } = failure;
  return {
    position,
    status,
    cause: status === 429 ? "throttled" : "server_error",
    // 429/503/504 are load or recovery, not the record's fault: retried without limit. Another 5xx
    // that keeps coming for one item while others pass is treated as poison after maxItemAttempts.
    bounded: !unlimitedRetryStatuses.has(status),
    detail: `${type}: ${reason}`,
  };
}

/**
 * A classified `_bulk` answer in the delivery stage's terms. Throttled retries are listed first: the
 * sender queues them again before the items that failed with a server error, as it always did.
 */
export function toSendOutcome(outcome: BulkOutcome): SendOutcome {
  switch (outcome.kind) {
    case "ok":
      return { kind: "ok" };
    case "partial": {
      const throttled = outcome.retry.filter((failure) => failure.status === 429);
      const failing = outcome.retry.filter((failure) => failure.status !== 429);
      return {
        kind: "partial_failure",
        rejections: outcome.reject.map(rejection),
        retries: [...throttled, ...failing].map(retry),
      };
    }
    case "retry":
      return { kind: "request_failed", error: outcome.error };
    case "reject":
      return {
        kind: "request_refused",
        error: outcome.error,
        status: outcome.status,
        reason: outcome.reason,
      };
  }
}
