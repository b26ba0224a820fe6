import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type IndexerProcess, sampleSum, spawnIndexer } from "./helpers/process.ts";
import { loadRealEvents, multiply } from "./helpers/recordings.ts";
import {
  cleanup,
  compareIds,
  connectedProducer,
  createTestTopics,
  documentCounts,
  documentTotal,
  fullyCommitted,
  produceEvents,
  testEnv,
  testKafka,
  testOpenSearch,
  uniqueNames,
  waitFor,
} from "./helpers/stack.ts";

// kill -9 in the middle of indexing, restart: nothing lost, no duplicate document.

const names = uniqueNames();
const kafka = testKafka();
const client = testOpenSearch();
const events = multiply(loadRealEvents(), 60); // 11,220 copies of real events, fresh meta.ids
const processes: IndexerProcess[] = [];

beforeAll(async () => {
  await createTestTopics(kafka, names);
  const producer = await connectedProducer(kafka);
  await produceEvents(producer, names, events);
  await producer.disconnect();
}, 60_000);

afterAll(async () => {
  for (const p of processes) p.kill9();
  await cleanup(kafka, client, names);
  await client.close();
}, 60_000);

describe("kill -9 and restart (real processes, Kafka, OpenSearch)", () => {
  it("loses nothing and duplicates nothing", async () => {
    // Small bulk requests, one at a time: the kill lands while requests are in flight.
    const first = spawnIndexer(
      "first",
      testEnv(names, {
        INDEXER_BULK_MAX_DOCS: "100",
        INDEXER_BULK_CONCURRENCY: "1",
        INDEXER_COMMIT_INTERVAL_MS: "500",
      }),
    );
    processes.push(first);
    await waitFor(
      "a third indexed",
      async () => (await documentTotal(client, names.indexPrefix)) >= 3000,
      45_000,
      100,
    );
    expect(sampleSum(await first.metrics(), "wikistream_indexer_bulk_in_flight")).toBeGreaterThanOrEqual(0);
    first.kill9();
    expect(await first.exited).toBeNull();
    const atKill = await documentTotal(client, names.indexPrefix);
    expect(atKill).toBeLessThan(events.length);

    const second = spawnIndexer("second", testEnv(names));
    processes.push(second);
    // The killed member holds its partitions until its session times out (10 s here).
    await waitFor("everything committed", () => fullyCommitted(kafka, names), 60_000);
    const counts = await documentCounts(client, names.indexPrefix);
    expect(
      compareIds(
        events.map((e) => e.metaId),
        counts,
      ),
    ).toMatchObject({
      expected: events.length,
      documents: events.length,
      missing: [],
      duplicated: [],
      unexpected: [],
    });
    // The restarted member re-indexed what was indexed but not yet committed: same _id, same document.
    const reindexed = sampleSum(await second.metrics(), "wikistream_indexer_documents_total", {
      result: "indexed",
    });
    expect(reindexed + atKill).toBeGreaterThanOrEqual(events.length);
    console.info(
      `crash-restart: ${atKill}/${events.length} documents at kill -9; restart indexed ${reindexed} ` +
        `(${reindexed + atKill - events.length} re-deliveries rewrote existing documents)`,
    );

    // A graceful stop finishes, commits, leaves the group and exits 0.
    expect(await second.terminate()).toBe(0);
    expect(second.logs.some((l) => l.msg === "stopped")).toBe(true);
    const admin = kafka.admin();
    await admin.connect();
    const [group] = (await admin.describeGroups([names.groupId])).groups;
    await admin.disconnect();
    expect(group?.state).toBe("Empty");
  }, 85_000);
});
