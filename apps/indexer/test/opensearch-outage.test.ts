import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metricValue } from "./helpers/in-process-indexer.ts";
import { stack } from "./helpers/local-stack.ts";
import { loadRealEvents, multiply } from "./helpers/recordings.ts";
import { createSandbox } from "./helpers/sandbox.ts";

// OpenSearch stopped for 30 s while records keep arriving, then restarted: nothing is committed that
// is not indexed, nothing is dead-lettered, and afterwards every event is indexed exactly once.
// Stops the shared OpenSearch briefly (other engineers' tests against it pause too) and always restarts it.

const sandbox = createSandbox();
const real = loadRealEvents();
const before = multiply(real, 5);
const during = multiply(real, 10);
let opensearchDown = false;

beforeAll(() => sandbox.createTopics(), 60_000);

afterAll(async () => {
  if (opensearchDown) await stack("up", "opensearch");
  await sandbox.tearDown();
}, 300_000);

describe("OpenSearch outage (real stack)", () => {
  it("keeps everything uncommitted while OpenSearch is down and indexes it all once it is back", async () => {
    await sandbox.produce(before);
    const running = await sandbox.startIndexer();
    await sandbox.waitUntilCommitted(45_000, "the first part committed");

    opensearchDown = true;
    await stack("down", "opensearch");
    const stoppedAt = Date.now();
    await sandbox.produce(during);
    await new Promise((resolve) => setTimeout(resolve, 30_000 - (Date.now() - stoppedAt)));

    // After 30 s without OpenSearch: nothing committed past what was indexed, nothing dead-lettered.
    expect(await sandbox.fullyCommitted()).toBe(false);
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
    await sandbox.waitUntilCommitted(120_000, "everything committed after the restart");
    expect(await sandbox.compareIndex([...before, ...during])).toMatchObject({
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
  }, 280_000);
});
