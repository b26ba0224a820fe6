import { describe, expect, it } from "vitest";
import { rewindEventId } from "./rewind.ts";

describe("rewindEventId", () => {
  it("moves timestamp entries back by 1 ms so events sharing the last millisecond are re-read", () => {
    const id =
      '[{"topic":"eqiad.mediawiki.recentchange","partition":0,"timestamp":1670732822001},' +
      '{"topic":"codfw.mediawiki.recentchange","partition":0,"offset":-1}]';
    expect(JSON.parse(rewindEventId(id))).toEqual([
      { topic: "eqiad.mediawiki.recentchange", partition: 0, timestamp: 1670732822000 },
      { topic: "codfw.mediawiki.recentchange", partition: 0, offset: -1 },
    ]);
  });

  it("leaves offsets, and anything it cannot read, exactly as they are", () => {
    const offsets = '[{"topic":"eqiad.mediawiki.recentchange","partition":0,"offset":42}]';
    expect(rewindEventId(offsets)).toBe(offsets);
    expect(rewindEventId("not json")).toBe("not json");
    expect(rewindEventId('{"a":1}')).toBe('{"a":1}');
  });
});
