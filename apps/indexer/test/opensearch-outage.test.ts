import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRealEvents, multiply } from "./helpers/recordings.ts";
import {
  cleanup,
  compareIds,
  connectedProducer,
  createTestTopics,
  documentCounts,
  fullyCommitted,
  metricValue,
  produceEvents,
  type RunningIndexer,
  stack,
  startIndexer,
  testConfig,
  testKafka,
  testOpenSearch,
  uniqueNames,
  waitFor,
} from "./helpers/stack.ts";

// OpenSearch stopped for 30 s while records keep arriving, then restarted: nothing is committed that
// is not indexed, nothing is dead-lettered, and afterwards every event is indexed exactly once.
// Stops the shared OpenSearch briefly (other engineers' tests against it pause too) and always restarts it.

const names = uniqueNames();
const kafka = testKafka();
const client = testOpenSearch();
const real = loadRealEvents();
const before = multiply(real, 5);
const during = multiply(real, 10);
let running: RunningIndexer | undefined;
let opensearchDown = false;

beforeAll(async () => {
  await createTestTopics(kafka, names);
}, 60_000);

afterAll(async () => {
  if (opensearchDown) await stack("up", "opensearch");
  await running?.stop();
  await cleanup(kafka, client, names);
  await client.close();
}, 300_000);

describe("OpenSearch outage (real stack)", () => {
  it("keeps everything uncommitted while OpenSearch is down and indexes it all once it is back", async () => {
    const producer = await connectedProducer(kafka);
    try {
      await produceEvents(producer, names, before);
      running = await startIndexer(testConfig(names));
      await waitFor("the first part committed", () => fullyCommitted(kafka, names), 45_000);

      opensearchDown = true;
      await stack("down", "opensearch");
      const stoppedAt = Date.now();
      await produceEvents(producer, names, during);
      await new Promise((resolve) => setTimeout(resolve, 30_000 - (Date.now() - stoppedAt)));

      // After 30 s without OpenSearch: nothing committed past what was indexed, nothing dead-lettered.
      expect(await fullyCommitted(kafka, names)).toBe(false);
      const m = running.metrics;
      expect(
        await metricValue(m, "wikistream_indexer_errors_total", { code: "opensearch_unavailable" }),
      ).toBeGreaterThan(0);
      expect(await metricValue(m, "wikistream_indexer_paused_partitions")).toBeGreaterThan(0);
      expect(await metricValue(m, "wikistream_indexer_documents_total", { result: "dead_lettered" })).toBe(0);
      expect(running.indexer.healthy()).toBe(true);
      const pendingDuringOutage = running.indexer.status().pending;
      expect(pendingDuringOutage).toBeGreaterThan(0);

      const restartStarted = Date.now();
      await stack("up", "opensearch");
      opensearchDown = false;
      const restartSeconds = (Date.now() - restartStarted) / 1000;
      await waitFor("everything committed after the restart", () => fullyCommitted(kafka, names), 120_000);
      const counts = await documentCounts(client, names.indexPrefix);
      expect(
        compareIds(
          [...before, ...during].map((e) => e.metaId),
          counts,
        ),
      ).toMatchObject({
        documents: before.length + during.length,
        missing: [],
        duplicated: [],
        unexpected: [],
      });
      expect(await metricValue(m, "wikistream_indexer_documents_total", { result: "dead_lettered" })).toBe(0);
      console.info(
        `outage: 30 s down with ${pendingDuringOutage} records pending; OpenSearch back after ${restartSeconds.toFixed(0)} s; ` +
          `${before.length + during.length} documents, none lost or duplicated`,
      );
    } finally {
      await producer.disconnect();
    }
  }, 280_000);
});
