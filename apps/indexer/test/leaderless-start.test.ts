import { waitFor } from "@wikistream/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTopicsOnSecondBroker,
  startSecondBroker,
  stopSecondBroker,
  waitUntilLeaderless,
} from "../../../test/helpers/second-broker.ts";
import { loadRealEvents } from "./helpers/recordings.ts";
import { createSandbox } from "./helpers/sandbox.ts";

// Regression: start-up treated every Kafka error as "cannot reach Kafka" and exited 1. The input topics
// here live only on the stack's second broker, stopped while the indexer starts: its partitions have no
// leader, as during a broker restart. The indexer process must wait, say why, and index once it is back.
const sandbox = createSandbox("indexer-leaderless");
const events = loadRealEvents();

beforeAll(async () => {
  await stopSecondBroker();
  await startSecondBroker();
  await createTopicsOnSecondBroker(sandbox.kafka, [
    { topic: sandbox.names.topics.recentchange, partitions: 3 },
    { topic: sandbox.names.topics.pageChange, partitions: 3 },
  ]);
  await sandbox.createTopics(); // the dead-letter topic, on the first broker
  await sandbox.produce(events);
  await stopSecondBroker();
  await waitUntilLeaderless(sandbox.kafka, Object.values(sandbox.names.topics));
});

afterAll(async () => {
  await startSecondBroker();
  try {
    await sandbox.tearDown();
  } finally {
    await stopSecondBroker();
  }
});

describe("indexer start-up while partitions have no leader", () => {
  it("waits with the cause logged, is not ready meanwhile, then indexes everything once", async () => {
    const indexer = sandbox.spawnIndexer("leaderless");
    const exits: (number | null)[] = [];
    void indexer.exited.then((code) => exits.push(code));
    try {
      const isRetry = (l: Record<string, unknown>) => String(l.msg).endsWith(": not ready yet, retrying");
      await waitFor("a logged start-up retry", async () => indexer.logs.some(isRetry), 60_000);
      const retry = indexer.logs.find(isRetry);
      expect(String(retry?.cause)).toMatch(
        /^a partition of topic wst-.* has no leader \(LEADER_NOT_AVAILABLE\)$/,
      );
      const ready = await fetch(`http://127.0.0.1:${await indexer.port()}/readyz`);
      expect(ready.status).toBe(503);
      expect(exits).toEqual([]);

      await startSecondBroker();
      await sandbox.waitForDocuments(
        "every event indexed",
        new Set(events.map((e) => e.metaId)).size,
        90_000,
      );
      const comparison = await sandbox.compareIndex(events);
      expect(comparison.missing).toEqual([]);
      expect(comparison.duplicated).toEqual([]);
      expect(await indexer.terminate()).toBe(0);
    } finally {
      indexer.kill9();
    }
  });
});
