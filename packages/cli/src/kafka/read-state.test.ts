import { describe, expect, it } from "vitest";
import { RangeProgress, ReadEnd } from "./read-state.ts";

describe("RangeProgress", () => {
  it("reads only non-empty ranges and completes a partition at its end, never moving past it", () => {
    const progress = new RangeProgress([
      { partition: 0, from: "10", to: "20" },
      { partition: 1, from: "5", to: "5" },
    ]);
    expect(progress.pending.map((r) => r.partition)).toEqual([0]);
    expect(progress.rangeOf(1)).toBeUndefined();
    expect(progress.advance(0, "14")).toBe(false);
    expect(progress.summary().partitions).toEqual([
      { partition: 0, next: "15", to: "20", complete: false },
      { partition: 1, next: "5", to: "5", complete: true },
    ]);
    expect(progress.advance(0, "25")).toBe(true);
    expect(progress.pending).toEqual([]);
    expect(progress.summary().partitions[0]).toEqual({ partition: 0, next: "20", to: "20", complete: true });
  });
});

describe("ReadEnd", () => {
  it("rethrows the failure that ended the read", async () => {
    const end = new ReadEnd();
    end.fail(new Error("onRecords failed"));
    await expect(end.wait(60_000)).rejects.toThrow("onRecords failed");
  });

  it("ends once nothing progressed for idleMs", async () => {
    const end = new ReadEnd();
    await expect(end.wait(0)).resolves.toBeUndefined();
  });
});
