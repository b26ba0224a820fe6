import { describe, expect, it } from "vitest";
import { fetchDecision } from "./backpressure.ts";

describe("fetchDecision", () => {
  it("pauses once the uncommitted window reaches the limit", () => {
    expect(fetchDecision({ paused: false, window: 9, awaitingRetry: 0, maxWindow: 10 })).toBe("keep");
    expect(fetchDecision({ paused: false, window: 10, awaitingRetry: 0, maxWindow: 10 })).toBe("pause");
  });

  it("pauses while any record waits for a retry, however small the window", () => {
    expect(fetchDecision({ paused: false, window: 1, awaitingRetry: 1, maxWindow: 10 })).toBe("pause");
    expect(fetchDecision({ paused: true, window: 0, awaitingRetry: 1, maxWindow: 10 })).toBe("keep");
  });

  it("pauses while over the byte budget and resumes only once back under it", () => {
    const base = { window: 1, awaitingRetry: 0, maxWindow: 10 };
    expect(fetchDecision({ ...base, paused: false, overBudget: true })).toBe("pause");
    expect(fetchDecision({ ...base, paused: true, overBudget: true })).toBe("keep");
    expect(fetchDecision({ ...base, paused: true, overBudget: false })).toBe("resume");
  });

  it("resumes at half the limit, not before, once nothing waits for a retry", () => {
    expect(fetchDecision({ paused: true, window: 6, awaitingRetry: 0, maxWindow: 10 })).toBe("keep");
    expect(fetchDecision({ paused: true, window: 5, awaitingRetry: 0, maxWindow: 10 })).toBe("resume");
    expect(fetchDecision({ paused: true, window: 2, awaitingRetry: 0, maxWindow: 5 })).toBe("resume");
    expect(fetchDecision({ paused: true, window: 3, awaitingRetry: 0, maxWindow: 5 })).toBe("keep");
  });
});
