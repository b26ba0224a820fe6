import { describe, expect, it } from "vitest";
import { enwiki2023, idOf, pageChange2026, recentchange2022, useServers } from "./testing/servers.ts";
import { readStream } from "./testing/sse-client.ts";

const serve = useServers();
const pc = await pageChange2026();
const rc = await recentchange2022();
const PC = "eqiad.mediawiki.page_change.v1";
const RC = "eqiad.mediawiki.recentchange";

describe("replay server: streaming", () => {
  it("sends every event of a stream in order, with the recorded data and offset ids", async () => {
    const server = await serve({ events: pc, onEnd: "close" });
    const result = await readStream(server.streamUrl(["mediawiki.page_change.v1"]));
    expect(result.status).toBe(200);
    expect(result.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(result.headers.get("cache-control")).toBe("no-cache");
    expect(result.raw.subarray(0, 5).toString()).toBe(":ok\n\n");
    expect(result.comments).toEqual(["ok"]);
    expect(result.end).toBe("eof");
    expect(result.events.map((event) => event.data)).toEqual(pc.map((event) => event.data));
    expect(result.events.every((event) => event.event === "message")).toBe(true);
    expect(result.events.map(idOf)).toEqual(
      pc.map((_, index) => [{ topic: PC, partition: 0, offset: index + 1 }]),
    );
    expect(server.stats.connections[0]).toMatchObject({
      eventsSent: 47,
      endReason: "end_of_recording",
      open: false,
    });
    expect(server.stats.eventsSent).toBe(47);
  });

  it("accepts the short aliases", async () => {
    const server = await serve({ events: [...rc, ...pc], onEnd: "close" });
    for (const alias of ["page_change", "page-change"]) {
      const result = await readStream(server.streamUrl([alias]));
      expect(result.events).toHaveLength(47);
    }
    const result = await readStream(server.streamUrl(["recentchange"]));
    expect(result.events.map(idOf).at(-1)).toEqual([{ topic: RC, partition: 0, offset: 3 }]);
  });

  it("interleaves several streams by meta.dt, keeping each stream's order", async () => {
    const enwiki = await enwiki2023();
    const server = await serve({ events: [...pc, ...enwiki], onEnd: "close" });
    const result = await readStream(server.streamUrl(["recentchange", "page_change"]));
    const received = result.events.map((event) => JSON.parse(event.data) as { meta: { stream: string } });
    expect(received).toHaveLength(147);
    const ofStream = (stream: string) => result.events.filter((_, i) => received[i]?.meta.stream === stream);
    expect(ofStream("mediawiki.recentchange").map((event) => event.data)).toEqual(
      enwiki.map((event) => event.data),
    );
    expect(ofStream("mediawiki.page_change.v1").map((event) => event.data)).toEqual(
      pc.map((event) => event.data),
    );
    // Before anything of page_change is delivered its entry stays at -1, like the real service.
    expect(idOf(result.events[0] ?? { id: undefined })).toEqual([
      { topic: RC, partition: 0, offset: 1 },
      { topic: PC, partition: 0, offset: -1 },
    ]);
    expect(idOf(result.events[146] ?? { id: undefined })).toEqual([
      { topic: RC, partition: 0, offset: 100 },
      { topic: PC, partition: 0, offset: 47 },
    ]);
  });

  it("writes production-shaped ids in timestamp mode, with the standby DC at -1", async () => {
    const server = await serve({
      events: rc,
      onEnd: "close",
      idMode: "timestamp",
      standbyDatacenter: "codfw",
    });
    const result = await readStream(server.streamUrl(["recentchange"]));
    // The very id the real service sent for these three events.
    expect(result.events.map((event) => event.id)).toEqual(rc.map((event) => event.sourceId));
  });

  it("holds the connection open at the end with keepalive comments", async () => {
    const server = await serve({ events: rc, keepaliveMs: 30 });
    const result = await readStream(server.streamUrl(["recentchange"]), { maxComments: 3 });
    expect(result.end).toBe("max_comments");
    expect(result.events).toHaveLength(3);
    expect(result.comments).toEqual(["ok", "", ""]);
  });

  it("serves a known stream it has no events for as a quiet stream", async () => {
    const server = await serve({ events: rc, keepaliveMs: 30 });
    const result = await readStream(server.streamUrl(["revision-create"]), { maxComments: 2 });
    expect(result.status).toBe(200);
    expect(result.events).toEqual([]);
  });

  it("paces by the recorded meta.dt gaps divided by the speed", async () => {
    // The capture spans 2.03 s; at speed 10 that is about 0.2 s.
    const server = await serve({ events: pc, onEnd: "close", pace: 10 });
    const started = performance.now();
    const result = await readStream(server.streamUrl(["page_change"]));
    const elapsed = performance.now() - started;
    expect(result.events).toHaveLength(47);
    expect(elapsed).toBeGreaterThan(150);
    expect(elapsed).toBeLessThan(2000);
  });

  it("ends connections cleanly after closeAfterEvents and closeAfterMs", async () => {
    const byCount = await serve({ events: pc, closeAfterEvents: 5 });
    const counted = await readStream(byCount.streamUrl(["page_change"]));
    expect([counted.end, counted.events.length]).toEqual(["eof", 5]);
    expect(byCount.stats.connections[0]?.endReason).toBe("close_after_events");

    const byTime = await serve({ events: pc, closeAfterMs: 150, pace: "original" });
    const timed = await readStream(byTime.streamUrl(["page_change"]));
    expect(timed.end).toBe("eof");
    expect(timed.events.length).toBeGreaterThan(0);
    expect(timed.events.length).toBeLessThan(47);
    expect(timed.raw.toString().endsWith("\n\n")).toBe(true);
    expect(byTime.stats.connections[0]?.endReason).toBe("close_after_ms");
  });

  it("loops with fresh meta.ids that stay the same for the same offset", async () => {
    const server = await serve({ events: rc, loop: true });
    const first = await readStream(server.streamUrl(["recentchange"]), { maxEvents: 9 });
    const ids = first.events.map((event) => JSON.parse(event.data).meta.id as string);
    expect(new Set(ids).size).toBe(9);
    expect(first.events.map(idOf).map((id) => id[0]?.offset)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const withoutId = (data: string) => ({ ...JSON.parse(data), meta: { ...JSON.parse(data).meta, id: "" } });
    expect(withoutId(first.events[4]?.data ?? "")).toEqual(withoutId(rc[1]?.data ?? ""));
    const again = await readStream(server.streamUrl(["recentchange"]), {
      lastEventId: first.events[3]?.id,
      maxEvents: 2,
    });
    expect(again.events.map((event) => event.data)).toEqual(
      first.events.slice(4, 6).map((event) => event.data),
    );
  });

  it("closes with connections still open", async () => {
    const server = await serve({ events: rc, keepaliveMs: 10_000 });
    const reading = readStream(server.streamUrl(["recentchange"]), { timeoutMs: 3000 });
    await expect.poll(() => server.stats.connections[0]?.eventsSent).toBe(3);
    await server.close();
    const result = await reading;
    expect(result.end).not.toBe("timeout");
    expect(server.stats.connections[0]?.endReason).toBe("server_closed");
  });
});

describe("replay server: refusals", () => {
  it("answers 400 Stream Not Found for unknown streams, naming them", async () => {
    const server = await serve({ events: rc });
    const result = await readStream(`${server.url}/v2/stream/recentchange,nope,also-nope`);
    expect(result.status).toBe(400);
    expect(JSON.parse(result.body ?? "")).toMatchObject({
      status: 400,
      type: "not_found",
      title: "Stream Not Found",
      detail: "Invalid streams: nope,also-nope",
    });
  });

  it("answers 404 for other paths", async () => {
    const server = await serve({ events: rc });
    expect((await fetch(`${server.url}/v2/streams`)).status).toBe(404);
    expect((await fetch(`${server.url}/`)).status).toBe(404);
  });

  it("answers 400 invalid_timestamp for an unparseable since", async () => {
    const server = await serve({ events: rc });
    const result = await readStream(server.streamUrl(["recentchange"], { since: "not a time" }));
    expect(result.status).toBe(400);
    expect(JSON.parse(result.body ?? "")).toMatchObject({ type: "invalid_timestamp" });
  });

  it("answers 400 for a malformed Last-Event-ID or one naming other topics", async () => {
    const server = await serve({ events: [...rc, ...pc] });
    const malformed = await readStream(server.streamUrl(["recentchange"]), { lastEventId: "[{oops" });
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body ?? "")).toMatchObject({ type: "invalid_last_event_id" });
    const foreign = await readStream(server.streamUrl(["recentchange"]), {
      lastEventId: JSON.stringify([{ topic: PC, partition: 0, offset: 3 }]),
    });
    expect(foreign.status).toBe(400);
    expect(JSON.parse(foreign.body ?? "")).toMatchObject({ type: "invalid_assignment" });
  });

  it("refuses bad options at start", async () => {
    await expect(serve({ pace: -1 })).rejects.toMatchObject({ code: "invalid_option" });
    await expect(serve({ faults: [{ kind: "stall", afterEvents: -1 }] })).rejects.toThrow(/afterEvents/);
    await expect(serve({ minusOneMeans: "latest", loop: true })).rejects.toThrow(/minusOneMeans/);
  });
});
