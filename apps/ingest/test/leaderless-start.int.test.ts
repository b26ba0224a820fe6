import { startReplayServer } from "@wikistream/replay";
import { DeadlineExceededError } from "@wikistream/resilience";
import { waitFor } from "@wikistream/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTopicsOnSecondBroker,
  startSecondBroker,
  stopSecondBroker,
  waitUntilLeaderless,
} from "../../../test/helpers/second-broker.ts";
import { explainStartupError } from "../src/startup/explain.ts";
import {
  buildIngest,
  ingestReading,
  kafka,
  metaIdOf,
  publishedIds,
  realEvents,
  streamUrlOf,
  type TestTopics,
  testConfig,
  topicRegistry,
} from "./harness.ts";

// Regression: ingest exited 1 ("cannot reach Kafka") when its resume scan met a partition without a
// leader, a routine moment right after topic creation or during a broker restart. The topics here live
// only on the stack's second broker, which is stopped while ingest starts and brought back later.
const registry = topicRegistry();

async function leaderlessTopics(): Promise<TestTopics> {
  const topics = registry.next();
  await startSecondBroker();
  await createTopicsOnSecondBroker(kafka, [
    ...topics.streamTopics.map((topic) => ({ topic, partitions: 3 })),
    { topic: topics.dlqTopic, partitions: 1 },
  ]);
  await stopSecondBroker();
  await waitUntilLeaderless(kafka, [...topics.streamTopics, topics.dlqTopic]);
  return topics;
}

beforeAll(() => stopSecondBroker());
afterAll(async () => {
  // The topics can only be deleted cleanly while their broker is up.
  await startSecondBroker();
  try {
    await registry.cleanup();
  } finally {
    await stopSecondBroker();
  }
});

describe("ingest start-up while partitions have no leader", () => {
  it("waits, logging which partition has no leader, then publishes once the leader is back", async () => {
    const events = await realEvents(["recentchange-enwiki-2023-07.ndjson"]);
    const replay = await startReplayServer({ events });
    const topics = await leaderlessTopics();
    const { ingest, logs } = ingestReading(replay, topics);
    try {
      const starting = ingest.start();
      const isRetry = (l: { msg: string }) => l.msg.endsWith(": not ready yet, retrying");
      await waitFor("a logged start-up retry", () => logs.some(isRetry), 30_000);
      const retry = logs.find(isRetry);
      expect(retry?.cause).toMatch(/^a partition of topic test-.* has no leader \(LEADER_NOT_AVAILABLE\)$/);
      expect(ingest.ready()).toBe(false);
      await startSecondBroker();
      await starting;
      const expected = new Set(events.map(metaIdOf));
      await waitFor("every event published", () => ingest.status().counts.published >= expected.size, 60_000);
      const published = new Set(await publishedIds(topics));
      expect([...expected].filter((id) => !published.has(id))).toEqual([]);
    } finally {
      await ingest.stop();
      await replay.close();
    }
  });

  it("gives up at INGEST_STARTUP_TIMEOUT_MS with a line naming the partition, not 'cannot reach Kafka'", async () => {
    const replay = await startReplayServer({ events: [] });
    const topics = await leaderlessTopics();
    const config = testConfig(streamUrlOf(replay), topics, { INGEST_STARTUP_TIMEOUT_MS: "3000" });
    const { ingest } = buildIngest(config);
    try {
      const error = await ingest.start().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeadlineExceededError);
      const line = explainStartupError(error, config);
      expect(line).toMatch(
        /^Kafka at 127\.0\.0\.1:\d+ answered, but a partition of topic test-.* has no leader/,
      );
      expect(line).toContain("INGEST_STARTUP_TIMEOUT_MS");
      expect(line).not.toContain("cannot reach Kafka");
    } finally {
      await ingest.stop();
      await replay.close();
    }
  });
});
