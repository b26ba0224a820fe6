import { recordHeaders as headers } from "@wikistream/events";
import { describe, expect, it } from "vitest";
import { deadLetterRecord, frameId } from "./dead-letter.ts";

const sseId = '[{"topic":"eqiad.mediawiki.recentchange","partition":0,"offset":42}]';

describe("frameId", () => {
  it("is the same for the same frame read again, and differs by payload or position", async () => {
    const id = await frameId(sseId, "{not json");
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(await frameId(sseId, "{not json")).toBe(id);
    expect(await frameId(sseId, '{"meta":{}}')).not.toBe(id);
    expect(await frameId(undefined, "{not json")).not.toBe(id);
  });
});

describe("deadLetterRecord", () => {
  it("carries reason, detail, raw payload and SSE id in the value, and the ids in headers", () => {
    const record = deadLetterRecord("dlq", {
      reason: "invalid_json",
      detail: "Unexpected token",
      url: "http://replay/v2/stream/mediawiki.recentchange",
      sseId,
      raw: "{not json",
      frameId: "ab".repeat(32),
      receivedAt: "2026-01-01T00:00:00.000Z",
    });
    expect(record.topic).toBe("dlq");
    expect(JSON.parse(record.value)).toMatchObject({ reason: "invalid_json", raw: "{not json", sseId });
    expect(record.headers).toEqual({ [headers.sseId]: sseId, [headers.frameId]: "ab".repeat(32) });
    expect(record.sseId).toBe(sseId);
  });
});
