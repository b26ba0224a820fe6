import { describe, expect, it } from "vitest";
import { BulkRequestRejectedError, OpenSearchThrottledError } from "../errors.ts";
import { isClusterCause, rejectionReason, toSendOutcome } from "./outcome.ts";

describe("toSendOutcome", () => {
  it("keeps OpenSearch's error type as the dead-letter reason when it is a known one", () => {
    expect(rejectionReason("mapper_parsing_exception")).toBe("mapper_parsing_exception");
    expect(rejectionReason("strict_dynamic_mapping_exception")).toBe("strict_dynamic_mapping_exception");
    expect(rejectionReason("version_conflict_engine_exception")).toBe("rejected_other");
  });

  it("retries 429/503/504 items without limit and other 5xx a bounded number of times, throttled first", () => {
    // Longer than a screen: one literal partial answer with an item of each kind, and what each becomes.
    const outcome = toSendOutcome({
      kind: "partial",
      count: 5,
      reject: [
        {
          position: 0,
          status: 400,
          type: "mapper_parsing_exception",
          reason: "bad field",
          fault: "document",
        },
      ],
      retry: [
        { position: 1, status: 500, type: "exception", reason: "oops", fault: "server" },
        {
          position: 2,
          status: 503,
          type: "unavailable_shards_exception",
          reason: "recovering",
          fault: "unavailable",
        },
        { position: 3, status: 429, type: "es_rejected_execution_exception", reason: "busy", fault: "load" },
        { position: 4, status: 504, type: "timeout", reason: "slow", fault: "unavailable" },
      ],
    });
    expect(outcome).toEqual({
      kind: "partial_failure",
      rejections: [
        {
          position: 0,
          status: 400,
          reason: "mapper_parsing_exception",
          detail: "mapper_parsing_exception: bad field",
        },
      ],
      retries: [
        {
          position: 3,
          status: 429,
          cause: "throttled",
          bounded: false,
          detail: "es_rejected_execution_exception: busy",
        },
        { position: 1, status: 500, cause: "server_error", bounded: true, detail: "exception: oops" },
        {
          position: 2,
          status: 503,
          cause: "server_error",
          bounded: false,
          detail: "unavailable_shards_exception: recovering",
        },
        { position: 4, status: 504, cause: "server_error", bounded: false, detail: "timeout: slow" },
      ],
    });
  });

  it("regression: a write block dead-lettered the items; cluster states retry without limit, labelled by type", () => {
    const outcome = toSendOutcome({
      kind: "partial",
      count: 3,
      reject: [],
      retry: [
        {
          position: 0,
          status: 403,
          type: "cluster_block_exception",
          reason: "index [i] blocked by: [FORBIDDEN/8/index write (api)];",
          fault: "cluster",
        },
        {
          position: 1,
          status: 404,
          type: "index_not_found_exception",
          reason: "no such index",
          fault: "cluster",
        },
        { position: 2, status: 409, type: "some_future_exception", reason: "new", fault: "unknown" },
      ],
    });
    expect(outcome).toMatchObject({
      kind: "partial_failure",
      rejections: [],
      retries: [
        { position: 0, status: 403, cause: "cluster_block_exception", bounded: false },
        { position: 1, status: 404, cause: "index_not_found_exception", bounded: false },
        // An error type never seen: retried, and dead-lettered only after maxItemAttempts.
        { position: 2, status: 409, cause: "rejected_other", bounded: true },
      ],
    });
    expect(isClusterCause("cluster_block_exception")).toBe(true);
    expect(isClusterCause("throttled")).toBe(false);
  });

  it("maps whole-request outcomes: ok, failed (resend later), refused (split)", () => {
    expect(toSendOutcome({ kind: "ok", count: 3 })).toEqual({ kind: "ok" });
    const throttled = new OpenSearchThrottledError("429");
    expect(toSendOutcome({ kind: "retry", error: throttled })).toEqual({
      kind: "request_failed",
      error: throttled,
    });
    const rejected = new BulkRequestRejectedError("413");
    expect(toSendOutcome({ kind: "reject", error: rejected, status: 413, reason: "too_long: big" })).toEqual({
      kind: "request_refused",
      error: rejected,
      status: 413,
      reason: "too_long: big",
    });
  });
});
