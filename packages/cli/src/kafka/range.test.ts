import { describe, expect, it } from "vitest";
import { rangeSize, resolveRanges } from "./range.ts";

const bounds = [
  { partition: 1, low: "10", high: "50" },
  { partition: 0, low: "0", high: "100" },
];

describe("resolveRanges", () => {
  it("takes every retained offset by default, in partition order", () => {
    expect(resolveRanges(bounds, {})).toEqual([
      { partition: 0, from: "0", to: "100" },
      { partition: 1, from: "10", to: "50" },
    ]);
  });
  it("clamps offset bounds to what Kafka still holds and keeps only the chosen partitions", () => {
    expect(resolveRanges(bounds, { fromOffset: "5", toOffset: "40", partitions: [1] })).toEqual([
      { partition: 1, from: "10", to: "40" },
    ]);
  });
  it("narrows by time offsets; -1 (nothing at or after the time) means the partition's end", () => {
    const ranges = resolveRanges(bounds, {
      sinceOffsets: new Map([
        [0, "20"],
        [1, "-1"],
      ]),
      untilOffsets: new Map([
        [0, "30"],
        [1, "-1"],
      ]),
    });
    expect(ranges).toEqual([
      { partition: 0, from: "20", to: "30" },
      { partition: 1, from: "50", to: "50" },
    ]);
    expect(rangeSize(ranges)).toBe(10);
  });
  it("never yields a range whose end is before its start", () => {
    expect(resolveRanges(bounds, { fromOffset: "90", toOffset: "10", partitions: [0] })).toEqual([
      { partition: 0, from: "90", to: "90" },
    ]);
  });
});
