import type { ItemRejection, ItemRetry, SendOutcome } from "../delivery/types.ts";
import type { BulkOutcome, ItemFailure } from "./classify.ts";
import { clusterFaultTypes, retriesWithoutLimit } from "./faults.ts";

// OpenSearch error types kept as dead-letter reasons (metric labels); others are "rejected_other".
const knownRejections = new Set([
  "mapper_parsing_exception",
  "document_parsing_exception",
  "illegal_argument_exception",
  "strict_dynamic_mapping_exception",
  "action_request_validation_exception",
  "max_bytes_length_exceeded_exception",
]);

/** The dead-letter reason of an item OpenSearch refused: its error type when known, a bounded label. */
export function rejectionReason(type: string): string {
  return knownRejections.has(type) ? type : "rejected_other";
}

/**
 * The retry cause of an item (a bounded metric label): the error type for a cluster state (so that
 * `cluster_refusals_total{reason}` names the block), else throttled / server_error / rejected_other.
 */
export function retryCause(failure: Pick<ItemFailure, "fault" | "type">): string {
  switch (failure.fault) {
    case "cluster":
      // One of the few clusterFaultTypes: a bounded label.
      return failure.type;
    case "load":
      return "throttled";
    case "unknown":
      return "rejected_other";
    default:
      return "server_error";
  }
}

/** Whether a retry cause is a cluster state (see faults.ts): counted and alerted on apart from load. */
export function isClusterCause(cause: string): boolean {
  return clusterFaultTypes.has(cause);
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
    cause: retryCause(failure),
    // Load, recovery and cluster states are not the record's fault: retried without limit. Another
    // failure that keeps coming for one item while others pass is poison after maxItemAttempts.
    bounded: !retriesWithoutLimit(failure.fault),
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
      const throttled = outcome.retry.filter((failure) => failure.fault === "load");
      const failing = outcome.retry.filter((failure) => failure.fault !== "load");
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
