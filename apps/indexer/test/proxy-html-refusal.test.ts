import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { opensearchUrl } from "./helpers/clients.ts";
import { metricValue } from "./helpers/in-process-indexer.ts";
import { loadRealEvents } from "./helpers/recordings.ts";
import { createSandbox } from "./helpers/sandbox.ts";
import { startThrottlingProxy, type ThrottlingProxy } from "./helpers/throttling-proxy.ts";

// Something in front of OpenSearch (a proxy, load balancer or WAF) answers every _bulk request with an
// HTML 400, then an HTML 413, then lets them through. That is an outage, not the documents' fault: the
// batch used to be split down to single documents and every one dead-lettered as request_rejected.

const sandbox = createSandbox();
const events = loadRealEvents();
let proxy: ThrottlingProxy | undefined;
let refusingSince = 0;

beforeAll(async () => {
  await sandbox.setUp(events);
  proxy = await startThrottlingProxy({
    target: opensearchUrl,
    requestShare: 0,
    itemShare: 0,
    refuseWithHtml: () => {
      const elapsed = Date.now() - refusingSince;
      return elapsed < 10_000 ? 400 : elapsed < 15_000 ? 413 : undefined;
    },
  });
}, 60_000);

afterAll(async () => {
  await sandbox.tearDown();
  await proxy?.close();
}, 60_000);

describe("a proxy answering HTML 400/413 to _bulk (fault-injecting proxy)", () => {
  it("regression: an HTML 400 from a proxy split the batch and dead-lettered every document; now it backs off and resends", async () => {
    refusingSince = Date.now();
    const running = await sandbox.startIndexer({
      env: { OPENSEARCH_URL: proxy!.url, INDEXER_RETRY_INITIAL_MS: "100", INDEXER_RETRY_MAX_MS: "1000" },
    });
    await sandbox.waitUntilCommitted(90_000, "everything committed once the proxy lets requests through");
    expect(Date.now() - refusingSince).toBeGreaterThan(15_000);
    expect(proxy!.stats.htmlRefusals).toBeGreaterThan(2);
    expect(await sandbox.compareIndex(events)).toMatchObject({
      documents: events.length,
      missing: [],
      duplicated: [],
      unexpected: [],
    });
    const m = running.metrics;
    expect(await metricValue(m, "wikistream_indexer_documents_total", { result: "dead_lettered" })).toBe(0);
    expect(
      await metricValue(m, "wikistream_indexer_errors_total", { code: "opensearch_proxy_refused" }),
    ).toBeGreaterThan(2);
  }, 150_000);
});
