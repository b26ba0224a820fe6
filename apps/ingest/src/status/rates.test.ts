import { describe, expect, it } from "vitest";
import { createRateWindow } from "./rates.ts";

describe("createRateWindow", () => {
  it("averages over the time since start until the window is full", () => {
    let now = 1_000_000;
    const rate = createRateWindow({ windowSeconds: 60, now: () => now });
    rate.add(10);
    now += 5000;
    rate.add(10);
    expect(rate.perSecond()).toBe(4);
  });

  it("forgets counts older than the window", () => {
    let now = 1_000_000;
    const rate = createRateWindow({ windowSeconds: 10, now: () => now });
    rate.add(100);
    now += 20_000;
    rate.add(30);
    expect(rate.perSecond()).toBe(3);
    now += 10_000;
    expect(rate.perSecond()).toBe(0);
  });
});
