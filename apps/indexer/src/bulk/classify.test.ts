import { describe, expect, it } from "vitest";
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

// Whole-request answers (429, 5xx, no answer, refusals) are in classify-request.test.ts.
describe("classifyBulk: per-item answers", () => {
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
          fault: "document",
        },
      ],
      retry: [
        {
          position: 2,
          status: 429,
          type: "es_rejected_execution_exception",
          reason: expect.any(String),
          fault: "load",
        },
        {
          position: 3,
          status: 503,
          type: "unavailable_shards_exception",
          reason: expect.any(String),
          fault: "unavailable",
        },
      ],
    });
  });

  it("treats errors:true with only successes as ok (e.g. version conflicts resolved)", () => {
    expect(classifyBulk(response(200, { errors: true, items: [ok(200, "a")] }), 1)).toMatchObject({
      kind: "ok",
    });
  });

  it("regression: item errors caused by the cluster's state were dead-lettered (write block, security, missing or closed index, shard limit)", () => {
    const item = (status: number, type: string, reason: string) => ({
      index: { _index: "wikistream-recentchange-2023.07", _id: "x", status, error: { type, reason } },
    });
    // Bodies as OpenSearch 3.3 answers them, one per cluster state: longer than a screen, read as a table.
    const items = [
      item(
        403,
        "cluster_block_exception",
        "index [wikistream-recentchange-2023.07] blocked by: [FORBIDDEN/8/index write (api)];",
      ),
      item(
        403,
        "cluster_block_exception",
        "index [i] blocked by: [FORBIDDEN/12/index read-only / allow delete (api)];",
      ),
      item(
        403,
        "security_exception",
        "no permissions for [indices:data/write/bulk[s]] and User [name=indexer]",
      ),
      item(404, "index_not_found_exception", "no such index [wikistream-recentchange-2023.07]"),
      item(400, "index_closed_exception", "closed"),
      item(
        400,
        "validation_exception",
        "Validation Failed: 1: this action would add [2] total shards, but this cluster currently has [1000]/[1000] maximum shards open;",
      ),
      item(429, "es_rejected_execution_exception", "rejected execution of primary operation"),
      item(400, "mapper_parsing_exception", "failed to parse field [n] of type [long]"),
      item(400, "illegal_argument_exception", 'Document contains at least one immense term in field="title"'),
      item(
        400,
        "strict_dynamic_mapping_exception",
        "mapping set to strict, dynamic introduction of [x] within [_doc] is not allowed",
      ),
      item(409, "some_future_exception", "never seen before"),
    ];
    const outcome = classifyBulk(response(200, { errors: true, items }), items.length);
    if (outcome.kind !== "partial") throw new Error(`expected partial, got ${outcome.kind}`);
    expect(outcome.retry.map((f) => [f.position, f.type, f.fault])).toEqual([
      [0, "cluster_block_exception", "cluster"],
      [1, "cluster_block_exception", "cluster"],
      [2, "security_exception", "cluster"],
      [3, "index_not_found_exception", "cluster"],
      [4, "index_closed_exception", "cluster"],
      [5, "validation_exception", "cluster"],
      [6, "es_rejected_execution_exception", "load"],
      [10, "some_future_exception", "unknown"],
    ]);
    expect(outcome.reject.map((f) => [f.position, f.type, f.fault])).toEqual([
      [7, "mapper_parsing_exception", "document"],
      [8, "illegal_argument_exception", "document"],
      [9, "strict_dynamic_mapping_exception", "document"],
    ]);
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
