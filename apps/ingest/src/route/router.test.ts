import { recordHeaders as headers } from "@wikistream/events";
import { silentLogger } from "@wikistream/log";
import { describe, expect, it } from "vitest";
import { createIngestMetrics } from "../metrics.ts";
import type { OutboundRecord } from "../records/record.ts";
import { Tally } from "../status/tally.ts";
import { sampleEvent } from "../testing/sample-event.ts";
import { FrameRouter } from "./router.ts";
import { SeenIds } from "./seen-ids.ts";

const stream = "mediawiki.recentchange";
const event = sampleEvent;

function router() {
  const tally = new Tally();
  const routes = new FrameRouter({
    streams: [stream],
    topics: new Map([[stream, "t.recentchange"]]),
    dlqTopic: "t.dlq",
    url: "http://replay/v2/stream/mediawiki.recentchange",
    seen: { events: new SeenIds(new Set()), frames: new SeenIds(new Set()) },
    metrics: createIngestMetrics({ defaultMetrics: false }),
    tally,
    logger: silentLogger,
  });
  return { routes, tally };
}

describe("FrameRouter", () => {
  it("publishes an event to its stream topic once; the same event read again is counted as a duplicate", async () => {
    const { routes, tally } = router();
    const frame = { id: "sse-1", data: JSON.stringify(event) };
    const record = await routes.route(frame);
    expect(record).toMatchObject({ topic: "t.recentchange", value: frame.data, sseId: "sse-1", stream });
    expect(record?.headers[headers.metaId]).toBe(event.meta.id);
    expect(await routes.route(frame)).toBeUndefined();
    expect(tally.counts()).toMatchObject({ duplicates: 1, dropped: 1 });
  });

  it("dead-letters a bad frame once, with the stream URL and the payload as received", async () => {
    const { routes, tally } = router();
    const frame = { id: "sse-2", data: "{not json" };
    const record = await routes.route(frame);
    expect(record?.topic).toBe("t.dlq");
    expect(JSON.parse(record?.value ?? "{}")).toMatchObject({
      reason: "invalid_json",
      url: "http://replay/v2/stream/mediawiki.recentchange",
      sseId: "sse-2",
      raw: "{not json",
    });
    // The field order of the README's "Dead-letter records".
    expect(Object.keys(JSON.parse(record?.value ?? "{}"))).toEqual([
      "reason",
      "detail",
      "url",
      "sseId",
      "raw",
      "frameId",
      "receivedAt",
    ]);
    expect(await routes.route(frame)).toBeUndefined();
    expect(tally.counts().duplicates).toBe(1);
  });

  it("a record too large for Kafka becomes a cut dead letter; a dead letter itself never does", async () => {
    const { routes } = router();
    const huge: OutboundRecord = {
      topic: "t.recentchange",
      key: "k",
      value: "x".repeat(20_000),
      headers: {},
      sseId: "sse-3",
      metaId: "m",
      eventTimeMs: undefined,
      stream,
    };
    const letter = await routes.deadLetterTooLarge(huge, "MESSAGE_TOO_LARGE");
    const value = JSON.parse(letter?.value ?? "{}") as { reason: string; detail: string; raw: string };
    expect(letter?.topic).toBe("t.dlq");
    expect(value.reason).toBe("too_large");
    expect(value.detail).toContain("MESSAGE_TOO_LARGE: 20000 characters for t.recentchange");
    expect(value.raw).toHaveLength(16_384);
    // A dead letter already cut short cannot shrink: none (it would loop).
    expect(await routes.deadLetterTooLarge(letter!, "MESSAGE_TOO_LARGE")).toBeUndefined();
  });

  it("a big invalid frame whose dead letter Kafka refuses is dead-lettered cut short, not dropped", async () => {
    const { routes } = router();
    const bad = await routes.route({ id: "sse-4", data: `{${"z".repeat(50_000)}` });
    const cut = await routes.deadLetterTooLarge(bad!, "MESSAGE_TOO_LARGE");
    const value = JSON.parse(cut?.value ?? "{}") as {
      reason: string;
      detail: string;
      raw: string;
      frameId: string;
    };
    expect(value.reason).toBe("invalid_json");
    expect(value.raw).toHaveLength(16_384);
    expect(value.detail).toContain("MESSAGE_TOO_LARGE: raw of 50001 characters cut to its first 16384");
    expect(value.frameId).toBe((JSON.parse(bad!.value) as { frameId: string }).frameId);
  });

  it("dead-letters a frame the reader marked too large or not UTF-8, without parsing it", async () => {
    const { routes } = router();
    const record = await routes.route({
      id: "sse-5",
      data: '{"meta":',
      fault: { reason: "event_too_large", detail: "frame of 9999999 bytes exceeds INGEST_MAX_EVENT_BYTES" },
    });
    expect(JSON.parse(record!.value)).toMatchObject({ reason: "event_too_large", sseId: "sse-5" });
  });
});
