import { describe, expect, it } from "vitest";
import { OpenSearchUnavailableError } from "../errors.ts";
import { type BulkAnswer, classifyBulk } from "./classify.ts";

const ok = (status: number, id: string) => ({
  index: {
    _index: "wikistream-recentchange-2023.07",
    _id: id,
    _version: 1,
    result: "created",
    _shards: { total: 2, successful: 1, failed: 0 },
    _seq_no: 0,
    _primary_term: 1,
    status,
  },
});

// Item bodies as OpenSearch 3.3 answers them.
const mappingError = {
  index: {
    _index: "wikistream-recentchange-2023.07",
    _id: "b",
    status: 400,
    error: {
      type: "mapper_parsing_exception",
      reason:
        "failed to parse field [n] of type [long] in document with id 'b'. Preview of field's value: 'many'",
      caused_by: { type: "illegal_argument_exception", reason: 'For input string: "many"' },
    },
  },
};
const throttled = {
  index: {
    _index: "wikistream-recentchange-2023.07",
    _id: "c",
    status: 429,
    error: {
      type: "es_rejected_execution_exception",
      reason: "rejected execution of coordinating operation [shard_detail=...]",
    },
  },
};
const unavailable = {
  index: {
    _index: "wikistream-recentchange-2023.07",
    _id: "d",
    status: 503,
    error: {
      type: "unavailable_shards_exception",
      reason: "[wikistream-recentchange-2023.07][0] primary shard is not active",
    },
  },
};

const response = (status: number, body: unknown): BulkAnswer => ({ kind: "response", status, body });

describe("classifyBulk", () => {
  it("ok when errors is false and every item is answered", () => {
    expect(
      classifyBulk(response(200, { took: 3, errors: false, items: [ok(201, "a"), ok(200, "b")] }), 2),
    ).toEqual({
      kind: "ok",
      count: 2,
    });
  });

  it("splits item failures: 429/5xx retry only those items, 4xx reject with OpenSearch's reason", () => {
    const outcome = classifyBulk(
      response(200, { took: 9, errors: true, items: [ok(201, "a"), mappingError, throttled, unavailable] }),
      4,
    );
    expect(outcome).toEqual({
      kind: "partial",
      count: 4,
      reject: [
        {
          position: 1,
          status: 400,
          type: "mapper_parsing_exception",
          reason:
            "failed to parse field [n] of type [long] in document with id 'b'. Preview of field's value: 'many' (caused by illegal_argument_exception: For input string: \"many\")",
        },
      ],
      retry: [
        { position: 2, status: 429, type: "es_rejected_execution_exception", reason: expect.any(String) },
        { position: 3, status: 503, type: "unavailable_shards_exception", reason: expect.any(String) },
      ],
    });
  });

  it("treats errors:true with only successes as ok (e.g. version conflicts resolved)", () => {
    expect(classifyBulk(response(200, { errors: true, items: [ok(200, "a")] }), 1)).toMatchObject({
      kind: "ok",
    });
  });

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
    expect(classifyBulk(response(413, ""), 2)).toMatchObject({ kind: "reject", status: 413 });
  });

  it("retries a 2xx it cannot read per item rather than assuming success", () => {
    expect(classifyBulk(response(200, { errors: false, items: [ok(201, "a")] }), 2)).toMatchObject({
      kind: "retry",
      error: { code: "bulk_response_invalid" },
    });
    expect(classifyBulk(response(200, undefined), 1)).toMatchObject({ kind: "retry" });
    expect(classifyBulk(response(200, { errors: true, items: [{ index: { _id: "a" } }] }), 1)).toMatchObject({
      kind: "partial",
      retry: [{ position: 0, type: "missing_status" }],
    });
  });
});
