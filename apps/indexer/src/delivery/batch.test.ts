import { describe, expect, it } from "vitest";
import { Batcher } from "./batch.ts";

const item = (id: number, bytes = 10) => ({ id, bytes });

describe("Batcher", () => {
  it("releases a batch when full by count", () => {
    const batcher = new Batcher<ReturnType<typeof item>>({ maxDocs: 3, maxBytes: 1000, lingerMs: 1000 });
    batcher.add(item(1), 0);
    batcher.add(item(2), 0);
    expect(batcher.take(0)).toBeUndefined();
    batcher.add(item(3), 0);
    batcher.add(item(4), 0);
    expect(batcher.take(0)?.map((i) => i.id)).toEqual([1, 2, 3]);
    expect(batcher.size).toBe(1);
    expect(batcher.bytes).toBe(10);
  });

  it("releases smaller batches when asked for fewer documents than maxDocs, never more than maxDocs", () => {
    const batcher = new Batcher<ReturnType<typeof item>>({ maxDocs: 3, maxBytes: 1000, lingerMs: 1000 });
    for (let id = 1; id <= 6; id += 1) batcher.add(item(id), 0);
    expect(batcher.dueIn(0, 10)).toBe(0);
    expect(batcher.take(0, false, 2)?.map((i) => i.id)).toEqual([1, 2]);
    expect(batcher.take(0, false, 10)?.map((i) => i.id)).toEqual([3, 4, 5]);
    expect(batcher.take(0, false, 2)).toBeUndefined();
  });

  it("releases a batch when full by bytes, never above maxBytes unless one item is larger", () => {
    const batcher = new Batcher<ReturnType<typeof item>>({ maxDocs: 100, maxBytes: 25, lingerMs: 1000 });
    batcher.add(item(1), 0);
    batcher.add(item(2), 0);
    batcher.add(item(3), 0);
    expect(batcher.take(0)?.map((i) => i.id)).toEqual([1, 2]);
    batcher.add(item(4, 100), 0);
    expect(batcher.take(0, true)?.map((i) => i.id)).toEqual([3]);
    expect(batcher.take(0)?.map((i) => i.id)).toEqual([4]);
  });

  it("releases a partial batch once the oldest item waited lingerMs", () => {
    const batcher = new Batcher<ReturnType<typeof item>>({ maxDocs: 10, maxBytes: 1000, lingerMs: 200 });
    expect(batcher.dueIn(0)).toBeUndefined();
    batcher.add(item(1), 100);
    batcher.add(item(2), 250);
    expect(batcher.dueIn(150)).toBe(150);
    expect(batcher.take(299)).toBeUndefined();
    expect(batcher.take(300)?.map((i) => i.id)).toEqual([1, 2]);
  });

  it("with sendWhenIdle, releases a partial batch at once when idle (nothing in flight)", () => {
    const batcher = new Batcher<ReturnType<typeof item>>({
      maxDocs: 10,
      maxBytes: 1000,
      lingerMs: 200,
      sendWhenIdle: true,
    });
    batcher.add(item(1), 100);
    expect(batcher.dueIn(100, 10, true)).toBe(0);
    expect(batcher.take(100, false, 10, false)).toBeUndefined();
    expect(batcher.take(100, false, 10, true)?.map((i) => i.id)).toEqual([1]);
    expect(batcher.dueIn(100, 10, true)).toBeUndefined();
    const lingering = new Batcher<ReturnType<typeof item>>({
      maxDocs: 10,
      maxBytes: 1000,
      lingerMs: 200,
    });
    lingering.add(item(1), 100);
    expect(lingering.dueIn(100, 10, true)).toBe(200);
    expect(lingering.take(100, false, 10, true)).toBeUndefined();
  });

  it("releases anything when forced, and removes by predicate", () => {
    const batcher = new Batcher<ReturnType<typeof item>>({ maxDocs: 10, maxBytes: 1000, lingerMs: 10_000 });
    for (const id of [1, 2, 3, 4]) batcher.add(item(id), 0);
    expect(batcher.remove((i) => i.id % 2 === 0).map((i) => i.id)).toEqual([2, 4]);
    expect(batcher.bytes).toBe(20);
    expect(batcher.take(0, true)?.map((i) => i.id)).toEqual([1, 3]);
    expect(batcher.take(0, true)).toBeUndefined();
  });
});
