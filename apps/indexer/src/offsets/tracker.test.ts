import { describe, expect, it } from "vitest";
import { OffsetTracker } from "./tracker.ts";

describe("OffsetTracker", () => {
  it("commits nothing until the first record is finished", () => {
    const tracker = new OffsetTracker();
    tracker.add(10n);
    tracker.add(11n);
    tracker.finish(11n);
    expect(tracker.committable()).toBeUndefined();
    expect(tracker.unfinished).toBe(1);
    tracker.finish(10n);
    expect(tracker.committable()).toBe(12n);
    expect(tracker.unfinished).toBe(0);
  });

  it("never commits past an unfinished record, whatever finishes after it", () => {
    const tracker = new OffsetTracker();
    for (const offset of [0n, 1n, 2n, 3n, 4n]) tracker.add(offset);
    tracker.finish(0n);
    tracker.finish(2n);
    tracker.finish(3n);
    tracker.finish(4n);
    expect(tracker.committable()).toBe(1n);
    tracker.finish(1n);
    expect(tracker.committable()).toBe(5n);
  });

  it("handles offset gaps (transaction markers, compaction)", () => {
    const tracker = new OffsetTracker();
    tracker.add(5n);
    tracker.add(9n);
    tracker.finish(5n);
    expect(tracker.committable()).toBe(6n);
    tracker.finish(9n);
    expect(tracker.committable()).toBe(10n);
  });

  it("ignores unknown and repeated finishes and refuses offsets going backwards", () => {
    const tracker = new OffsetTracker();
    tracker.add(1n);
    expect(tracker.finish(7n)).toBe(false);
    expect(tracker.finish(1n)).toBe(true);
    expect(tracker.finish(1n)).toBe(false);
    expect(tracker.unfinished).toBe(0);
    expect(() => tracker.add(1n)).toThrow(RangeError);
  });

  it("says which offsets were already taken (a re-fetched record), without throwing", () => {
    const tracker = new OffsetTracker();
    expect(tracker.taken(0n)).toBe(false);
    tracker.add(3n);
    expect(tracker.taken(2n)).toBe(true);
    expect(tracker.taken(3n)).toBe(true);
    expect(tracker.taken(4n)).toBe(false);
  });

  it("stays correct over many records finished out of order", () => {
    const tracker = new OffsetTracker();
    const offsets = Array.from({ length: 5000 }, (_, i) => BigInt(i));
    for (const offset of offsets) tracker.add(offset);
    const shuffled = [...offsets].sort(() => Math.random() - 0.5);
    let lowestUnfinished = 0n;
    const finished = new Set<bigint>();
    for (const offset of shuffled) {
      tracker.finish(offset);
      finished.add(offset);
      while (finished.has(lowestUnfinished)) lowestUnfinished += 1n;
      expect(tracker.committable() ?? 0n).toBe(lowestUnfinished);
    }
    expect(tracker.committable()).toBe(5000n);
  });

  it("keeps gaps and finishes right across its compaction, whatever the order within a bulk", () => {
    const tracker = new OffsetTracker();
    // Offsets with gaps (every third), added in fetches of 500 and finished in bulks of 300, each
    // bulk back to front: the finish hint misses and the search finds them.
    let added = 0;
    let finished = 0;
    const offsetOf = (n: number) => BigInt(n * 3 + 7);
    while (finished < 6000) {
      while (added < finished + 2000) tracker.add(offsetOf(added++));
      for (let n = Math.min(finished + 300, added) - 1; n >= finished; n -= 1) {
        expect(tracker.finish(offsetOf(n))).toBe(true);
      }
      finished = Math.min(finished + 300, added);
      expect(tracker.committable()).toBe(offsetOf(finished - 1) + 1n);
      expect(tracker.finish(offsetOf(finished - 1))).toBe(false);
      expect(tracker.finish(offsetOf(finished) + 1n)).toBe(false);
      expect(tracker.window).toBe(added - finished);
    }
  });
});
