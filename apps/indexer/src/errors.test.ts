import { WikistreamError } from "@wikistream/resilience";
import { describe, expect, it } from "vitest";
import * as errors from "./errors.ts";

// Every concrete class, built with a message; the base class is left out.
const instances: errors.IndexerError[] = [
  new errors.OpenSearchUnavailableError("x"),
  new errors.OpenSearchTimeoutError("x"),
  new errors.OpenSearchThrottledError("x"),
  new errors.OpenSearchServerError("x"),
  new errors.OpenSearchAuthError("x"),
  new errors.OpenSearchUnexpectedStatusError("x"),
  new errors.OpenSearchClusterRefusedError("x"),
  new errors.OpenSearchProxyRefusedError("x"),
  new errors.BulkRequestRejectedError("x"),
  new errors.BulkResponseInvalidError("x"),
  new errors.DeadLetterPublishError("x"),
  new errors.DeadLetterRefusedError("x"),
  new errors.DeadLetterTooLargeError("x"),
  new errors.DeadLetterTruncatedError("x"),
  new errors.OffsetCommitError("x"),
  new errors.IndexTemplateError("x", false),
  new errors.IndexSettingsError("x"),
  new errors.LagFetchError("x"),
  new errors.TransformError("x"),
  new errors.ConsumerCrashedError("x"),
];

describe("indexer errors", () => {
  it("give each class its own code, from the closed list", () => {
    const codes = instances.map((error) => error.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(errors.indexerErrorCodes).toContain(code);
    expect([...codes].sort()).toEqual([...errors.indexerErrorCodes].sort());
  });

  it("give each class its own name", () => {
    const names = instances.map((error) => error.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("mark only what can pass later as retryable", () => {
    const retryable = instances.filter((error) => error.retryable).map((error) => error.code);
    expect(retryable.sort()).toEqual([
      "bulk_response_invalid",
      "dlq_batch_too_large",
      "dlq_publish_failed",
      "lag_fetch_failed",
      "offset_commit_failed",
      "opensearch_auth_failed",
      "opensearch_cluster_refused",
      "opensearch_proxy_refused",
      "opensearch_server_error",
      "opensearch_throttled",
      "opensearch_timeout",
      "opensearch_unavailable",
      "opensearch_unexpected_status",
    ]);
  });

  it("keep the cause and are WikistreamErrors", () => {
    const cause = new Error("socket hang up");
    const error = new errors.OpenSearchUnavailableError("bulk failed", { cause });
    expect(error).toBeInstanceOf(WikistreamError);
    expect(error.cause).toBe(cause);
  });
});

describe("errorCode", () => {
  it("reads our codes, kafkajs types, or says unknown", () => {
    expect(errors.errorCode(new errors.TransformError("x"))).toBe("transform_failed");
    expect(errors.errorCode(Object.assign(new Error("x"), { type: "REBALANCE_IN_PROGRESS" }))).toBe(
      "kafka_rebalance_in_progress",
    );
    expect(errors.errorCode(new Error("x"))).toBe("unknown");
  });
});
