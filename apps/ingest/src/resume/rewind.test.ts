import { describe, expect, it } from "vitest";
import { rewindEventId } from "./rewind.ts";

describe("rewindEventId", () => {
  it("moves timestamp entries back by 1 ms so events sharing the last millisecond are re-read", () => {
    const id = '[{"topic":"eqiad.mediawiki.recentchange","partition":0,"timestamp":1670732822001}]';
    expect(JSON.parse(rewindEventId(id))).toEqual([
      { topic: "eqiad.mediawiki.recentchange", partition: 0, timestamp: 1670732822000 },
    ]);
  });

  it("standby DC and quiet-stream entries at offset -1 ('latest') are not skipped: they resume by time", () => {
    // Production: the codfw topic is always -1, and page_change was quiet since the connection began.
    const id = JSON.stringify([
      { topic: "eqiad.mediawiki.recentchange", partition: 0, timestamp: 1670732822001 },
      { topic: "codfw.mediawiki.recentchange", partition: 0, offset: -1 },
      { topic: "eqiad.mediawiki.page_change.v1", partition: 0, timestamp: 1670732822500 },
      { topic: "codfw.mediawiki.page_change.v1", partition: 0, offset: -1 },
    ]);
    const rewound = JSON.parse(rewindEventId(id)) as Record<string, unknown>[];
    expect(rewound).toEqual([
      { topic: "eqiad.mediawiki.recentchange", partition: 0, timestamp: 1670732822000 },
      { topic: "codfw.mediawiki.recentchange", partition: 0, timestamp: 1670732822000 },
      { topic: "eqiad.mediawiki.page_change.v1", partition: 0, timestamp: 1670732822499 },
      { topic: "codfw.mediawiki.page_change.v1", partition: 0, timestamp: 1670732822000 },
    ]);
    // KafkaSSE resolves timestamps only for entries without an offset key.
    for (const entry of rewound) expect(entry).not.toHaveProperty("offset");
  });

  it("leaves offsets, -1 without any timestamp to anchor on, and anything it cannot read as they are", () => {
    const offsets = '[{"topic":"eqiad.mediawiki.recentchange","partition":0,"offset":42}]';
    expect(rewindEventId(offsets)).toBe(offsets);
    const latest =
      '[{"topic":"eqiad.mediawiki.recentchange","partition":0,"offset":42},' +
      '{"topic":"eqiad.mediawiki.page_change.v1","partition":0,"offset":-1}]';
    expect(rewindEventId(latest)).toBe(latest);
    expect(rewindEventId("not json")).toBe("not json");
    expect(rewindEventId('{"a":1}')).toBe('{"a":1}');
  });
});
