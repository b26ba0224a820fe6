import { sampleSum } from "@wikistream/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRealEvents, multiply } from "./helpers/recordings.ts";
import { createSandbox } from "./helpers/sandbox.ts";

// kill -9 in the middle of indexing, restart: nothing lost, no duplicate document.

const sandbox = createSandbox();
const { names, kafka } = sandbox;
const events = multiply(loadRealEvents(), 60); // 11,220 copies of real events, fresh meta.ids

beforeAll(() => sandbox.setUp(events), 60_000);
afterAll(() => sandbox.tearDown(), 60_000);

describe("kill -9 and restart (real processes, Kafka, OpenSearch)", () => {
  it("loses nothing and duplicates nothing", async () => {
    // Small bulk requests, one at a time: the kill lands while requests are in flight.
    const first = sandbox.spawnIndexer("first", {
      env: { INDEXER_BULK_MAX_DOCS: "100", INDEXER_BULK_CONCURRENCY: "1", INDEXER_COMMIT_INTERVAL_MS: "500" },
    });
    await sandbox.waitForDocuments("a third indexed", 3000, 45_000);
    expect(
      sampleSum(await first.metrics(), "wikistream_indexer_bulk_requests_in_flight"),
    ).toBeGreaterThanOrEqual(0);
    first.kill9();
    expect(await first.exited).toBeNull();
    const atKill = await sandbox.documentTotal();
    expect(atKill).toBeLessThan(events.length);

    const second = sandbox.spawnIndexer("second");
    // The killed member holds its partitions until its session times out (10 s here).
    await sandbox.waitUntilCommitted(60_000);
    expect(await sandbox.compareIndex(events)).toMatchObject({
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
