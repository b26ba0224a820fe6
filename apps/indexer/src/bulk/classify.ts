import {
  BulkRequestRejectedError,
  BulkResponseInvalidError,
  type IndexerError,
  OpenSearchAuthError,
  OpenSearchServerError,
  OpenSearchThrottledError,
  OpenSearchUnexpectedStatusError,
} from "../errors.ts";

/** What the bulk client got back: an HTTP answer (any status), or no answer at all. */
export type BulkAnswer =
  | { kind: "response"; status: number; body: unknown }
  | { kind: "no_response"; error: IndexerError };

/** One failed item, by its position in the request. */
export interface ItemFailure {
  position: number;
  status: number;
  /** OpenSearch's error type, e.g. `mapper_parsing_exception`, `es_rejected_execution_exception`. */
  type: string;
  /** OpenSearch's reason text, with the root cause when there is one. */
  reason: string;
}

/**
 * The closed set of outcomes of one `_bulk` call.
 * - ok: every item indexed.
 * - partial: some items failed (a partial failure); `retry` (429, 5xx) are resent alone, `reject`
 *   (other 4xx: mapping and parse errors) are dead-lettered with OpenSearch's reason; all other items
 *   are indexed.
 * - retry: the whole request failed in a way that may pass later (429, 5xx, 401/403, no answer).
 * - reject: the whole request was refused as malformed or too large (400/413): resending it unchanged
 *   cannot help, so the caller splits it until the offending item is alone, then dead-letters it.
 */
export type BulkOutcome =
  | { kind: "ok"; count: number }
  | { kind: "partial"; count: number; retry: ItemFailure[]; reject: ItemFailure[] }
  | { kind: "retry"; error: IndexerError }
  | { kind: "reject"; error: IndexerError; status: number; reason: string };

const MAX_REASON = 1000;

type ErrorBody = { type?: unknown; reason?: unknown; caused_by?: ErrorBody };

function describe(error: ErrorBody | undefined): { type: string; reason: string } {
  if (!error || typeof error !== "object") return { type: "unknown", reason: "" };
  const type = typeof error.type === "string" ? error.type : "unknown";
  let reason = typeof error.reason === "string" ? error.reason : "";
  const cause = error.caused_by;
  if (cause && typeof cause === "object" && typeof cause.reason === "string") {
    reason += ` (caused by ${typeof cause.type === "string" ? cause.type : "unknown"}: ${cause.reason})`;
  }
  return { type, reason: reason.slice(0, MAX_REASON) };
}

/** Retry an item that failed for load or availability; dead-letter one that can never be indexed. */
export function isRetryableItemStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

function wholeRequest(status: number, body: unknown): BulkOutcome {
  const { type, reason } = describe((body as { error?: ErrorBody } | null)?.error);
  const detail = `bulk request answered ${status}${type === "unknown" ? "" : ` ${type}`}${reason ? `: ${reason}` : ""}`;
  const context = { status, type };
  if (status === 429) return { kind: "retry", error: new OpenSearchThrottledError(detail, { context }) };
  if (status >= 500) return { kind: "retry", error: new OpenSearchServerError(detail, { context }) };
  if (status === 401 || status === 403)
    return { kind: "retry", error: new OpenSearchAuthError(detail, { context }) };
  if (status === 400 || status === 413) {
    return {
      kind: "reject",
      status,
      reason: `${type}: ${reason}`.slice(0, MAX_REASON),
      error: new BulkRequestRejectedError(detail, { context }),
    };
  }
  return { kind: "retry", error: new OpenSearchUnexpectedStatusError(detail, { context }) };
}

/** Reads a `_bulk` answer for a request of `count` operations. Pure. */
export function classifyBulk(answer: BulkAnswer, count: number): BulkOutcome {
  if (answer.kind === "no_response") return { kind: "retry", error: answer.error };
  const { status, body } = answer;
  if (status < 200 || status >= 300) return wholeRequest(status, body);
  const items = (body as { items?: unknown } | null)?.items;
  if (!Array.isArray(items) || items.length !== count) {
    const got = Array.isArray(items) ? `${items.length} items` : "no items array";
    return {
      kind: "retry",
      error: new BulkResponseInvalidError(`bulk answered ${status} with ${got} for ${count} operations`),
    };
  }
  if ((body as { errors?: unknown }).errors === false) return { kind: "ok", count };
  const retry: ItemFailure[] = [];
  const reject: ItemFailure[] = [];
  items.forEach((item: unknown, position) => {
    // Each item is keyed by its operation: {"index": {...}}, {"create": {...}}, ...
    const result = item && typeof item === "object" ? Object.values(item)[0] : undefined;
    const itemStatus = (result as { status?: unknown } | undefined)?.status;
    if (typeof itemStatus !== "number") {
      retry.push({ position, status: 0, type: "missing_status", reason: "bulk item without a status" });
      return;
    }
    if (itemStatus >= 200 && itemStatus < 300) return;
    const failure = { position, status: itemStatus, ...describe((result as { error?: ErrorBody }).error) };
    (isRetryableItemStatus(itemStatus) ? retry : reject).push(failure);
  });
  if (retry.length === 0 && reject.length === 0) return { kind: "ok", count };
  return { kind: "partial", count, retry, reject };
}
