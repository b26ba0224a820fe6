import { describe, expect, it } from "vitest";
import { derivedUuid, multiplyEvents, withMetaId } from "./multiply.ts";
import { loadAllRecordings, loadRecording } from "./recording.ts";
import { recordingPath } from "./shared-data.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function withoutId(data: string): unknown {
  const event = JSON.parse(data) as { meta: Record<string, unknown> };
  const { id: _id, ...meta } = event.meta;
  return { ...event, meta };
}

describe("multiplyEvents", () => {
  it("returns factor copies of the real events, each with a fresh meta.id and nothing else changed", async () => {
    const real = await loadAllRecordings();
    const copies = multiplyEvents(real, 3);
    expect(copies).toHaveLength(real.length * 3);
    const ids = copies.map((copy) => copy.event.meta?.id);
    expect(new Set(ids).size).toBe(copies.length);
    const realIds = new Set(real.map((event) => event.event.meta?.id));
    copies.forEach((copy, index) => {
      const original = real[index % real.length];
      if (original === undefined) throw new Error("unreachable");
      expect(copy.event.meta?.id).toMatch(UUID);
      expect(realIds.has(copy.event.meta?.id)).toBe(false);
      expect(copy.stream).toBe(original.stream);
      expect(copy.dt).toBe(original.dt);
      expect(JSON.parse(copy.data)).toEqual(copy.event);
      expect(withoutId(copy.data)).toEqual(withoutId(original.data));
      // The recorded text is kept byte for byte apart from the id.
      expect(copy.data.replace(String(copy.event.meta?.id), String(original.event.meta?.id))).toBe(
        original.data,
      );
    });
  });

  it("returns nothing for factor 0 and refuses fractions and negatives", async () => {
    const real = await loadRecording(recordingPath("recentchange-raw-2022-12.sse"));
    expect(multiplyEvents(real, 0)).toEqual([]);
    expect(() => multiplyEvents(real, 1.5)).toThrow(expect.objectContaining({ code: "invalid_option" }));
    expect(() => multiplyEvents(real, -1)).toThrow(/factor/);
  });

  it("gives an id to an event recorded without one (schema examples)", async () => {
    const [example] = await loadRecording(recordingPath("schema-examples.ndjson"));
    if (example === undefined) throw new Error("schema examples missing");
    expect(example.event.meta?.id).toBeUndefined();
    const copy = withMetaId(example, "00000000-0000-4000-8000-000000000000");
    expect(JSON.parse(copy.data).meta).toEqual({
      ...example.event.meta,
      id: "00000000-0000-4000-8000-000000000000",
    });
  });
});

describe("derivedUuid", () => {
  it("is a stable v4-shaped UUID per seed", () => {
    expect(derivedUuid("a/1")).toMatch(UUID);
    expect(derivedUuid("a/1")).toBe(derivedUuid("a/1"));
    expect(derivedUuid("a/1")).not.toBe(derivedUuid("a/2"));
  });
});
