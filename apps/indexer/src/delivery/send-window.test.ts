import { describe, expect, it } from "vitest";
import type { ConcurrencyLimit, SendObservation } from "./concurrency.ts";
import { SendWindow } from "./send-window.ts";
import type { CodedError, SendOutcome } from "./types.ts";

const failed: SendOutcome = {
  kind: "request_failed",
  error: Object.assign(new Error("down"), { code: "opensearch_unavailable" }) as CodedError,
};

describe("SendWindow", () => {
  it("has room while fewer sends than the limit are in flight, and counts their bytes", () => {
    const window = new SendWindow(2, 1000);
    window.opened(10);
    expect(window.hasRoom).toBe(true);
    window.opened(20);
    expect(window.hasRoom).toBe(false);
    expect(window.inFlightBytes).toBe(30);
    window.closed(10);
    expect([window.inFlight, window.inFlightBytes, window.hasRoom]).toEqual([1, 20, true]);
  });

  it("starts with batches of 100 documents and doubles them with each answer that is not pushback", () => {
    const window = new SendWindow(1, 300);
    expect(window.batchDocs).toBe(100);
    window.answered(failed, 5);
    expect(window.batchDocs).toBe(100);
    window.answered({ kind: "ok" }, 5);
    window.answered({ kind: "ok" }, 5);
    expect(window.batchDocs).toBe(300);
    expect(new SendWindow(1, 20).batchDocs).toBe(20);
  });

  it("tells the limit whether a batch was held back since the last answer", () => {
    const seen: SendObservation[] = [];
    const limit: ConcurrencyLimit = { limit: 1, observe: (observation) => seen.push(observation) };
    const window = new SendWindow(limit, 1000);
    window.markBlocked();
    window.answered({ kind: "ok" }, 7);
    window.answered(failed, 9);
    expect(seen).toEqual([
      { rttMs: 7, overloaded: false, saturated: true },
      { rttMs: 9, overloaded: true, saturated: false },
    ]);
  });

  it("keeps the backoff gate closed until its time, never moving it earlier, and counts failed requests", () => {
    const window = new SendWindow(1, 1000);
    expect(window.waitAt(0)).toBe(0);
    window.backOff(500);
    window.backOff(200);
    expect(window.waitAt(100)).toBe(400);
    expect(window.waitAt(600)).toBe(0);
    window.requestBackoff("advance");
    window.requestBackoff("advance");
    window.requestBackoff("keep");
    expect(window.requestAttempt).toBe(2);
    window.requestBackoff("reset");
    expect(window.requestAttempt).toBe(0);
  });
});
