import { recordHeaders } from "@wikistream/events";
import { startReplayServer } from "@wikistream/replay";
import { waitFor } from "@wikistream/testkit";
import { describe, expect, it } from "vitest";
import { ingestReading, kafka, recordMetaId } from "./harness.ts";
import { readTopics } from "./kafka-helpers.ts";
import { recordingSuite } from "./suite.ts";

const suite = recordingSuite();

describe("ingest against real Kafka and the replayed recordings", () => {
  it("publishes every distinct non-canary meta.id of the recordings exactly once, with its SSE id", async () => {
    const replay = await startReplayServer({ events: suite.events });
    const names = suite.topics.next();
    const { ingest } = ingestReading(replay, names);
    const { expected } = suite;
    try {
      await ingest.start();
      await waitFor("all events published", () => ingest.status().counts.published >= expected.size, 30_000);
    } finally {
      await ingest.stop();
      await replay.close();
    }
    const records = await readTopics(kafka, names.streamTopics, (r) => r.length >= expected.size);
    const ids = records.map(recordMetaId);
    expect(new Set(ids)).toEqual(expected);
    expect(ids).toHaveLength(expected.size);
    for (const record of records) {
      expect(JSON.parse(record.headers[recordHeaders.sseId]!)).toBeInstanceOf(Array);
      expect(record.headers[recordHeaders.metaId]).toBe(JSON.parse(record.value).meta.id);
    }
    // Each stream lands in its own topic, byte for byte as received.
    const byData = new Map(suite.events.map((e) => [e.data, e.stream]));
    for (const record of records) expect(record.topic).toBe(`${names.prefix}${byData.get(record.value)}`);
  }, 60_000);

  it("a restarted ingest resumes from Kafka's tail: nothing lost, nothing published twice", async () => {
    // The server ends every connection after 25 events, so the first run stops part-way.
    const replay = await startReplayServer({ events: suite.events, closeAfterEvents: 25 });
    const names = suite.topics.next();
    const { expected } = suite;
    const run = () => ingestReading(replay, names).ingest;
    const first = run();
    await first.start();
    await waitFor("a first part published", () => first.status().counts.published >= 60, 30_000);
    await first.stop();
    const second = run();
    try {
      await second.start();
      expect(second.status().lastEventId).toBeDefined();
      await waitFor(
        "the rest published",
        () => first.status().counts.published + second.status().counts.published >= expected.size,
        30_000,
      );
    } finally {
      await second.stop();
      await replay.close();
    }
    const ids = (await readTopics(kafka, names.streamTopics, (r) => r.length >= expected.size, 10_000)).map(
      recordMetaId,
    );
    expect(new Set(ids)).toEqual(expected);
    expect(ids).toHaveLength(expected.size);
    // The second run connected with Last-Event-ID, not from the start.
    const resumed = replay.stats.connections.filter((c) => c.lastEventId !== undefined);
    expect(resumed.length).toBeGreaterThan(0);
  }, 90_000);

  it("reports events/s received and published over the last minute on /status", async () => {
    const replay = await startReplayServer({ events: suite.events });
    const names = suite.topics.next();
    const { ingest } = ingestReading(replay, names);
    try {
      await ingest.start();
      await waitFor(
        "every event published",
        () => ingest.status().counts.published === suite.events.length,
        30_000,
      );
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
