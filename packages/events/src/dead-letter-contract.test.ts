import { describe, expect, it } from "vitest";
import {
  deadLetterHeaderValues,
  isDeadLetter,
  originalHeaders,
  readDeadLetterHeaders,
} from "./dead-letter-contract.ts";

const facts = {
  reason: "mapper_parsing_exception",
  stage: "index",
  detail: "failed to parse field [x]",
  status: 400,
  topic: "wikistream.mediawiki.recentchange",
  partition: 2,
  offset: "41",
  time: "2026-09-01T10:00:00.000Z",
} as const;

describe("dead-letter contract", () => {
  it("writes the headers the DLQ topic's format names, status and truncation only when set", () => {
    expect(deadLetterHeaderValues(facts)).toEqual({
      "wikistream-dlq-reason": "mapper_parsing_exception",
      "wikistream-dlq-stage": "index",
      "wikistream-dlq-detail": "failed to parse field [x]",
      "wikistream-dlq-status": "400",
      "wikistream-dlq-topic": "wikistream.mediawiki.recentchange",
      "wikistream-dlq-partition": "2",
      "wikistream-dlq-offset": "41",
      "wikistream-dlq-time": "2026-09-01T10:00:00.000Z",
    });
    const plain = deadLetterHeaderValues({ ...facts, status: undefined, truncatedValueBytes: 2_000_000 });
    expect(plain).not.toHaveProperty("wikistream-dlq-status");
    expect(plain["wikistream-dlq-truncated"]).toBe("2000000");
  });

  it("reads back what it wrote, from text or bytes, and leaves the record's own headers", () => {
    const bytes = Object.fromEntries(
      Object.entries({ "x-original": "m-1", ...deadLetterHeaderValues(facts) }).map(([k, v]) => [
        k,
        Buffer.from(v),
      ]),
    );
    expect(isDeadLetter(bytes)).toBe(true);
    expect(isDeadLetter({ "x-original": "m-1" })).toBe(false);
    expect(readDeadLetterHeaders(bytes)).toEqual({
      reason: "mapper_parsing_exception",
      stage: "index",
      detail: "failed to parse field [x]",
      status: "400",
      topic: "wikistream.mediawiki.recentchange",
      partition: "2",
      offset: "41",
      time: "2026-09-01T10:00:00.000Z",
      truncated: undefined,
    });
    expect(originalHeaders(bytes)).toEqual({ "x-original": Buffer.from("m-1") });
  });
});
