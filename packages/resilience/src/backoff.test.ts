import { describe, expect, it } from "vitest";
import { backoffDelay, createBackoff, sleep } from "./backoff.ts";

describe("backoffDelay", () => {
  it("grows the ceiling exponentially up to the maximum", () => {
    const top = () => 0.999999;
    const delays = [0, 1, 2, 3, 10].map((a) => backoffDelay(a, { initialMs: 100, maxMs: 1000, random: top }));
    expect(delays).toEqual([99, 199, 399, 799, 999]);
  });
  it("uses full jitter: zero is possible", () => {
    expect(backoffDelay(5, { initialMs: 100, maxMs: 1000, random: () => 0 })).toBe(0);
  });
});

describe("createBackoff", () => {
  it("counts attempts and resets", () => {
    const backoff = createBackoff({ initialMs: 10, maxMs: 100, random: () => 0.5 });
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([5, 10, 20]);
    backoff.reset();
    expect(backoff.attempt).toBe(0);
    expect(backoff.next()).toBe(5);
  });
});

describe("sleep", () => {
  it("rejects with the abort reason", async () => {
    const controller = new AbortController();
    const pending = sleep(10_000, controller.signal);
    controller.abort(new Error("stopping"));
    await expect(pending).rejects.toThrow("stopping");
  });
});
