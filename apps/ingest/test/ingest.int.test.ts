import { randomUUID } from "node:crypto";
import { recordHeaders } from "@wikistream/events";
import { createKafka } from "@wikistream/kafka";
import { silentLogger } from "@wikistream/log";
import {
  loadRecording,
  REAL_RECORDINGS,
  type RecordedEvent,
  recordingPath,
  startReplayServer,
} from "@wikistream/replay";
import { waitFor } from "@wikistream/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadIngestConfig } from "../src/config.ts";
import { createIngest } from "../src/ingest.ts";
import { createIngestMetrics } from "../src/metrics.ts";
import { brokers, deleteTopics, readTopics } from "./kafka-helpers.ts";

const kafka = createKafka({ brokers, clientId: "ingest-test", logger: silentLogger });
let events: RecordedEvent[] = [];
const createdTopics: string[] = [];

beforeAll(async () => {
  for (const file of Object.keys(REAL_RECORDINGS)) events.push(...(await loadRecording(recordingPath(file))));
  events = events.filter((e) => (e.event as { meta: { domain?: string } }).meta.domain !== "canary");
});

afterAll(async () => {
  await deleteTopics(kafka, createdTopics);
});

function setup(streamUrl: string, extra: Record<string, string> = {}) {
  const prefix = `test-${randomUUID()}.`;
  const config = loadIngestConfig({
    INGEST_STREAM_URL: streamUrl,
    INGEST_STREAMS: "recentchange,page_change",
    INGEST_TOPIC_PREFIX: prefix,
    INGEST_DLQ_TOPIC: `${prefix}dlq`,
    KAFKA_BROKERS: brokers.join(","),
    INGEST_RECONNECT_INITIAL_MS: "50",
    INGEST_RECONNECT_MAX_MS: "500",
    INGEST_BATCH_SIZE: "20",
    INGEST_LINGER_MS: "5",
    ...extra,
  });
  const topics = [`${prefix}mediawiki.recentchange`, `${prefix}mediawiki.page_change.v1`];
  createdTopics.push(...topics, config.dlqTopic);
  return { config, topics };
}

function metaIdsOf(records: { value: string }[]): string[] {
  return records.map((r) => (JSON.parse(r.value) as { meta: { id: string } }).meta.id);
}

describe("ingest against real Kafka and the replayed recordings", () => {
  it("publishes every distinct non-canary meta.id of the recordings exactly once, with its SSE id", async () => {
    const replay = await startReplayServer({ events });
    const { config, topics } = setup(`${replay.url}/v2/stream`);
    const ingest = createIngest({
      config,
      kafka,
      logger: silentLogger,
      metrics: createIngestMetrics({ defaultMetrics: false }),
    });
    const expected = new Set(events.map((e) => (e.event as { meta: { id: string } }).meta.id));
    try {
      await ingest.start();
      await waitFor("all events published", () => ingest.status().counts.published >= expected.size, 30_000);
    } finally {
      await ingest.stop();
      await replay.close();
    }
    const records = await readTopics(kafka, topics, (r) => r.length >= expected.size);
    const ids = metaIdsOf(records);
    expect(new Set(ids)).toEqual(expected);
    expect(ids).toHaveLength(expected.size);
    for (const record of records) {
      expect(JSON.parse(record.headers[recordHeaders.sseId]!)).toBeInstanceOf(Array);
      expect(record.headers[recordHeaders.metaId]).toBe(JSON.parse(record.value).meta.id);
    }
    // Each stream lands in its own topic, byte for byte as received.
    const byData = new Map(events.map((e) => [e.data, e.stream]));
    for (const record of records)
      expect(record.topic).toBe(`${config.topicPrefix}${byData.get(record.value)}`);
  }, 60_000);

  it("a restarted ingest resumes from Kafka's tail: nothing lost, nothing published twice", async () => {
    // The server ends every connection after 25 events, so the first run stops part-way.
    const replay = await startReplayServer({ events, closeAfterEvents: 25 });
    const { config, topics } = setup(`${replay.url}/v2/stream`);
    const expected = new Set(events.map((e) => (e.event as { meta: { id: string } }).meta.id));
    const run = () =>
      createIngest({
        config,
        kafka,
        logger: silentLogger,
        metrics: createIngestMetrics({ defaultMetrics: false }),
      });
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
    const ids = metaIdsOf(await readTopics(kafka, topics, (r) => r.length >= expected.size, 10_000));
    expect(new Set(ids)).toEqual(expected);
    expect(ids).toHaveLength(expected.size);
    // The second run connected with Last-Event-ID, not from the start.
    const resumed = replay.stats.connections.filter((c) => c.lastEventId !== undefined);
    expect(resumed.length).toBeGreaterThan(0);
  }, 90_000);
});
