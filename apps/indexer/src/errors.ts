import { WikistreamError } from "@wikistream/resilience";

/**
 * The closed list of indexer error codes. Retry and dead-letter decisions, the `errors_total{code}`
 * metric and HTTP error bodies read `code` and `retryable`, never message text.
 */
export const indexerErrorCodes = [
  "opensearch_unavailable",
  "opensearch_timeout",
  "opensearch_throttled",
  "opensearch_server_error",
  "opensearch_auth_failed",
  "opensearch_unexpected_status",
  "opensearch_cluster_refused",
  "opensearch_proxy_refused",
  "bulk_request_rejected",
  "bulk_response_invalid",
  "dlq_publish_failed",
  "dlq_publish_refused",
  "dlq_batch_too_large",
  "dlq_letter_truncated",
  "offset_commit_failed",
  "index_template_failed",
  "index_settings_failed",
  "lag_fetch_failed",
  "transform_failed",
  "consumer_crashed",
] as const;

export type IndexerErrorCode = (typeof indexerErrorCodes)[number];

type Options = { cause?: unknown; context?: Record<string, unknown> };

export class IndexerError extends WikistreamError {
  declare readonly code: IndexerErrorCode;
  constructor(code: IndexerErrorCode, message: string, retryable: boolean, options: Options = {}) {
    super(code, message, { ...options, retryable });
    this.name = "IndexerError";
  }
}

/** Connection refused or reset, DNS failure, no living connection: nothing reached OpenSearch. */
export class OpenSearchUnavailableError extends IndexerError {
  constructor(message: string, options?: Options) {
    super("opensearch_unavailable", message, true, options);
    this.name = "OpenSearchUnavailableError";
  }
}

/** No answer within the request timeout; the request may or may not have been applied. */
export class OpenSearchTimeoutError extends IndexerError {
  constructor(message: string, options?: Options) {
    super("opensearch_timeout", message, true, options);
    this.name = "OpenSearchTimeoutError";
  }
}

/** HTTP 429 for a whole request: the cluster sheds load, back off and resend. */
export class OpenSearchThrottledError extends IndexerError {
  constructor(message: string, options?: Options) {
    super("opensearch_throttled", message, true, options);
    this.name = "OpenSearchThrottledError";
  }
}

/** HTTP 5xx for a whole request. */
export class OpenSearchServerError extends IndexerError {
  constructor(message: string, options?: Options) {
    super("opensearch_server_error", message, true, options);
    this.name = "OpenSearchServerError";
  }
}

/** 401/403: credentials or permissions. Retried (an operator can fix it) but never dead-lettered. */
export class OpenSearchAuthError extends IndexerError {
  constructor(message: string, options?: Options) {
    super("opensearch_auth_failed", message, true, options);
    this.name = "OpenSearchAuthError";
  }
}

/** Any other status for a whole request (404 from a wrong URL path, 405, …): a setup problem, retried. */
export class OpenSearchUnexpectedStatusError extends IndexerError {
  constructor(message: string, options?: Options) {
    super("opensearch_unexpected_status", message, true, options);
    this.name = "OpenSearchUnexpectedStatusError";
  }
}

/**
 * A whole request refused because of the cluster's state (a write block, a missing or closed index,
 * the shard limit): not the documents' fault; resent after backoff until an operator fixes it.
 */
export class OpenSearchClusterRefusedError extends IndexerError {
  constructor(message: string, options?: Options) {
    super("opensearch_cluster_refused", message, true, options);
    this.name = "OpenSearchClusterRefusedError";
  }
}

/**
 * 400/413 for a whole request with a body that is not OpenSearch's JSON error: a proxy, load balancer
 * or WAF answered. An outage, not the documents' fault: resent after backoff.
 */
export class OpenSearchProxyRefusedError extends IndexerError {
  constructor(message: string, options?: Options) {
    super("opensearch_proxy_refused", message, true, options);
    this.name = "OpenSearchProxyRefusedError";
  }
}

/** 400/413 for a whole bulk request: the body itself is refused; resending it unchanged cannot help. */
export class BulkRequestRejectedError extends IndexerError {
  constructor(message: string, options?: Options) {
    super("bulk_request_rejected", message, false, options);
    this.name = "BulkRequestRejectedError";
  }
}

/** A 2xx answer we cannot read per item (not JSON, wrong item count): resend, ids make it idempotent. */
export class BulkResponseInvalidError extends IndexerError {
  constructor(message: string, options?: Options) {
    super("bulk_response_invalid", message, true, options);
    this.name = "BulkResponseInvalidError";
  }
}

export class DeadLetterPublishError extends IndexerError {
  constructor(message: string, options?: Options) {
    super("dlq_publish_failed", message, true, options);
    this.name = "DeadLetterPublishError";
  }
}

/**
 * Kafka refused dead letters in a way resending cannot fix by itself (authorization, INVALID_TIMESTAMP,
 * …; context.kafkaCode): still retried, since an operator's fix lets them through, but the indexer is
 * not ready meanwhile.
 */
export class DeadLetterRefusedError extends IndexerError {
  constructor(message: string, options?: Options) {
    super("dlq_publish_refused", message, false, options);
    this.name = "DeadLetterRefusedError";
  }
}

/** Kafka refused a dead-letter send as too large (MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE): send fewer. */
export class DeadLetterTooLargeError extends IndexerError {
  constructor(message: string, options?: Options) {
    super("dlq_batch_too_large", message, true, options);
    this.name = "DeadLetterTooLargeError";
  }
}

/** A single letter too large even alone: its value and detail were cut (header wikistream-dlq-truncated). */
export class DeadLetterTruncatedError extends IndexerError {
  constructor(message: string, options?: Options) {
    super("dlq_letter_truncated", message, false, options);
    this.name = "DeadLetterTruncatedError";
  }
}

export class OffsetCommitError extends IndexerError {
  constructor(message: string, options?: Options) {
    super("offset_commit_failed", message, true, options);
    this.name = "OffsetCommitError";
  }
}

export class IndexTemplateError extends IndexerError {
  constructor(message: string, retryable: boolean, options?: Options) {
    super("index_template_failed", message, retryable, options);
    this.name = "IndexTemplateError";
  }
}

/** Applying settings to one existing index failed at start (e.g. it is read-only): warned, start goes on. */
export class IndexSettingsError extends IndexerError {
  constructor(message: string, options?: Options) {
    super("index_settings_failed", message, false, options);
    this.name = "IndexSettingsError";
  }
}

/** Reading committed offsets or high watermarks from Kafka for the lag metric failed; tried again later. */
export class LagFetchError extends IndexerError {
  constructor(message: string, options?: Options) {
    super("lag_fetch_failed", message, true, options);
    this.name = "LagFetchError";
  }
}

/** A transform threw for one record: that record is dead-lettered, the batch goes on. */
export class TransformError extends IndexerError {
  constructor(message: string, options?: Options) {
    super("transform_failed", message, false, options);
    this.name = "TransformError";
  }
}

/** kafkajs gave up on the consumer (a non-retriable error); the process should exit and be restarted. */
export class ConsumerCrashedError extends IndexerError {
  constructor(message: string, options?: Options) {
    super("consumer_crashed", message, false, options);
    this.name = "ConsumerCrashedError";
  }
}

/** kafkajs' "Failed to find group coordinator", possibly wrapped (cause): see IndexerLifecycle. */
export function isGroupCoordinatorNotFound(error: unknown): boolean {
  for (let e = error as { name?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 8; depth++) {
    if (e.name === "KafkaJSGroupCoordinatorNotFound") return true;
    e = typeof e.cause === "object" && e.cause !== null ? (e.cause as typeof e) : undefined;
  }
  return false;
}

/** The code of any error, for `errors_total{code}`: ours, kafkajs' `type`, else `unknown`. */
export function errorCode(error: unknown): string {
  if (error instanceof WikistreamError) return error.code;
  const type = (error as { type?: unknown } | null)?.type;
  return typeof type === "string" && /^[A-Z_]+$/.test(type) ? `kafka_${type.toLowerCase()}` : "unknown";
}
