import type { Client } from "@opensearch-project/opensearch";
import { waitFor } from "@wikistream/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventTimeMs } from "../src/index/event-time.ts";
import { indexFor } from "../src/index/names.ts";
import { metricValue } from "./helpers/in-process-indexer.ts";
import { loadRealEvents } from "./helpers/recordings.ts";
import { createSandbox } from "./helpers/sandbox.ts";

// Each index the indexer writes to is refreshed once after its first bulk (src/index/first-refresh.ts).
// With refresh_interval 30 s, the indices' own timers cannot make anything searchable within the test's
// few seconds: a document that a search finds without a forced refresh was made searchable by it.

const sandbox = createSandbox();
const { names, client } = sandbox;
const real = loadRealEvents();
// The monthly indices the recordings fall into (2020–2026): every one gets a first bulk.
const expectedIndices = [
  ...new Set(
    real.map((e) => indexFor(names.indexPrefix, e.stream, eventTimeMs(String(e.event.meta?.dt)), "month")),
  ),
].sort();

/** Documents per index that a search sees now: no refresh forced, what a user would get. */
async function searchableByIndex(os: Client, prefix: string): Promise<Map<string, number>> {
  // The client's types know no `terms` on `_index`; OpenSearch takes it (the metadata field is aggregatable).
  const body = { size: 0, aggs: { indices: { terms: { field: "_index", size: 100 } } } } as object;
  const response = await os.search({ index: `${prefix}-*`, allow_no_indices: true, body });
  const { buckets } = (
    response.body.aggregations as { indices: { buckets: { key: string; doc_count: number }[] } }
  ).indices;
  return new Map(buckets.map((bucket) => [bucket.key, bucket.doc_count]));
}

beforeAll(() => sandbox.setUp(real), 60_000);
afterAll(() => sandbox.tearDown(), 60_000);

describe("refresh after the first write into an index (refresh_interval 30 s)", () => {
  it("makes the first documents of every index searchable without waiting for the interval", async () => {
    expect(expectedIndices.length).toBeGreaterThan(5);
    const running = await sandbox.startIndexer({ env: { INDEXER_REFRESH_INTERVAL: "30s" } });
    const indexed = () =>
      metricValue(running.metrics, "wikistream_indexer_documents_total", { result: "indexed" });
    await waitFor("a document indexed", async () => (await indexed()) > 0, 20_000, 20);
    const firstIndexedAt = Date.now();
    await waitFor(
      "a document searchable without a forced refresh",
      async () => (await searchableByIndex(client, names.indexPrefix)).size > 0,
      5_000,
      50,
    );
    const firstSearchableMs = Date.now() - firstIndexedAt;
    await waitFor("every event indexed", async () => (await indexed()) >= real.length, 20_000, 50);
    await waitFor(
      "a searchable document in every index written to",
      async () => {
        const searchable = await searchableByIndex(client, names.indexPrefix);
        return expectedIndices.every((index) => searchable.has(index));
      },
      5_000,
      100,
    );
    // Well inside the 30 s interval of indices created seconds ago: no refresh tick of theirs helped.
    expect(Date.now() - firstIndexedAt).toBeLessThan(20_000);
    console.info(
      `first-refresh: first document searchable ${firstSearchableMs} ms after the first indexed; ` +
        `${expectedIndices.length} indices, each searchable within seconds (interval 30 s)`,
    );
    await running.stop();
  }, 60_000);
});
