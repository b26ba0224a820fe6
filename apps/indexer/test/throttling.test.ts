import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { opensearchUrl } from "./helpers/clients.ts";
import { metricValue } from "./helpers/in-process-indexer.ts";
import { loadRealEvents, multiply } from "./helpers/recordings.ts";
import { createSandbox } from "./helpers/sandbox.ts";
import { startThrottlingProxy, type ThrottlingProxy } from "./helpers/throttling-proxy.ts";

// A proxy in front of OpenSearch answers 429 to a share of bulk requests and items: everything is
// still indexed exactly once, the retries are counted, nothing is dead-lettered.

const sandbox = createSandbox();
const events = multiply(loadRealEvents(), 10); // 1,870 copies of real events
let proxy: ThrottlingProxy | undefined;

beforeAll(async () => {
  await sandbox.setUp(events);
  proxy = await startThrottlingProxy({ target: opensearchUrl, requestShare: 0.3, itemShare: 0.2, seed: 7 });
}, 60_000);

afterAll(async () => {
  await sandbox.tearDown();
  await proxy?.close();
}, 60_000);

describe("OpenSearch answering 429 (fault-injecting proxy)", () => {
  it("indexes everything exactly once and counts the retries", async () => {
    const running = await sandbox.startIndexer({
      env: {
        OPENSEARCH_URL: proxy!.url,
        INDEXER_BULK_MAX_DOCS: "100",
        INDEXER_RETRY_INITIAL_MS: "50",
        INDEXER_RETRY_MAX_MS: "500",
      },
    });
    await sandbox.waitUntilCommitted(60_000);
    expect(await sandbox.compareIndex(events)).toMatchObject({
      documents: events.length,
      missing: [],
      duplicated: [],
      unexpected: [],
    });
    const { stats } = proxy!;
    expect(stats.throttledRequests).toBeGreaterThan(0);
    expect(stats.throttledItems).toBeGreaterThan(0);
    const m = running.metrics;
    const documents = "wikistream_indexer_documents_total";
    expect(await metricValue(m, documents, { result: "retried", reason: "throttled" })).toBe(
      stats.throttledItems,
    );
    expect(
      await metricValue(m, documents, { result: "retried", reason: "opensearch_throttled" }),
    ).toBeGreaterThan(0);
    expect(await metricValue(m, "wikistream_indexer_errors_total", { code: "opensearch_throttled" })).toBe(
      stats.throttledRequests,
    );
    expect(await metricValue(m, documents, { result: "dead_lettered" })).toBe(0);
    console.info(
      `throttling: ${stats.bulkRequests} bulk requests, ${stats.throttledRequests} answered 429, ${stats.throttledItems} items 429`,
    );
  }, 80_000);
});
