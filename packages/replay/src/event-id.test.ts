import { describe, expect, it } from "vitest";
import { formatEventId, parseLastEventId } from "./event-id.ts";
import { loadAllRecordings } from "./recording.ts";

describe("parseLastEventId", () => {
  it("reads every id recorded from the real service", async () => {
    const ids = (await loadAllRecordings()).flatMap((event) =>
      event.sourceId === undefined ? [] : [event.sourceId],
    );
    expect(ids).toHaveLength(50);
    for (const id of ids) {
      const entries = parseLastEventId(id);
      expect(entries).toHaveLength(2);
      expect(entries[0]?.timestamp).toBeTypeOf("number");
      expect(entries[1]).toMatchObject({ partition: 0, offset: -1 });
    }
  });

  it("round-trips with formatEventId", () => {
    const entries = [
      { topic: "eqiad.mediawiki.recentchange", partition: 0, offset: 12 },
      { topic: "eqiad.mediawiki.page_change.v1", partition: 0, timestamp: 1790525832813 },
    ];
    expect(parseLastEventId(formatEventId(entries))).toEqual(entries);
    expect(formatEventId(entries)).toBe(
      '[{"topic":"eqiad.mediawiki.recentchange","partition":0,"offset":12},' +
        '{"topic":"eqiad.mediawiki.page_change.v1","partition":0,"timestamp":1790525832813}]',
    );
  });

  it("keeps both offset and timestamp when given (the caller lets offset win)", () => {
    expect(parseLastEventId('[{"topic":"t","partition":0,"offset":3,"timestamp":"1670732822001"}]')).toEqual([
      { topic: "t", partition: 0, offset: 3, timestamp: 1670732822001 },
    ]);
  });

  it("treats an empty header as no assignments", () => {
    expect(parseLastEventId("")).toEqual([]);
    expect(parseLastEventId("[]")).toEqual([]);
  });

  it.each([
    ["not json", "{nope"],
    ["not an array", '{"topic":"t"}'],
    ["entry not an object", "[1]"],
    ["no topic", '[{"partition":0,"offset":1}]'],
    ["bad partition", '[{"topic":"t","partition":-1,"offset":1}]'],
    ["bad offset", '[{"topic":"t","partition":0,"offset":"x"}]'],
    ["no position", '[{"topic":"t","partition":0}]'],
  ])("refuses %s", (_why, header) => {
    expect(() => parseLastEventId(header)).toThrow(
      expect.objectContaining({ code: "invalid_last_event_id" }),
    );
  });
});
