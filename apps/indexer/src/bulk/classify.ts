import {
  BulkRequestRejectedError,
  BulkResponseInvalidError,
  type IndexerError,
  OpenSearchAuthError,
  OpenSearchClusterRefusedError,
  OpenSearchProxyRefusedError,
  OpenSearchServerError,
  OpenSearchThrottledError,
  OpenSearchUnexpectedStatusError,
} from "../errors.ts";
import { type Fault, faultOf } from "./faults.ts";

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
  /** Whose fault, from `type` and `status` (faults.ts): only `document` is dead-lettered at once. */
  fault: Fault;
}

/**
 * The closed set of outcomes of one `_bulk` call.
 * - ok: every item indexed.
 * - partial: some items failed (a partial failure); `reject` (document faults: mapping and parse
 *   errors) are dead-lettered with OpenSearch's reason, `retry` (every other fault, see faults.ts) are
 *   resent alone; all other items are indexed.
 * - retry: the whole request failed in a way that may pass later (429, 5xx, 401/403, a cluster state,
 *   a 400/413 that is not OpenSearch's own JSON error — a proxy, load balancer or WAF —, no answer).
 * - reject: OpenSearch refused the whole request and its error names a document (a parse error) or
 *   the size (413): resending it unchanged cannot help, so the caller splits it until the offending
 *   item is alone, then dead-letters it.
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

/** OpenSearch's own error body, `{"error": {"type": …, "reason": …}, "status": 400}`; else undefined. */
function openSearchError(body: unknown): ErrorBody | undefined {
  const error = (body as { error?: unknown } | null)?.error;
  if (typeof body !== "object" || error === null || typeof error !== "object") return undefined;
  return typeof (error as ErrorBody).type === "string" ? (error as ErrorBody) : undefined;
}

function wholeRequest(status: number, body: unknown): BulkOutcome {
  const error = openSearchError(body);
  const { type, reason } = describe(error);
  const detail = `bulk request answered ${status}${type === "unknown" ? "" : ` ${type}`}${reason ? `: ${reason}` : ""}`;
  const context = { status, type };
  const fault = faultOf(status, type);
  if (fault === "cluster" && type !== "security_exception") {
    return { kind: "retry", error: new OpenSearchClusterRefusedError(detail, { context }) };
  }
  if (status === 429) return { kind: "retry", error: new OpenSearchThrottledError(detail, { context }) };
  if (status >= 500) return { kind: "retry", error: new OpenSearchServerError(detail, { context }) };
  if (status === 401 || status === 403)
    return { kind: "retry", error: new OpenSearchAuthError(detail, { context }) };
  if (status === 400 || status === 413) {
    // Not OpenSearch's JSON (an HTML page, an empty body): something in front of it answered, and
    // splitting the batch would only dead-letter every document in turn. An outage: wait and resend.
    if (error === undefined) {
      const shown = typeof body === "string" ? `: ${body.slice(0, 200)}` : "";
      const message = `bulk request answered ${status} by something other than OpenSearch (no OpenSearch error body)${shown}`;
      return { kind: "retry", error: new OpenSearchProxyRefusedError(message, { context }) };
    }
    // Split only when OpenSearch's error names a document (or the size): else the request is fine.
    if (status === 413 || fault === "document") {
      return {
        kind: "reject",
        status,
        reason: `${type}: ${reason}`.slice(0, MAX_REASON),
        error: new BulkRequestRejectedError(detail, { context }),
      };
    }
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
      const reason = "bulk item without a status";
      retry.push({ position, status: 0, type: "missing_status", reason, fault: "server" });
      return;
    }
    if (itemStatus >= 200 && itemStatus < 300) return;
    const { type, reason } = describe((result as { error?: ErrorBody }).error);
    const failure = { position, status: itemStatus, type, reason, fault: faultOf(itemStatus, type) };
    (failure.fault === "document" ? reject : retry).push(failure);
  });
  if (retry.length === 0 && reject.length === 0) return { kind: "ok", count };
  return { kind: "partial", count, retry, reject };
}
