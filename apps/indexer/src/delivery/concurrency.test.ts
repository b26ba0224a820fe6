import { describe, expect, it } from "vitest";
import { AdaptiveConcurrency, FixedConcurrency, isOverloaded } from "./concurrency.ts";
import type { CodedError } from "./types.ts";

const ok = { rttMs: 100, overloaded: false, saturated: true };
const error = Object.assign(new Error("down"), { code: "opensearch_unavailable" }) as CodedError;

describe("AdaptiveConcurrency", () => {
  it("starts at one and adds one per window of answers while the limit holds batches back", () => {
    const limit = new AdaptiveConcurrency({ max: 4 });
    expect(limit.limit).toBe(1);
    limit.observe(ok);
    expect(limit.limit).toBe(2);
    limit.observe(ok);
    expect(limit.limit).toBe(2);
    limit.observe(ok);
    expect(limit.limit).toBe(3);
    for (let i = 0; i < 20; i += 1) limit.observe(ok);
    expect(limit.limit).toBe(4);
  });

  it("does not grow while the input, not the limit, sets the pace", () => {
    const limit = new AdaptiveConcurrency({ max: 4 });
    for (let i = 0; i < 10; i += 1) limit.observe({ ...ok, saturated: false });
    expect(limit.limit).toBe(1);
  });

  it("halves on pushback and backs off a little on an answer much slower than the mean", () => {
    const limit = new AdaptiveConcurrency({ max: 8 });
    for (let i = 0; i < 40; i += 1) limit.observe(ok);
    expect(limit.limit).toBe(8);
    limit.observe({ ...ok, overloaded: true });
    expect(limit.limit).toBe(4);
    limit.observe({ ...ok, rttMs: 1000 });
    expect(limit.limit).toBe(3);
    for (let i = 0; i < 10; i += 1) limit.observe({ ...ok, overloaded: true });
    expect(limit.limit).toBe(1);
  });
});

describe("isOverloaded", () => {
  it("is a failed request or items to retry without limit (429/503), not a refusal", () => {
    expect(isOverloaded({ kind: "ok" })).toBe(false);
    expect(isOverloaded({ kind: "request_failed", error })).toBe(true);
    expect(isOverloaded({ kind: "request_refused", error, status: 413, reason: "too_long" })).toBe(false);
    const retry = { position: 0, status: 429, cause: "throttled", bounded: false, detail: "" };
    expect(isOverloaded({ kind: "partial_failure", rejections: [], retries: [retry] })).toBe(true);
    const poison = { ...retry, status: 500, cause: "server_error", bounded: true };
    expect(isOverloaded({ kind: "partial_failure", rejections: [], retries: [poison] })).toBe(false);
  });

  it("leaves a fixed limit alone", () => {
    const limit = new FixedConcurrency(3);
    limit.observe({ ...ok, overloaded: true });
    expect(limit.limit).toBe(3);
  });
});
