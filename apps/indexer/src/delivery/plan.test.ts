import { describe, expect, it } from "vitest";
import { type PlanContext, planDelivery } from "./plan.ts";
import type { CodedError } from "./types.ts";

type Item = { id: string; bytes: number; attempts: number };
const item = (id: string, attempts = 0): Item => ({ id, bytes: 10, attempts });
const batch = [item("a"), item("b"), item("c", 2), item("d")];
// random() = 0.5: every jittered delay is half its ceiling (initial 100 ms, doubling, at most 1600 ms).
const context: PlanContext = {
  policy: { initialMs: 100, maxMs: 1600, maxItemAttempts: 3 },
  requestAttempt: 0,
  random: () => 0.5,
};
const error = (code: string): CodedError => Object.assign(new Error(code), { code });

describe("planDelivery", () => {
  it("indexes the whole batch after ok, and resets the request backoff", () => {
    expect(planDelivery({ kind: "ok" }, batch, context)).toEqual({
      steps: [{ kind: "index", items: batch }],
      requestBackoff: "reset",
    });
  });

  it("dead-letters rejected items, indexes the rest and retries failed items after their backoff", () => {
    const plan = planDelivery(
      {
        kind: "partial_failure",
        rejections: [{ position: 1, status: 400, reason: "mapper_parsing_exception", detail: "bad field" }],
        retries: [{ position: 3, status: 429, cause: "throttled", bounded: false, detail: "busy" }],
      },
      batch,
      context,
    );
    expect(plan).toEqual({
      steps: [
        {
          kind: "dead_letter",
          item: batch[1],
          reason: "mapper_parsing_exception",
          detail: "bad field",
          status: 400,
        },
        { kind: "index", items: [batch[0], batch[2]] },
        { kind: "retry_later", items: [batch[3]], reason: "throttled", delayMs: 50, countsAsAttempt: true },
      ],
      requestBackoff: "reset",
    });
  });

  it("groups retries by cause, all after the longest delay of their items", () => {
    const plan = planDelivery(
      {
        kind: "partial_failure",
        rejections: [],
        retries: [
          { position: 0, status: 429, cause: "throttled", bounded: false, detail: "busy" },
          { position: 1, status: 503, cause: "server_error", bounded: false, detail: "recovering" },
          { position: 2, status: 500, cause: "server_error", bounded: true, detail: "oops" },
        ],
      },
      [item("a"), item("b"), item("c", 1)],
      context,
    );
    // Item c failed once before: its ceiling is 200 ms, so 100 ms for every retried item.
    expect(plan.steps.filter((step) => step.kind === "retry_later")).toEqual([
      {
        kind: "retry_later",
        items: [expect.objectContaining({ id: "a" })],
        reason: "throttled",
        delayMs: 100,
        countsAsAttempt: true,
      },
      {
        kind: "retry_later",
        items: [expect.objectContaining({ id: "b" }), expect.objectContaining({ id: "c" })],
        reason: "server_error",
        delayMs: 100,
        countsAsAttempt: true,
      },
    ]);
  });

  it("dead-letters an item whose bounded failure reached maxItemAttempts; unbounded ones never", () => {
    const plan = planDelivery(
      {
        kind: "partial_failure",
        rejections: [],
        retries: [
          { position: 2, status: 500, cause: "server_error", bounded: true, detail: "x: boom" },
          { position: 3, status: 503, cause: "server_error", bounded: false, detail: "y: recovering" },
        ],
      },
      [item("a"), item("b"), item("c", 2), item("d", 50)],
      context,
    );
    expect(plan.steps).toEqual([
      { kind: "index", items: [expect.objectContaining({ id: "a" }), expect.objectContaining({ id: "b" })] },
      {
        kind: "dead_letter",
        item: expect.objectContaining({ id: "c" }),
        reason: "retries_exhausted",
        detail: "3 attempts; last: 500 x: boom",
        status: 500,
      },
      // Item d's ceiling is capped at maxMs (1600 ms).
      {
        kind: "retry_later",
        items: [expect.objectContaining({ id: "d" })],
        reason: "server_error",
        delayMs: 800,
        countsAsAttempt: true,
      },
    ]);
  });

  it("backs off everything and resends the batch after a failed request, without counting an attempt", () => {
    const failure = error("opensearch_unavailable");
    const plan = planDelivery({ kind: "request_failed", error: failure }, batch, {
      ...context,
      requestAttempt: 2,
    });
    expect(plan).toEqual({
      steps: [
        { kind: "back_off", delayMs: 200, error: failure },
        {
          kind: "retry_later",
          items: batch,
          reason: "opensearch_unavailable",
          delayMs: 200,
          countsAsAttempt: false,
        },
      ],
      requestBackoff: "advance",
      error: failure,
    });
  });

  it("splits a refused request in halves, and dead-letters a refused request of one item", () => {
    const refused = {
      kind: "request_refused",
      error: error("bulk_request_rejected"),
      status: 413,
      reason: "too_long: big",
    } as const;
    const five = [item("a"), item("b"), item("c"), item("d"), item("e")];
    expect(planDelivery(refused, five, context)).toEqual({
      steps: [{ kind: "split", batches: [five.slice(0, 3), five.slice(3)] }],
      requestBackoff: "keep",
      error: refused.error,
    });
    expect(planDelivery(refused, [five[0]!], context).steps).toEqual([
      {
        kind: "dead_letter",
        item: five[0],
        reason: "request_rejected",
        detail: "too_long: big",
        status: 413,
      },
    ]);
  });

  it("changes nothing it is given", () => {
    const items = [item("a", 1)];
    planDelivery(
      {
        kind: "partial_failure",
        rejections: [],
        retries: [{ position: 0, status: 500, cause: "server_error", bounded: true, detail: "x" }],
      },
      items,
      context,
    );
    expect(items).toEqual([item("a", 1)]);
  });
});
