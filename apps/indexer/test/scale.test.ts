import { sampleSum, waitFor } from "@wikistream/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IndexerStatus } from "../src/indexer.ts";
import type { IndexerProcess } from "./helpers/process.ts";
import { loadRealEvents, multiply } from "./helpers/recordings.ts";
import { createSandbox } from "./helpers/sandbox.ts";

// Scale 1 → 3 → 1 replicas during a replay: partitions spread over the replicas, and at the end the
// index holds exactly the distinct meta.ids of the topic.

const sandbox = createSandbox();
const events = multiply(loadRealEvents(), 100); // 18,700 copies of real events
// Slowed down (small bulk requests, one at a time) so the replay outlasts the scaling steps.
const env = {
  INDEXER_BULK_MAX_DOCS: "50",
  INDEXER_BULK_CONCURRENCY: "1",
  INDEXER_COMMIT_INTERVAL_MS: "300",
  // Little fetched ahead, so a replica leaving drains quickly and the replay is still running after it.
  INDEXER_MAX_BYTES_PER_PARTITION: "65536",
  INDEXER_MAX_PENDING_PER_PARTITION: "200",
};

const assignmentOf = async (p: IndexerProcess) =>
  ((await p.fetchJson("/status")) as IndexerStatus).assignment;
const partitionsOf = (assignment: Record<string, number[]>) =>
  Object.entries(assignment).flatMap(([topic, partitions]) => partitions.map((p) => `${topic}/${p}`));

beforeAll(() => sandbox.setUp(events), 60_000);
afterAll(() => sandbox.tearDown(), 60_000);

describe("scale out and in during a replay (real processes)", () => {
  it("spreads partitions over 3 replicas and converges to exactly the topic's events", async () => {
    const a = sandbox.spawnIndexer("a", { env });
    // The first documents fan out to ~30 monthly indices (the recordings span 2020–2026), each created
    // on its first bulk: on a loaded 2-core machine that alone took over 30 s.
    await sandbox.waitForDocuments("replica a indexing", 1500, 60_000);

    const b = sandbox.spawnIndexer("b", { env });
    const c = sandbox.spawnIndexer("c", { env });
    await waitFor(
      "6 partitions spread over 3 replicas",
      async () => {
        const owned = await Promise.all([a, b, c].map(async (p) => partitionsOf(await assignmentOf(p))));
        const all = owned.flat();
        return owned.every((list) => list.length === 2) && new Set(all).size === 6;
      },
      30_000,
    );
    const atThree = await sandbox.documentTotal();
    expect(atThree).toBeLessThan(events.length);
    await sandbox.waitForDocuments("progress with 3 replicas", atThree + 1000, 30_000);

    // Graceful scale-in: each finishes in-flight work, commits, leaves the group, exits 0.
    expect(await Promise.all([b.terminate(), c.terminate()])).toEqual([0, 0]);
    const atOne = await sandbox.documentTotal();
    expect(atOne).toBeLessThan(events.length);
    await waitFor(
      "replica a owns all 6 partitions",
      async () => partitionsOf(await assignmentOf(a)).length === 6,
      30_000,
    );

    await sandbox.waitUntilCommitted(60_000);
    expect(await sandbox.compareIndex(events)).toMatchObject({
      expected: events.length,
      documents: events.length,
      missing: [],
      duplicated: [],
      unexpected: [],
    });
    const rebalances = sampleSum(await a.metrics(), "wikistream_indexer_rebalances_total");
    expect(rebalances).toBeGreaterThanOrEqual(3);
    console.info(
      `scale: ${atThree} docs when 3 replicas owned 2 partitions each, ${atOne} when back to 1; ` +
        `${events.length} distinct, no duplicates; replica a saw ${rebalances} group joins`,
    );
    expect(await a.terminate()).toBe(0);
  }, 180_000);
});
