import { describe, expect, it } from "vitest";
import { decodeFrame } from "./decode.ts";
import { sampleEvent } from "./testing/sample-event.ts";

const event = sampleEvent;

describe("decodeFrame", () => {
  it("accepts a valid event of a requested stream", () => {
    const decoded = decodeFrame(JSON.stringify(event), ["mediawiki.recentchange"]);
    expect(decoded).toMatchObject({ kind: "event", stream: "mediawiki.recentchange" });
  });

  it("spots canaries", () => {
    const canary = { ...event, meta: { ...event.meta, domain: "canary" } };
    expect(decodeFrame(JSON.stringify(canary), ["mediawiki.recentchange"])).toEqual({
      kind: "canary",
      stream: "mediawiki.recentchange",
    });
  });

  it("rejects garbage without throwing", () => {
    expect(decodeFrame("{not json", ["mediawiki.recentchange"])).toMatchObject({
      kind: "reject",
      reason: "invalid_json",
    });
    expect(decodeFrame('{"meta":{}}', ["mediawiki.recentchange"])).toMatchObject({
      kind: "reject",
      reason: "schema_violation",
    });
    expect(decodeFrame("null", ["mediawiki.recentchange", "mediawiki.page_change.v1"])).toMatchObject({
      kind: "reject",
      reason: "schema_violation",
    });
  });

  it("rejects an event of a stream that was not requested", () => {
    const other = { ...event, meta: { ...event.meta, stream: "mediawiki.page_change.v1" } };
    expect(decodeFrame(JSON.stringify(other), ["mediawiki.recentchange"])).toMatchObject({
      kind: "reject",
      reason: "unexpected_stream",
    });
  });
});
