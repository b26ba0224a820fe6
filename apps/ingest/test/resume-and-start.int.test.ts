import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { type RecordedEvent, startReplayServer } from "@wikistream/replay";
import { waitFor } from "@wikistream/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildIngest,
  counterValue,
  duplicateCount,
  metaIdOf,
  readBack,
  realEvents,
  recordMetaId,
  testConfig,
  topicRegistry,
} from "./harness.ts";

const topics = topicRegistry();
let enwiki: RecordedEvent[] = [];
let all: RecordedEvent[] = [];
beforeAll(async () => {
  enwiki = await realEvents(["recentchange-enwiki-2023-07.ndjson"]);
  all = await realEvents();
});
afterAll(() => topics.cleanup());

const recentchangeOnly = { INGEST_STREAMS: "recentchange" };

describe("where ingest starts, against real Kafka", () => {
  it("a restart does not dead-letter the same bad frame twice (the DLQ is part of the resume tail)", async () => {
    // A real event made invalid, served last, so it is in the batch a restart reads again.
    const last = enwiki.at(-1)!;
    const broken = { ...last.event, meta: { ...last.event.meta, id: "not-a-uuid" } };
    const events = [...enwiki, { ...last, event: broken, data: JSON.stringify(broken) }];
    const replay = await startReplayServer({ events });
    const names = topics.next(["mediawiki.recentchange"]);
    const config = testConfig(`${replay.url}/v2/stream`, names, recentchangeOnly);
    const first = buildIngest(config).ingest;
    const second = buildIngest(config).ingest;
    try {
      await first.start();
      await waitFor(
        "the first run to publish everything",
        () => first.status().counts.published === enwiki.length && first.status().counts.deadLettered === 1,
        30_000,
      );
      await first.stop();
      await second.start();
      // The re-read batch is recognised: its events by meta.id, the bad frame by its frame id.
      await waitFor("the re-read batch", () => second.status().counts.duplicates >= 1, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      await first.stop();
      await second.stop();
      await replay.close();
    }
    expect(replay.stats.connections[1]?.lastEventId).toBeDefined();
    const dead = await readBack([names.dlqTopic]);
    expect(dead.map((r) => JSON.parse(r.value).raw)).toEqual([events.at(-1)!.data]);
    expect(second.status().counts.deadLettered).toBe(0);
    const ids = (await readBack(names.streamTopics)).map(recordMetaId);
    expect(new Set(ids)).toEqual(new Set(enwiki.map(metaIdOf)));
    expect(duplicateCount(ids)).toBe(0);
  }, 60_000);

  it("events sharing a millisecond are not skipped when resuming from a timestamp id (as production sends)", async () => {
    // The 2022 capture: three events, one millisecond, so all three carry the same timestamp id.
    const events = await realEvents(["recentchange-raw-2022-12.sse"]);
    const replay = await startReplayServer({
      events,
      idMode: "timestamp",
      faults: [{ kind: "close", afterEvents: 1 }],
    });
    const names = topics.next(["mediawiki.recentchange"]);
    const { ingest } = buildIngest(testConfig(`${replay.url}/v2/stream`, names, recentchangeOnly));
    try {
      await ingest.start();
      await waitFor("all three events", () => ingest.status().counts.published === events.length, 30_000);
    } finally {
      await ingest.stop();
      await replay.close();
    }
    const [sent] = JSON.parse(replay.stats.connections[1]!.lastEventId!) as { timestamp: number }[];
    expect(sent?.timestamp).toBe(events[0]!.dt);
    expect(ingest.status().counts.duplicates).toBe(1);
    const ids = (await readBack(names.streamTopics)).map(recordMetaId);
    expect(ids.sort()).toEqual(events.map(metaIdOf).sort());
  }, 30_000);

  it("events in the standby DC's topic after a switchover are not skipped (its -1 entry means latest)", async () => {
    // Production semantics: timestamp ids listing the standby DC at -1, and -1 read as "latest".
    const half = Math.floor(enwiki.length / 2);
    const production = { idMode: "timestamp", minusOneMeans: "latest", onEnd: "hold" } as const;
    const eqiad = await startReplayServer({
      ...production,
      events: enwiki.slice(0, half),
      datacenter: "eqiad",
      standbyDatacenter: "codfw",
    });
    // After the switchover, the new events are in the codfw topics only.
    const codfw = await startReplayServer({
      ...production,
      events: enwiki.slice(half),
      datacenter: "codfw",
      standbyDatacenter: "eqiad",
    });
    const names = topics.next(["mediawiki.recentchange"]);
    const first = buildIngest(testConfig(`${eqiad.url}/v2/stream`, names, recentchangeOnly)).ingest;
    const second = buildIngest(testConfig(`${codfw.url}/v2/stream`, names, recentchangeOnly)).ingest;
    try {
      await first.start();
      await waitFor("the eqiad half", () => first.status().counts.published === half, 30_000);
      await first.stop();
      await second.start();
      await waitFor(
        "the events written to codfw during the gap",
        () => second.status().counts.published === enwiki.length - half,
        30_000,
      );
    } finally {
      await first.stop();
      await second.stop();
      await eqiad.close();
      await codfw.close();
    }
    const sent = JSON.parse(codfw.stats.connections[0]!.lastEventId!) as Record<string, unknown>[];
    const standby = sent.find((entry) => entry.topic === "codfw.mediawiki.recentchange");
    expect(standby).toMatchObject({ timestamp: expect.any(Number) });
    expect(standby).not.toHaveProperty("offset");
    const ids = (await readBack(names.streamTopics)).map(recordMetaId);
    expect(new Set(ids)).toEqual(new Set(enwiki.map(metaIdOf)));
    expect(duplicateCount(ids)).toBe(0);
  }, 60_000);

  it("a record larger than Kafka accepts is dead-lettered (too_large) instead of stalling the stream", async () => {
    // Random base64 barely compresses: 3 MB stays above the broker's 1 MB default even gzipped.
    const huge = randomBytes(2_250_000).toString("base64");
    const events = enwiki.slice(0, 30).map((recorded, index) => {
      if (index !== 10) return recorded;
      const event = { ...recorded.event, comment: huge };
      return { ...recorded, event, data: JSON.stringify(event) };
    });
    const replay = await startReplayServer({ events });
    const names = topics.next(["mediawiki.recentchange"]);
    // A 3 MB frame passes the reader only with a limit above it; the default (1 MiB) dead-letters it
    // as event_too_large before Kafka sees it (bounded-reader.int.test.ts).
    const env = { ...recentchangeOnly, INGEST_MAX_EVENT_BYTES: String(4 * 1_048_576) };
    const { ingest, metrics } = buildIngest(testConfig(`${replay.url}/v2/stream`, names, env));
    try {
      await ingest.start();
      await waitFor(
        "every other event published and the huge one dead-lettered",
        () => ingest.status().counts.published === 29 && ingest.status().counts.deadLettered === 1,
        30_000,
      );
    } finally {
      await ingest.stop();
      await replay.close();
    }
    const [letter] = (await readBack([names.dlqTopic])).map((r) => JSON.parse(r.value));
    expect(letter).toMatchObject({ reason: "too_large", raw: events[10]!.data.slice(0, 16_384) });
    expect(await counterValue(metrics.produceErrors, { code: "MESSAGE_TOO_LARGE" })).toBeGreaterThan(0);
    const ids = (await readBack(names.streamTopics)).map(recordMetaId);
    // A split batch may have landed on some partitions before; downstream _id = meta.id absorbs that.
    expect(new Set(ids)).toEqual(new Set(events.filter((_, i) => i !== 10).map(metaIdOf)));
  }, 60_000);

  it("with nothing in Kafka starts from INGEST_SINCE; once Kafka holds records, from their resume id", async () => {
    const since = enwiki[60]!.event.meta!.dt as string;
    const from = enwiki.findIndex((e) => e.dt >= Date.parse(since));
    const expected = new Set(enwiki.slice(from).map(metaIdOf));
    const replay = await startReplayServer({ events: enwiki });
    const names = topics.next(["mediawiki.recentchange"]);
    const config = testConfig(`${replay.url}/v2/stream`, names, { ...recentchangeOnly, INGEST_SINCE: since });
    const first = buildIngest(config).ingest;
    const second = buildIngest(config).ingest;
    try {
      await first.start();
      expect(first.status().startedFrom).toEqual({
        policy: "resume",
        from: "since",
        lastEventId: undefined,
        since,
      });
      await waitFor(
        "events since INGEST_SINCE",
        () => first.status().counts.published === expected.size,
        30_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      await first.stop();
      await second.start();
      expect(second.status().startedFrom.lastEventId).toBeDefined();
      expect(second.status().startedFrom.since).toBeUndefined();
      await waitFor("the second run to connect", () => replay.connections >= 2, 10_000);
    } finally {
      await first.stop();
      await second.stop();
      await replay.close();
    }
    expect(replay.stats.connections[0]?.since).toBe(since);
    expect(replay.stats.connections[1]).toMatchObject({ since: undefined, lastEventId: expect.any(String) });
    const ids = (await readBack(names.streamTopics)).map(recordMetaId);
    expect(from).toBeGreaterThan(10);
    expect(new Set(ids)).toEqual(expected);
  }, 60_000);

  it("reports events/s received and published over the last minute on /status", async () => {
    const replay = await startReplayServer({ events: all });
    const names = topics.next();
    const { ingest } = buildIngest(testConfig(`${replay.url}/v2/stream`, names));
    try {
      await ingest.start();
      await waitFor("every event published", () => ingest.status().counts.published === all.length, 30_000);
      const { rates } = ingest.status();
      expect(rates.windowSeconds).toBe(60);
      // Under a second since start counts as one second: the rate is the count itself.
      expect(rates.receivedPerSecond).toBeGreaterThan(0);
      expect(rates.publishedPerSecond).toBeGreaterThan(0);
    } finally {
      await ingest.stop();
      await replay.close();
    }
  }, 60_000);
});

describe("refusals and an unreachable upstream", () => {
  it("a 403 is fatal and says to set INGEST_USER_AGENT", async () => {
    const replay = await startReplayServer({
      events: enwiki,
      faults: [{ kind: "status", status: 403, body: "Please set a user-agent and respect our robot policy" }],
    });
    const names = topics.next(["mediawiki.recentchange"]);
    const { ingest, metrics } = buildIngest(testConfig(`${replay.url}/v2/stream`, names, recentchangeOnly));
    try {
      await ingest.start();
      await expect(ingest.done).rejects.toThrow(/HTTP 403.*INGEST_USER_AGENT/);
      expect(ingest.status()).toMatchObject({
        state: "failed",
        error: expect.stringContaining("INGEST_USER_AGENT"),
      });
      expect(await counterValue(metrics.reconnects, { reason: "http_4xx" })).toBe(1);
      expect(replay.connections).toBe(1);
    } finally {
      await ingest.stop();
      await replay.close();
    }
  }, 30_000);

  it("a Last-Event-ID the server refuses (INGEST_STREAMS changed since) is fatal and says why", async () => {
    const replay = await startReplayServer({ events: all });
    const names = topics.next();
    const both = buildIngest(testConfig(`${replay.url}/v2/stream`, names)).ingest;
    try {
      await both.start();
      await waitFor("every event published", () => both.status().counts.published === all.length, 30_000);
    } finally {
      await both.stop();
    }
    // Same topics, one stream fewer: the resume id names page_change topics the server now refuses.
    const { ingest, metrics } = buildIngest(testConfig(`${replay.url}/v2/stream`, names, recentchangeOnly));
    try {
      await ingest.start();
      await expect(ingest.done).rejects.toThrow(
        /HTTP 400.*Last-Event-ID recovered from Kafka.*INGEST_STREAMS/,
      );
      expect(await counterValue(metrics.reconnects, { reason: "http_4xx" })).toBe(1);
    } finally {
      await ingest.stop();
      await replay.close();
    }
  }, 60_000);

  it("an unreachable stream is reported once, with how to run from a recording, and retried", async () => {
    const port = await closedPort();
    const names = topics.next(["mediawiki.recentchange"]);
    const { ingest, metrics, logs } = buildIngest(
      testConfig(`http://127.0.0.1:${port}/v2/stream`, names, {
        ...recentchangeOnly,
        INGEST_RECONNECT_INITIAL_MS: "20",
        INGEST_RECONNECT_MAX_MS: "40",
      }),
    );
    try {
      await ingest.start();
      await waitFor("retries", () => logs.filter((l) => l.msg.includes("disconnected")).length >= 4, 10_000);
      expect(await counterValue(metrics.reconnects, { reason: "unreachable" })).toBeGreaterThanOrEqual(4);
      const told = logs.filter((l) => l.msg.includes("unreachable"));
      expect(told).toHaveLength(1);
      expect(told[0]).toMatchObject({
        level: "error",
        msg: expect.stringContaining("npm start -- --replay"),
      });
      expect(ingest.status().state).toBe("running");
    } finally {
      await ingest.stop();
    }
  }, 30_000);
});

/** A local port with nothing listening on it: connecting is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
