import type { KafkaMessage } from "kafkajs";
import { describe, expect, it } from "vitest";
import { toConsumedRecord } from "./source.ts";

describe("toConsumedRecord", () => {
  it("keeps key and value bytes and decodes headers as UTF-8 text", () => {
    // The fields kafkajs fills for a record-batch entry that the indexer reads.
    const message = {
      key: Buffer.from("enwiki:Tōkyō"),
      value: Buffer.from('{"meta":{}}'),
      timestamp: "1690617099000",
      attributes: 0,
      offset: "41",
      size: 0,
      headers: {
        "wikistream-stream": Buffer.from("mediawiki.recentchange"),
        "wikistream-sse-id": '[{"topic":"eqiad.mediawiki.recentchange","partition":0,"timestamp":1}]',
        repeated: [Buffer.from("first"), Buffer.from("second")],
        absent: undefined,
      },
    } as unknown as KafkaMessage;
    const record = toConsumedRecord("wikistream.mediawiki.recentchange", 2, message);
    expect(record).toEqual({
      topic: "wikistream.mediawiki.recentchange",
      partition: 2,
      offset: "41",
      key: Buffer.from("enwiki:Tōkyō"),
      value: Buffer.from('{"meta":{}}'),
      headers: {
        "wikistream-stream": "mediawiki.recentchange",
        "wikistream-sse-id": '[{"topic":"eqiad.mediawiki.recentchange","partition":0,"timestamp":1}]',
        repeated: "first",
      },
      timestamp: "1690617099000",
    });
  });
});
