import { describe, expect, it } from "vitest";
import { deadLetterMessage } from "./dlq.ts";

describe("deadLetterMessage", () => {
  it("keeps the original key, value and headers, and says where it came from and why", () => {
    const value = new TextEncoder().encode('{"meta":{}}');
    const message = deadLetterMessage(
      {
        record: {
          topic: "wikistream.mediawiki.recentchange",
          partition: 2,
          offset: "41",
          key: new TextEncoder().encode("enwiki:Foo"),
          value,
          headers: { "wikistream-stream": "mediawiki.recentchange", "wikistream-meta-id": "abc" },
          timestamp: "1",
        },
        stage: "index",
        reason: "mapper_parsing_exception",
        detail: "failed to parse field [performer.registration_dt] of type [date]",
        status: 400,
      },
      new Date("2026-01-01T00:00:00Z"),
    );
    expect(message.key?.toString()).toBe("enwiki:Foo");
    expect(Buffer.compare(message.value as Buffer, Buffer.from(value))).toBe(0);
    expect(message.headers).toEqual({
      "wikistream-stream": "mediawiki.recentchange",
      "wikistream-meta-id": "abc",
      "wikistream-dlq-reason": "mapper_parsing_exception",
      "wikistream-dlq-stage": "index",
      "wikistream-dlq-detail": "failed to parse field [performer.registration_dt] of type [date]",
      "wikistream-dlq-status": "400",
      "wikistream-dlq-topic": "wikistream.mediawiki.recentchange",
      "wikistream-dlq-partition": "2",
      "wikistream-dlq-offset": "41",
      "wikistream-dlq-time": "2026-01-01T00:00:00.000Z",
    });
  });

  it("keeps an empty record empty and bounds the detail", () => {
    const message = deadLetterMessage({
      record: { topic: "t", partition: 0, offset: "0", key: null, value: null, headers: {}, timestamp: "0" },
      stage: "decode",
      reason: "empty_value",
      detail: "x".repeat(10_000),
    });
    expect(message.value).toBeNull();
    expect(message.headers?.["wikistream-dlq-detail"]).toHaveLength(2000);
    expect(message.headers).not.toHaveProperty("wikistream-dlq-status");
  });
});
