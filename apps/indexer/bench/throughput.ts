/**
 * Indexing throughput against the local stack: produces `copies` × the 187 real events (fresh meta.ids),
 * then times one in-process indexer from start until every offset is committed.
 *   node apps/indexer/bench/throughput.ts [copies=100] [KEY=VALUE indexer overrides...]
 */
import { loadRealEvents, multiply } from "../test/helpers/recordings.ts";
import {
  cleanup,
  connectedProducer,
  createTestTopics,
  documentTotal,
  fullyCommitted,
  produceEvents,
  startIndexer,
  testConfig,
  testKafka,
  testOpenSearch,
  uniqueNames,
  waitFor,
} from "../test/helpers/stack.ts";

const [copiesArg, ...overrideArgs] = process.argv.slice(2);
const copies = Number(copiesArg ?? 100);
const overrides = Object.fromEntries(overrideArgs.map((arg) => arg.split("=") as [string, string]));
const names = uniqueNames();
const kafka = testKafka("indexer-bench");
const client = testOpenSearch();
const events = multiply(loadRealEvents(), copies);
const bytes = events.reduce((sum, e) => sum + e.data.length, 0);

try {
  await createTestTopics(kafka, names);
  const producer = await connectedProducer(kafka);
  let t = performance.now();
  await produceEvents(producer, names, events);
  await producer.disconnect();
  console.log(
    `produced ${events.length} events (${(bytes / 1e6).toFixed(1)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  t = performance.now();
  const running = await startIndexer(testConfig(names, { INDEXER_REFRESH_INTERVAL: "30s", ...overrides }));
  await waitFor("everything committed", () => fullyCommitted(kafka, names), 600_000, 200);
  const seconds = (performance.now() - t) / 1000;
  await running.stop();
  const total = await documentTotal(client, names.indexPrefix);
  console.log(
    JSON.stringify({
      events: events.length,
      documents: total,
      seconds: Number(seconds.toFixed(2)),
      docsPerSecond: Math.round(total / seconds),
      mbPerSecond: Number((bytes / 1e6 / seconds).toFixed(2)),
      overrides,
    }),
  );
} finally {
  await cleanup(kafka, client, names);
  await client.close();
}
