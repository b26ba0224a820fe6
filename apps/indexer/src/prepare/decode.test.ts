import { recordHeaders } from "@wikistream/events";
import { describe, expect, it } from "vitest";
import { loadRealEvents, withChange } from "../../test/helpers/recordings.ts";
import type { ConsumedRecord } from "../record.ts";
import { decodeRecord, streamOfRecord } from "./decode.ts";

const encoder = new TextEncoder();
const events = loadRealEvents();

function record(data: string | Uint8Array | null, overrides: Partial<ConsumedRecord> = {}): ConsumedRecord {
  return {
    topic: "wikistream.mediawiki.recentchange",
    partition: 0,
    offset: "0",
    key: null,
    value: typeof data === "string" ? encoder.encode(data) : data,
    headers: {},
    timestamp: "0",
    ...overrides,
  };
}

const topicOf = {
  "mediawiki.recentchange": "wikistream.mediawiki.recentchange",
  "mediawiki.page_change.v1": "wikistream.mediawiki.page_change.v1",
};

describe("decodeRecord", () => {
  it("decodes every real recorded event, with the stream from the header", () => {
    for (const event of events) {
      const decoded = decodeRecord(
        record(event.data, { topic: "anything", headers: { [recordHeaders.stream]: event.stream } }),
        "wikistream.",
      );
      expect(decoded, event.file).toMatchObject({ kind: "event", stream: event.stream });
    }
  });

  it("falls back to the topic name when there is no stream header", () => {
    const pageChange = events.find((e) => e.stream === "mediawiki.page_change.v1")!;
    expect(
      decodeRecord(record(pageChange.data, { topic: topicOf[pageChange.stream] }), "wikistream."),
    ).toMatchObject({
      kind: "event",
      stream: "mediawiki.page_change.v1",
    });
  });

  it("skips canary events before validating them", () => {
    const canary = withChange(events[0]!, (e) => {
      (e.meta as Record<string, unknown>).domain = "canary";
    });
    expect(decodeRecord(record(canary.data), "wikistream.")).toEqual({ kind: "skip", reason: "canary" });
    // Even one that would not pass the schema.
    expect(decodeRecord(record('{"meta":{"domain":"canary"}}'), "wikistream.")).toEqual({
      kind: "skip",
      reason: "canary",
    });
  });

  it("names the reason of each rejection", () => {
    const prefix = "wikistream.";
    expect(decodeRecord(record(null), prefix)).toMatchObject({ kind: "reject", reason: "empty_value" });
    expect(decodeRecord(record(new Uint8Array([0xff, 0xfe])), prefix)).toMatchObject({
      kind: "reject",
      reason: "invalid_utf8",
    });
    expect(decodeRecord(record("{not json"), prefix)).toMatchObject({
      kind: "reject",
      reason: "invalid_json",
    });
    const broken = withChange(events[0]!, (e) => {
      e.namespace = "zero";
    });
    expect(decodeRecord(record(broken.data), prefix)).toMatchObject({
      kind: "reject",
      reason: "schema_violation",
      detail: expect.stringContaining("namespace"),
    });
    const pageChange = events.find((e) => e.stream === "mediawiki.page_change.v1")!;
    // A page_change event in the recentchange topic.
    expect(decodeRecord(record(pageChange.data), prefix)).toMatchObject({
      kind: "reject",
      reason: "stream_mismatch",
    });
  });

  it("repeats only the index-protecting checks for a record with ingest's headers, else validates fully", () => {
    const real = events.find((e) => e.stream === "mediawiki.recentchange")!;
    const ingestHeaders = { [recordHeaders.stream]: real.stream, [recordHeaders.metaId]: real.metaId };
    expect(decodeRecord(record(real.data, { headers: ingestHeaders }), "wikistream.")).toMatchObject({
      kind: "event",
      validation: "ingest",
    });
    expect(decodeRecord(record(real.data), "wikistream.")).toMatchObject({
      kind: "event",
      validation: "full",
    });
    // A schema problem ingest would have refused is not looked for again…
    const namespace = withChange(real, (e) => {
      e.namespace = "zero";
    });
    expect(decodeRecord(record(namespace.data, { headers: ingestHeaders }), "wikistream.")).toMatchObject({
      kind: "event",
    });
    // …but a record whose meta.id is not the header's, or whose meta.dt is no date, gets the full schema.
    const otherId = { ...ingestHeaders, [recordHeaders.metaId]: "not-the-id" };
    expect(decodeRecord(record(real.data, { headers: otherId }), "wikistream.")).toMatchObject({
      kind: "event",
      validation: "full",
    });
    const badDate = withChange(real, (e) => {
      (e.meta as Record<string, unknown>).dt = "yesterday";
    });
    expect(decodeRecord(record(badDate.data, { headers: ingestHeaders }), "wikistream.")).toMatchObject({
      kind: "reject",
      reason: "schema_violation",
    });
    const pageChange = events.find((e) => e.stream === "mediawiki.page_change.v1")!;
    const wrongTopic = { ...ingestHeaders, [recordHeaders.metaId]: pageChange.metaId };
    expect(decodeRecord(record(pageChange.data, { headers: wrongTopic }), "wikistream.")).toMatchObject({
      kind: "reject",
      reason: "stream_mismatch",
    });
  });

  it("rejects records of streams it has no mapping for", () => {
    expect(
      streamOfRecord({ topic: "wikistream.mediawiki.page-create", headers: {} }, "wikistream."),
    ).toMatchObject({
      ok: false,
      reason: "unsupported_stream",
    });
    expect(
      streamOfRecord({ topic: "t", headers: { [recordHeaders.stream]: "nope" } }, "wikistream."),
    ).toMatchObject({
      ok: false,
      reason: "unknown_stream",
    });
  });
});
