import { waitFor } from "@wikistream/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventTimeMs } from "../src/index/event-time.ts";
import { indexFor } from "../src/index/names.ts";
import { metricValue, type RunningIndexer } from "./helpers/in-process-indexer.ts";
import { loadRealEvents, multiply, type RealEvent } from "./helpers/recordings.ts";
import { createSandbox } from "./helpers/sandbox.ts";

// A write block on the target indices (index.blocks.write, as an operator or a full disk sets it)
// answers every item 403 cluster_block_exception. That is the cluster's state, not the documents'
// fault: they used to be dead-lettered and their offsets committed. Now they wait with their
// partitions paused, and once the block is lifted every event is indexed once, with no dead letter.
// While they wait the lag metric, read from the broker, keeps growing as records arrive (it used to
// be computed from the last fetched batch and froze while partitions were paused).

const sandbox = createSandbox();
const { client, names } = sandbox;
const first = loadRealEvents();
const second = multiply(first, 2);
let targets: string[] = [];
let running: RunningIndexer | undefined;

const targetIndices = (events: readonly RealEvent[]) =>
  [
    ...new Set(
      events.map((e) =>
        indexFor(names.indexPrefix, e.stream, eventTimeMs(String(e.event.meta?.dt)), "month"),
      ),
    ),
  ].sort();
const setWriteBlock = (write: boolean) =>
  client.indices.putSettings({ index: targets.join(","), body: { index: { blocks: { write } } } });
const metric = (name: string, labels?: Record<string, string>) => metricValue(running!.metrics, name, labels);

beforeAll(() => sandbox.createTopics(), 60_000);
afterAll(async () => {
  if (targets.length > 0) await setWriteBlock(false).catch(() => {});
  await sandbox.tearDown();
}, 120_000);

describe("write block on the target indices (real Kafka + real OpenSearch)", () => {
  it("regression: a write block dead-lettered every event and the lag froze; now they wait, the lag grows, and all are indexed once the block is lifted", async () => {
    running = await sandbox.startIndexer({ env: { INDEXER_LAG_INTERVAL_MS: "500" } });
    // The templates are installed: create the target indices from them, blocked for writes.
    targets = targetIndices([...first, ...second]);
    for (const index of targets) {
      await client.indices.create({ index, body: { settings: { index: { blocks: { write: true } } } } });
    }
    const blockedAt = Date.now();
    await sandbox.produce(first);

    await waitFor(
      "documents refused for the write block",
      async () => {
        const refused = await metric("wikistream_indexer_cluster_refusals_total", {
          reason: "cluster_block_exception",
        });
        return refused > 0 && (await metric("wikistream_indexer_paused_partitions")) > 0;
      },
      60_000,
      200,
    );
    await waitFor(
      "the lag of the first part",
      async () => (await metric("wikistream_indexer_consumer_lag_records")) >= first.length,
      30_000,
      200,
    );
    const lagBefore = await metric("wikistream_indexer_consumer_lag_records");

    // More records while every partition is paused: nothing fetches them, the broker's lag counts them.
    await sandbox.produce(second);
    await waitFor(
      "the lag to grow while the partitions are paused",
      async () => (await metric("wikistream_indexer_consumer_lag_records")) >= first.length + second.length,
      30_000,
      200,
    );
    const lagDuring = await metric("wikistream_indexer_consumer_lag_records");
    expect(lagDuring).toBeGreaterThan(lagBefore);
    expect(await metric("wikistream_indexer_paused_partitions")).toBeGreaterThan(0);

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 30_000 - (Date.now() - blockedAt))));
    expect(await metric("wikistream_indexer_documents_total", { result: "dead_lettered" })).toBe(0);
    expect(await metric("wikistream_indexer_documents_total", { result: "indexed" })).toBe(0);
    expect(await sandbox.fullyCommitted()).toBe(false);
    expect(running.indexer.healthy()).toBe(true);

    await setWriteBlock(false);
    await sandbox.waitUntilCommitted(120_000, "everything committed after the block was lifted");
    expect(await sandbox.compareIndex([...first, ...second])).toMatchObject({
      documents: first.length + second.length,
      missing: [],
      duplicated: [],
      unexpected: [],
    });
    expect(await metric("wikistream_indexer_documents_total", { result: "dead_lettered" })).toBe(0);
    const admin = sandbox.kafka.admin();
    await admin.connect();
    try {
      const dlq = await admin.fetchTopicOffsets(names.dlqTopic);
      expect(dlq.every((partition) => partition.high === "0")).toBe(true);
    } finally {
      await admin.disconnect();
    }
    await waitFor(
      "the lag back to 0",
      async () => (await metric("wikistream_indexer_consumer_lag_records")) === 0,
      30_000,
      200,
    );
    console.info(
      `write block: ${targets.length} indices blocked ~30 s; lag ${lagBefore} → ${lagDuring} while paused; ` +
        `${first.length + second.length} documents indexed once, 0 dead letters`,
    );
  }, 240_000);
});
