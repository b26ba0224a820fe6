import { describe, expect, it } from "vitest";
import type { OutboundRecord } from "../records/record.ts";
import { HeldRecords, heldSize } from "./held.ts";

/** A record of `size` (heldSize): a one-character key and a value of size - 1 characters. */
const sized = (size: number, sseId?: string): OutboundRecord => ({
  topic: "t",
  key: "k",
  value: "x".repeat(size - 1),
  headers: {},
  sseId,
  metaId: undefined,
  eventTimeMs: undefined,
  stream: undefined,
});

describe("HeldRecords", () => {
  it("counts a record at the characters of its key and value", () => {
    expect(heldSize(sized(100))).toBe(100);
  });

  it("is full at the byte limit below the count limit, and has room again once records are released", () => {
    const held = new HeldRecords({ records: 100, bytes: 250 });
    for (const _ of [1, 2]) held.push(sized(100));
    expect(held.full).toBe(false);
    held.push(sized(100));
    expect(held).toMatchObject({ full: true, length: 3, bytes: 300 });
    held.release(1);
    expect(held).toMatchObject({ full: false, length: 2, bytes: 200 });
  });

  it("is full at the count limit however small the records", () => {
    const held = new HeldRecords({ records: 2, bytes: 1_000_000 });
    for (const _ of [1, 2]) held.push(sized(10));
    expect(held.full).toBe(true);
  });

  it("takes a record larger than the byte limit when empty, so that it cannot block the stream", () => {
    const held = new HeldRecords({ records: 10, bytes: 50 });
    expect(held.full).toBe(false);
    held.push(sized(500));
    expect(held.full).toBe(true);
    expect(held.oldest(10, 50)).toHaveLength(1);
  });

  it("makes a batch of the oldest records within both the count and the byte limit", () => {
    const held = new HeldRecords({ records: 10, bytes: 10_000 });
    for (const id of ["a", "b", "c", "d"]) held.push(sized(100, id));
    expect(held.oldest(3, 10_000).map((r) => r.sseId)).toEqual(["a", "b", "c"]);
    expect(held.oldest(10, 250).map((r) => r.sseId)).toEqual(["a", "b"]);
    expect(held.oldest(10, 200).map((r) => r.sseId)).toEqual(["a", "b"]);
    expect(held.newestSseId()).toBe("d");
  });

  it("a writer waiting for room resumes on release, or leaves with its signal's reason", async () => {
    const held = new HeldRecords({ records: 1, bytes: 1000 });
    held.push(sized(10));
    const waiting = held.waitForRoom();
    held.release(1);
    await expect(waiting).resolves.toBeUndefined();
    held.push(sized(10));
    const reader = new AbortController();
    const blocked = held.waitForRoom(reader.signal);
    reader.abort(new Error("stopping"));
    held.wakeWriters();
    await expect(blocked).rejects.toThrow("stopping");
  });
});
