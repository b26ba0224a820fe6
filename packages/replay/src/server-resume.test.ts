import { describe, expect, it } from "vitest";
import { enwiki2023, idOf, pageChange2026, recentchange2022, useServers } from "./testing/servers.ts";
import { readStream } from "./testing/sse-client.ts";

const serve = useServers();
const pc = await pageChange2026();
const rc = await recentchange2022();
const enwiki = await enwiki2023();
const PC = "eqiad.mediawiki.page_change.v1";

describe("replay server: resuming", () => {
  it("delivers exactly the remainder after Last-Event-ID (offset ids)", async () => {
    const server = await serve({ events: pc, onEnd: "close", closeAfterEvents: 10 });
    const first = await readStream(server.streamUrl(["page_change"]));
    expect(first.events).toHaveLength(10);
    const lastId = first.events.at(-1)?.id;
    const second = await readStream(server.streamUrl(["page_change"]), { lastEventId: lastId });
    const third = await readStream(server.streamUrl(["page_change"]), {
      lastEventId: second.events.at(-1)?.id,
    });
    const all = [...first.events, ...second.events, ...third.events];
    expect(all.map((event) => event.data)).toEqual(pc.slice(0, 30).map((event) => event.data));
    expect(server.stats.connections.map((connection) => connection.lastEventId)).toEqual([
      undefined,
      lastId,
      second.events.at(-1)?.id,
    ]);
  });

  it("resumes several streams at once without loss or repeats", async () => {
    const server = await serve({ events: [...enwiki, ...pc], onEnd: "close", closeAfterEvents: 40 });
    const url = server.streamUrl(["recentchange", "page_change"]);
    const received: string[] = [];
    let lastEventId: string | undefined;
    for (let attempt = 0; attempt < 6; attempt += 1) {
      const result = await readStream(url, { lastEventId });
      received.push(...result.events.map((event) => event.data));
      lastEventId = result.events.at(-1)?.id ?? lastEventId;
      if (result.events.length === 0) break;
    }
    expect(received).toHaveLength(147);
    expect(new Set(received)).toEqual(new Set([...enwiki, ...pc].map((event) => event.data)));
  });

  it("resumes from the recorded production id (timestamp) of the 2026 capture", async () => {
    const server = await serve({ events: pc, onEnd: "close" });
    const tenth = pc[9];
    const result = await readStream(server.streamUrl(["page_change"]), { lastEventId: tenth?.sourceId });
    // timestamp = dt + 1: the remainder starts at the first event recorded after the 10th's ms.
    const start = pc.findIndex((event) => event.dt >= (tenth?.dt ?? 0) + 1);
    expect(result.events.map((event) => event.data)).toEqual(pc.slice(start).map((event) => event.data));
  });

  it("lets offset win over timestamp in Last-Event-ID", async () => {
    const server = await serve({ events: pc, onEnd: "close" });
    const lastEventId = JSON.stringify([{ topic: PC, partition: 0, offset: 40, timestamp: 0 }]);
    const result = await readStream(server.streamUrl(["page_change"]), { lastEventId });
    expect(result.events.map((event) => event.data)).toEqual(pc.slice(40).map((event) => event.data));
  });

  it("skips same-millisecond events on a timestamp resume, as production does", async () => {
    // All three 2022 events share one ms; resuming after the first with its timestamp id loses the others.
    const server = await serve({ events: rc, onEnd: "close", idMode: "timestamp", closeAfterEvents: 1 });
    const first = await readStream(server.streamUrl(["recentchange"]));
    expect(first.events).toHaveLength(1);
    const resumed = await readStream(server.streamUrl(["recentchange"]), {
      lastEventId: first.events[0]?.id,
    });
    expect(resumed.events).toHaveLength(0);
  });
});

describe("replay server: since", () => {
  it("starts at the first event with meta.dt >= since, as ms or as a date string", async () => {
    const server = await serve({ events: pc, onEnd: "close" });
    const since = pc[20]?.dt ?? 0;
    const expected = pc.slice(pc.findIndex((event) => event.dt >= since)).map((event) => event.data);
    for (const value of [since, new Date(since).toISOString()]) {
      const result = await readStream(server.streamUrl(["page_change"], { since: value }));
      expect(result.events.map((event) => event.data)).toEqual(expected);
    }
  });

  it("carries the since position in ids before the stream delivers anything", async () => {
    const server = await serve({ events: [...rc, ...pc], onEnd: "close", closeAfterEvents: 1 });
    const since = Date.parse("2022-12-11T00:00:00Z");
    const result = await readStream(server.streamUrl(["recentchange", "page_change"], { since }));
    expect(idOf(result.events[0] ?? { id: undefined })[1]).toEqual({ topic: PC, partition: 0, offset: 0 });
  });

  it("is ignored when Last-Event-ID has entries", async () => {
    const server = await serve({ events: pc, onEnd: "close" });
    const lastEventId = JSON.stringify([{ topic: PC, partition: 0, offset: 45 }]);
    const result = await readStream(server.streamUrl(["page_change"], { since: pc[5]?.dt ?? 0 }), {
      lastEventId,
    });
    expect(result.events).toHaveLength(2);
  });
});
