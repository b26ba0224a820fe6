import { describe, expect, it } from "vitest";
import { delayBefore } from "./pacing.ts";

describe("delayBefore", () => {
  it("never waits when fast, or before the first event", () => {
    expect(delayBefore("fast", 0, 5000, 2000)).toBe(0);
    expect(delayBefore("original", undefined, 5000, 2000)).toBe(0);
  });

  it("waits the recorded gap, capped, divided by the speed", () => {
    expect(delayBefore("original", 1000, 1500, 2000)).toBe(500);
    expect(delayBefore("original", 0, 60_000, 2000)).toBe(2000);
    expect(delayBefore(10, 1000, 1500, 2000)).toBe(50);
    expect(delayBefore(0.5, 0, 1500, 2000)).toBe(2000);
  });

  it("does not wait when meta.dt goes backwards, as it does in the captures", () => {
    expect(delayBefore("original", 2000, 1000, 2000)).toBe(0);
  });
});
