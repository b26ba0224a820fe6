import { describe, expect, it } from "vitest";
import { eventIdFor, nextPosition, startPositions, take } from "./cursor.ts";
import { loadRecording } from "./recording.ts";
import { createSequence } from "./sequence.ts";
import { recordingPath } from "./shared-data.ts";

const rc = createSequence(
  "mediawiki.recentchange",
  await loadRecording(recordingPath("recentchange-raw-2022-12.sse")),
  false,
);
const pc = createSequence(
  "mediawiki.page_change.v1",
  await loadRecording(recordingPath("page-change-raw-2026-09-part1.sse")),
  false,
);
const base = { assignments: [], since: undefined, datacenter: "eqiad", datacenters: ["eqiad", "codfw"] };
const RC = "eqiad.mediawiki.recentchange";
const PC = "eqiad.mediawiki.page_change.v1";

describe("startPositions", () => {
  it("starts at the beginning, unpositioned, without Last-Event-ID or since", () => {
    const [a, b] = startPositions([rc, pc], base);
    expect([a?.next, a?.positioned, b?.next, b?.positioned]).toEqual([0, false, 0, false]);
  });

  it("lets offset win over timestamp for the same topic", () => {
    const [position] = startPositions([pc], {
      ...base,
      assignments: [{ topic: PC, partition: 0, offset: 5, timestamp: 0 }],
    });
    expect(position?.next).toBe(5);
  });

  it("maps a timestamp to the first event at or after it", () => {
    const target = pc.events[20]?.dt ?? 0;
    const [position] = startPositions([pc], {
      ...base,
      assignments: [{ topic: PC, partition: 0, timestamp: target }],
    });
    expect(position?.next).toBe(pc.events.findIndex((event) => event.dt >= target));
  });

  it("ignores since when Last-Event-ID has entries", () => {
    const since = pc.events[30]?.dt;
    const [a, b] = startPositions([rc, pc], {
      ...base,
      since,
      assignments: [{ topic: RC, partition: 0, offset: 2 }],
    });
    expect([a?.next, b?.next]).toEqual([2, 0]);
    const [c, d] = startPositions([rc, pc], { ...base, since });
    expect([c?.next, d?.next]).toEqual([3, 30]);
  });

  it("offset -1 means the beginning by default, and the end of the log with minusOneMeans latest", () => {
    const assignments = [{ topic: RC, partition: 0, offset: -1 }];
    const [beginning] = startPositions([rc], { ...base, assignments });
    expect([beginning?.next, beginning?.positioned]).toEqual([0, false]);
    const [latest] = startPositions([rc], { ...base, assignments, minusOneMeans: "latest" });
    expect([latest?.next, latest?.positioned]).toEqual([rc.length, true]);
  });

  it("accepts the standby datacenter's topics and ignores them", () => {
    const [position] = startPositions([rc], {
      ...base,
      assignments: [{ topic: "codfw.mediawiki.recentchange", partition: 0, offset: 2 }],
    });
    expect(position?.next).toBe(0);
  });

  it("refuses topics of streams not requested, and partitions other than 0", () => {
    const foreign = { ...base, assignments: [{ topic: PC, partition: 0, offset: 1 }] };
    expect(() => startPositions([rc], foreign)).toThrow(
      expect.objectContaining({ code: "invalid_assignment" }),
    );
    const partition = { ...base, assignments: [{ topic: RC, partition: 3, offset: 1 }] };
    expect(() => startPositions([rc], partition)).toThrow(/partition 3/);
  });
});

describe("reading order and ids", () => {
  it("interleaves by meta.dt, ties to the stream requested first", () => {
    const positions = startPositions([pc, rc], base);
    const order: string[] = [];
    for (let position = nextPosition(positions); position !== undefined; position = nextPosition(positions)) {
      order.push(take(position)?.stream ?? "");
    }
    // All 2022 recentchange events come before the 2026 page_change capture.
    expect(order.slice(0, 3)).toEqual(Array(3).fill("mediawiki.recentchange"));
    expect(order).toHaveLength(50);
  });

  it("writes the next offset for streams read or positioned, -1 for the others", () => {
    const positions = startPositions([rc, pc], base);
    const first = nextPosition(positions);
    if (first === undefined) throw new Error("no events");
    take(first);
    expect(JSON.parse(eventIdFor(positions, "offset"))).toEqual([
      { topic: RC, partition: 0, offset: 1 },
      { topic: PC, partition: 0, offset: -1 },
    ]);
    expect(JSON.parse(eventIdFor(positions, "timestamp", "codfw"))).toEqual([
      { topic: RC, partition: 0, timestamp: Date.parse("2022-12-11T04:27:02Z") + 1 },
      { topic: "codfw.mediawiki.recentchange", partition: 0, offset: -1 },
      { topic: PC, partition: 0, offset: -1 },
      { topic: "codfw.mediawiki.page_change.v1", partition: 0, offset: -1 },
    ]);
  });
});
