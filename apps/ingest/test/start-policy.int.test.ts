import { type RecordedEvent, type ReplayServer, startReplayServer } from "@wikistream/replay";
import { waitFor } from "@wikistream/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildIngest,
  counterValue,
  kafka,
  metaIdOf,
  realEvents,
  type TestTopics,
  testConfig,
  topicRegistry,
} from "./harness.ts";
import { spawnIngest } from "./process-helpers.ts";

// Issue 10, item 8: topics emptied by retention (or recreated) while EventStreams still holds the
// events must never make ingest start silently from the live edge.
const topics = topicRegistry();
let events: RecordedEvent[] = [];
let replay: ReplayServer;
let emptied: TestTopics;

/** What retention does: every record of every partition deleted, offsets kept (low == high > 0). */
async function emptyTopics(names: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of names) {
      const offsets = await admin.fetchTopicOffsets(topic);
      const partitions = offsets
        .filter((o) => o.high !== "0")
        .map((o) => ({ partition: o.partition, offset: o.high }));
      if (partitions.length > 0) await admin.deleteTopicRecords({ topic, partitions });
    }
  } finally {
    await admin.disconnect();
  }
}

beforeAll(async () => {
  events = await realEvents();
  replay = await startReplayServer({ events, keepaliveMs: 100 });
  emptied = topics.next();
  const { ingest } = buildIngest(testConfig(`${replay.url}/v2/stream`, emptied));
  await ingest.start();
  try {
    const distinct = new Set(events.map(metaIdOf)).size;
    await waitFor("every event published", () => ingest.status().counts.published >= distinct, 45_000);
  } finally {
    await ingest.stop();
  }
  await emptyTopics([...emptied.streamTopics, emptied.dlqTopic]);
}, 90_000);
afterAll(async () => {
  await replay.close();
  await topics.cleanup();
});

describe("start policy when the resume point is gone, against real Kafka", () => {
  it("emptied topics no longer make ingest start silently at the live edge: resume refuses, naming INGEST_START_POLICY", async () => {
    const { ingest, metrics } = buildIngest(testConfig(`${replay.url}/v2/stream`, emptied));
    await expect(ingest.start()).rejects.toThrow(
      /INGEST_START_POLICY=resume: the resume point is gone: partition \d of topic .* held records up to offset \d+ and holds none now/,
    );
    expect(ingest.status()).toMatchObject({ state: "failed" });
    expect(await counterValue(metrics.starts, { policy: "resume", from: "refused" })).toBe(1);
    expect(replay.stats.connections).toHaveLength(1); // only the first run's connection
    await ingest.stop();
  }, 30_000);

  it("the process exits 1 with one line naming the variable and the fix", async () => {
    const child = spawnIngest("node", {
      INGEST_STREAM_URL: `${replay.url}/v2/stream`,
      INGEST_STREAMS: "recentchange,page_change",
      INGEST_TOPIC_PREFIX: emptied.prefix,
      INGEST_DLQ_TOPIC: emptied.dlqTopic,
    });
    const [code] = await child.exited;
    expect(code).toBe(1);
    // Besides the JSON log line, the runner prints one plain line for the operator.
    const lines = child
      .output()
      .split("\n")
      .filter((line) => line.startsWith("ingest: "));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("INGEST_START_POLICY=resume: the resume point is gone");
    expect(lines[0]).toContain("INGEST_START_POLICY=since with INGEST_SINCE=");
    expect(lines[0]).toContain("INGEST_START_POLICY=latest");
  }, 30_000);

  it("INGEST_START_POLICY=latest starts at the live edge, loudly, and counts it", async () => {
    const { ingest, metrics, logs } = buildIngest(
      testConfig(`${replay.url}/v2/stream`, emptied, { INGEST_START_POLICY: "latest" }),
    );
    await ingest.start();
    try {
      expect(ingest.status().startedFrom).toEqual({
        policy: "latest",
        from: "latest",
        lastEventId: undefined,
        since: undefined,
      });
      expect(
        logs.find((l) => l.level === "warn" && l.msg.startsWith("INGEST_START_POLICY=latest")),
      ).toBeDefined();
      expect(await counterValue(metrics.starts, { policy: "latest", from: "latest" })).toBe(1);
    } finally {
      await ingest.stop();
    }
  }, 30_000);

  it("INGEST_START_POLICY=since re-reads from INGEST_SINCE, whatever Kafka holds", async () => {
    const since = "2022-12-11T04:26:00Z";
    const { ingest, metrics } = buildIngest(
      testConfig(`${replay.url}/v2/stream`, emptied, { INGEST_START_POLICY: "since", INGEST_SINCE: since }),
    );
    await ingest.start();
    try {
      expect(ingest.status().startedFrom).toMatchObject({ policy: "since", from: "since", since });
      await waitFor(
        "the stream requested with since",
        () => replay.stats.connections.some((c) => c.since === since),
        10_000,
      );
      expect(await counterValue(metrics.starts, { policy: "since", from: "since" })).toBe(1);
    } finally {
      await ingest.stop();
    }
  }, 30_000);
});
