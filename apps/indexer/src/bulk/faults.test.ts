import { describe, expect, it } from "vitest";
import { type PlanContext, planDelivery } from "../delivery/plan.ts";
import { type BulkAnswer, classifyBulk } from "./classify.ts";
import { faultOf } from "./faults.ts";
import { toSendOutcome } from "./outcome.ts";

// From a literal `_bulk` answer to what the sender does: classify → outcome → plan, end to end.

type Item = { id: string; bytes: number; attempts: number };
const items = (n: number, attempts = 0): Item[] =>
  Array.from({ length: n }, (_, i) => ({ id: `e${i}`, bytes: 10, attempts }));
const context: PlanContext = {
  policy: { initialMs: 100, maxMs: 1600, maxItemAttempts: 3 },
  requestAttempt: 0,
  random: () => 0.5,
};
const plan = (answer: BulkAnswer, batch: Item[]) =>
  planDelivery(toSendOutcome(classifyBulk(answer, batch.length)), batch, context);
const kinds = (steps: readonly { kind: string }[]) => steps.map((step) => step.kind);

const writeBlocked = (n: number): BulkAnswer => ({
  kind: "response",
  status: 200,
  body: {
    took: 2953,
    errors: true,
    items: Array.from({ length: n }, (_, i) => ({
      index: {
        _index: "wikistream-recentchange-2023.07",
        _id: `e${i}`,
        status: 403,
        error: {
          type: "cluster_block_exception",
          reason: "index [wikistream-recentchange-2023.07] blocked by: [FORBIDDEN/8/index write (api)];",
        },
      },
    })),
  },
});

describe("a _bulk answer, planned", () => {
  it("regression: an HTML 400 from a proxy was split down to single documents and each dead-lettered", () => {
    const html: BulkAnswer = {
      kind: "response",
      status: 400,
      body: "<html><head><title>400 Bad Request</title></head><body><h1>400 Bad Request</h1></body></html>",
    };
    const four = items(4);
    expect(kinds(plan(html, four).steps)).toEqual(["back_off", "retry_later"]);
    // Even a batch of one is resent, never dead-lettered.
    const one = plan(html, items(1));
    expect(kinds(one.steps)).toEqual(["back_off", "retry_later"]);
    expect(one.error?.code).toBe("opensearch_proxy_refused");
    expect(one.steps[1]).toMatchObject({ reason: "opensearch_proxy_refused", countsAsAttempt: false });
  });

  it("splits a request OpenSearch's own error blames on a document, and dead-letters the lone one", () => {
    const parse: BulkAnswer = {
      kind: "response",
      status: 400,
      body: {
        error: {
          root_cause: [{ type: "json_parse_exception", reason: "Unrecognized token 'garbage'" }],
          type: "json_parse_exception",
          reason: "Unrecognized token 'garbage'",
        },
        status: 400,
      },
    };
    expect(kinds(plan(parse, items(4)).steps)).toEqual(["split"]);
    expect(plan(parse, items(1)).steps).toMatchObject([
      {
        kind: "dead_letter",
        reason: "request_rejected",
        detail: "json_parse_exception: Unrecognized token 'garbage'",
      },
    ]);
  });

  it("regression: a write block on the index dead-lettered every document; now they wait, however often they failed", () => {
    // Items that already failed far more often than maxItemAttempts are still not dead-lettered.
    const batch = items(3, 50);
    const planned = plan(writeBlocked(3), batch);
    expect(kinds(planned.steps)).toEqual(["index", "retry_later"]);
    expect(planned.steps[1]).toMatchObject({ reason: "cluster_block_exception", items: batch, delayMs: 800 });
  });

  it("dead-letters document faults only, with OpenSearch's reason", () => {
    const answer: BulkAnswer = {
      kind: "response",
      status: 200,
      body: {
        errors: true,
        items: [
          {
            index: {
              _id: "e0",
              status: 400,
              error: {
                type: "strict_dynamic_mapping_exception",
                reason: "mapping set to strict, dynamic introduction of [x] within [_doc] is not allowed",
              },
            },
          },
          {
            index: {
              _id: "e1",
              status: 400,
              error: {
                type: "validation_exception",
                reason: "Validation Failed: 1: this action would add [2] total shards",
              },
            },
          },
        ],
      },
    };
    expect(plan(answer, items(2)).steps).toMatchObject([
      {
        kind: "dead_letter",
        item: { id: "e0" },
        reason: "strict_dynamic_mapping_exception",
        detail: expect.stringContaining("dynamic introduction of [x]"),
        status: 400,
      },
      { kind: "index", items: [] },
      { kind: "retry_later", items: [{ id: "e1" }], reason: "validation_exception" },
    ]);
  });

  it("reads the type before the status", () => {
    expect(faultOf(400, "index_closed_exception")).toBe("cluster");
    expect(faultOf(429, "cluster_block_exception")).toBe("cluster");
    expect(faultOf(400, "mapper_parsing_exception")).toBe("document");
    expect(faultOf(503, "unavailable_shards_exception")).toBe("unavailable");
    expect(faultOf(500, "exception")).toBe("server");
    expect(faultOf(429, "unknown")).toBe("load");
    expect(faultOf(409, "version_conflict_engine_exception")).toBe("unknown");
  });
});
