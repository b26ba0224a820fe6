import { describe, expect, it } from "vitest";
import { OpenSearchUnavailableError } from "../errors.ts";
import { type BulkAnswer, classifyBulk } from "./classify.ts";

const response = (status: number, body: unknown): BulkAnswer => ({ kind: "response", status, body });

describe("classifyBulk: whole-request answers", () => {
  it("retries the whole request on 429, 5xx and 401/403, and on no answer", () => {
    const throttledRequest = response(429, {
      error: { type: "rejected_execution_exception", reason: "rejected execution of coordinating operation" },
      status: 429,
    });
    expect(classifyBulk(throttledRequest, 3)).toMatchObject({
      kind: "retry",
      error: { code: "opensearch_throttled" },
    });
    expect(classifyBulk(response(503, "Service Unavailable"), 3)).toMatchObject({
      kind: "retry",
      error: { code: "opensearch_server_error", retryable: true },
    });
    expect(classifyBulk(response(502, undefined), 3)).toMatchObject({ kind: "retry" });
    expect(classifyBulk(response(403, { error: { type: "security_exception" } }), 3)).toMatchObject({
      kind: "retry",
      error: { code: "opensearch_auth_failed" },
    });
    expect(classifyBulk(response(404, {}), 3)).toMatchObject({
      kind: "retry",
      error: { code: "opensearch_unexpected_status" },
    });
    const noAnswer: BulkAnswer = {
      kind: "no_response",
      error: new OpenSearchUnavailableError("ECONNREFUSED"),
    };
    expect(classifyBulk(noAnswer, 3)).toEqual({ kind: "retry", error: noAnswer.error });
  });

  it("rejects a whole request OpenSearch refuses as malformed or too large", () => {
    const body = {
      error: {
        type: "illegal_argument_exception",
        reason: "The bulk request must be terminated by a newline [\\n]",
      },
      status: 400,
    };
    expect(classifyBulk(response(400, body), 2)).toMatchObject({
      kind: "reject",
      status: 400,
      reason: "illegal_argument_exception: The bulk request must be terminated by a newline [\\n]",
      error: { code: "bulk_request_rejected", retryable: false },
    });
    const parse = {
      error: { type: "json_parse_exception", reason: "Unrecognized token 'garbage'" },
      status: 400,
    };
    expect(classifyBulk(response(400, parse), 2)).toMatchObject({ kind: "reject", status: 400 });
    const tooLarge = { error: { type: "content_too_long_exception", reason: "too long" }, status: 413 };
    expect(classifyBulk(response(413, tooLarge), 2)).toMatchObject({ kind: "reject", status: 413 });
  });

  it("regression: an HTML 400/413 from a proxy split the batch and dead-lettered every document", () => {
    const html =
      "<html><head><title>400 Bad Request</title></head><body><center><h1>400 Bad Request</h1></center><hr><center>nginx</center></body></html>";
    for (const [status, body] of [
      [400, html],
      [413, "<html><body><h1>413 Request Entity Too Large</h1></body></html>"],
      [413, ""],
      [400, undefined],
      [400, { message: "Request blocked by WAF" }],
    ] as const) {
      expect(classifyBulk(response(status, body), 3)).toMatchObject({
        kind: "retry",
        error: { code: "opensearch_proxy_refused", retryable: true, context: { status } },
      });
    }
  });

  it("regression: a whole request refused for a cluster state (a block, a closed index) was split and dead-lettered", () => {
    const closed = {
      error: { type: "index_closed_exception", reason: "closed", index: "wikistream-recentchange-2023.07" },
      status: 400,
    };
    expect(classifyBulk(response(400, closed), 3)).toMatchObject({
      kind: "retry",
      error: { code: "opensearch_cluster_refused" },
    });
    const blocked = {
      error: {
        root_cause: [
          {
            type: "cluster_block_exception",
            reason: "blocked by: [FORBIDDEN/12/index read-only / allow delete (api)];",
          },
        ],
        type: "cluster_block_exception",
        reason:
          "index [wikistream-recentchange-2023.07] blocked by: [FORBIDDEN/12/index read-only / allow delete (api)];",
      },
      status: 403,
    };
    expect(classifyBulk(response(403, blocked), 3)).toMatchObject({
      kind: "retry",
      error: { code: "opensearch_cluster_refused" },
    });
  });
});
