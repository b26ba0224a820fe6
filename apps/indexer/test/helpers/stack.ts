import { randomUUID } from "node:crypto";
import type { Client } from "@opensearch-project/opensearch";
import { createKafka, createProducer, ensureTopics } from "@wikistream/kafka";
import { createLogger, type Logger, silentLogger } from "@wikistream/log";
import { createOpenSearch } from "@wikistream/opensearch";
import type { Kafka, Producer } from "kafkajs";
import { type IndexerConfig, loadIndexerConfig } from "../../src/config.ts";
import { createIndexer, type Indexer } from "../../src/indexer.ts";
import { createIndexerMetrics, type IndexerMetrics } from "../../src/metrics.ts";
import type { TransformSet } from "../../src/transforms/index.ts";
import type { RealEvent } from "./recordings.ts";

export const brokers = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");
export const opensearchUrl = process.env.OPENSEARCH_URL ?? "http://127.0.0.1:9200";

/** Logs of the code under test: silent unless INDEXER_TEST_LOG=debug|info|warn|error. */
export function testLogger(): Logger {
  const level = process.env.INDEXER_TEST_LOG;
  return level === "debug" || level === "info" || level === "warn" || level === "error"
    ? createLogger({ level, write: (line) => process.stderr.write(`${line}\n`) })
    : silentLogger;
}

export function testKafka(clientId = "indexer-test"): Kafka {
  return createKafka({ brokers, clientId, logger: silentLogger });
}

export function testOpenSearch(url = opensearchUrl): Client {
  return createOpenSearch({ url, requestTimeoutMs: 30_000 });
}

/** Unique names for one test: topics, group, index prefix; nothing shared with other runs. */
export interface TestNames {
  id: string;
  topicPrefix: string;
  topics: { recentchange: string; pageChange: string };
  dlqTopic: string;
  groupId: string;
  indexPrefix: string;
}

export function uniqueNames(): TestNames {
  const id = randomUUID().slice(0, 8);
  const topicPrefix = `wst-${id}.`;
  return {
    id,
    topicPrefix,
    topics: {
      recentchange: `${topicPrefix}mediawiki.recentchange`,
      pageChange: `${topicPrefix}mediawiki.page_change.v1`,
    },
    dlqTopic: `wst-${id}.indexer.dlq`,
    groupId: `wst-${id}-indexer`,
    indexPrefix: `wst-${id}`,
  };
}

/** Indexer environment for the test names; tests override what they exercise. */
export function testEnv(names: TestNames, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    KAFKA_BROKERS: brokers.join(","),
    OPENSEARCH_URL: opensearchUrl,
    INDEXER_GROUP_ID: names.groupId,
    INDEXER_TOPICS: `${names.topics.recentchange},${names.topics.pageChange}`,
    INDEXER_TOPIC_PREFIX: names.topicPrefix,
    INDEXER_DLQ_TOPIC: names.dlqTopic,
    INDEXER_INDEX_PREFIX: names.indexPrefix,
    INDEXER_INDEX_REPLICAS: "0",
    INDEXER_SESSION_TIMEOUT_MS: "10000",
    INDEXER_RETRY_MAX_MS: "2000",
    INDEXER_COMMIT_INTERVAL_MS: "200",
    INDEXER_DRAIN_TIMEOUT_MS: "15000",
    INDEXER_HTTP_PORT: "0",
    ...overrides,
  };
}

export function testConfig(
  names: TestNames,
  overrides: Record<string, string> = {},
): Readonly<IndexerConfig> {
  return loadIndexerConfig(testEnv(names, overrides));
}

export async function createTestTopics(kafka: Kafka, names: TestNames): Promise<void> {
  await ensureTopics(kafka, [
    { topic: names.topics.recentchange, partitions: 3 },
    { topic: names.topics.pageChange, partitions: 3 },
    { topic: names.dlqTopic, partitions: 1 },
  ]);
}

// The page key the ingest app uses: events of one page stay in order on one partition.
function pageKey(event: Record<string, unknown>): string {
  const meta = event.meta as { id: string; domain?: string };
  if (typeof event.title === "string") return `${String(event.wiki ?? meta.domain)}:${event.title}`;
  const page = event.page as { page_id?: number } | undefined;
  if (typeof event.wiki_id === "string" && typeof page?.page_id === "number")
    return `${event.wiki_id}:${page.page_id}`;
  return meta.id;
}

function keyOf(event: RealEvent): string {
  try {
    return pageKey(JSON.parse(event.data));
  } catch {
    return event.metaId; // a deliberately broken record
  }
}

/** Produces real events as the ingest app does: value = the JSON text, page key, contract headers. */
export async function produceEvents(producer: Producer, names: TestNames, events: readonly RealEvent[]) {
  const topicOf = (e: RealEvent) =>
    e.stream === "mediawiki.recentchange" ? names.topics.recentchange : names.topics.pageChange;
  for (let start = 0; start < events.length; start += 1000) {
    const chunk = events.slice(start, start + 1000);
    const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
    for (const event of chunk) {
      const messages = byTopic.get(topicOf(event)) ?? [];
      messages.push({
        key: keyOf(event),
        value: event.data,
        headers: {
          "wikistream-stream": event.stream,
          "wikistream-meta-id": event.metaId,
          ...(event.sseId ? { "wikistream-sse-id": event.sseId } : {}),
        },
      });
      byTopic.set(topicOf(event), messages);
    }
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }
}

export async function connectedProducer(kafka: Kafka): Promise<Producer> {
  const { producer } = createProducer(kafka);
  await producer.connect();
  return producer;
}

export interface RunningIndexer {
  indexer: Indexer;
  metrics: IndexerMetrics;
  stop(): Promise<void>;
}

/** An indexer built from its factory with real clients, started. */
export async function startIndexer(
  config: Readonly<IndexerConfig>,
  options: { transforms?: TransformSet; clientId?: string; opensearchUrl?: string } = {},
): Promise<RunningIndexer> {
  const metrics = createIndexerMetrics({ defaultMetrics: false });
  const opensearch = createOpenSearch({
    url: options.opensearchUrl ?? config.opensearchUrl,
    requestTimeoutMs: config.bulkTimeoutMs,
  });
  const indexer = createIndexer({
    config,
    kafka: createKafka({
      brokers: config.kafkaBrokers,
      clientId: options.clientId ?? "indexer-test",
      logger: testLogger(),
    }),
    opensearch,
    logger: testLogger(),
    metrics,
    ...(options.transforms ? { transforms: options.transforms } : {}),
  });
  await indexer.start();
  return {
    indexer,
    metrics,
    async stop() {
      await indexer.stop();
      await opensearch.close();
    },
  };
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 250,
) {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ""}`,
  );
}

/** Committed offset == end offset on every partition of the input topics. */
export async function fullyCommitted(kafka: Kafka, names: TestNames): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of [names.topics.recentchange, names.topics.pageChange]) {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId: names.groupId, topics: [topic] });
      for (const end of ends) {
        const done = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? "-1";
        const target = end.high;
        if (target !== "0" && done !== target) return false;
      }
    }
    return true;
  } finally {
    await admin.disconnect();
  }
}

/** How many documents carry each meta.id across all of the prefix's indices (exact, paged). */
export async function documentCounts(client: Client, indexPrefix: string): Promise<Map<string, number>> {
  await client.indices.refresh({ index: `${indexPrefix}-*`, allow_no_indices: true });
  const counts = new Map<string, number>();
  let after: Record<string, string> | undefined;
  while (true) {
    const response = await client.search({
      index: `${indexPrefix}-*`,
      body: {
        size: 0,
        aggs: {
          ids: {
            composite: {
              size: 5000,
              sources: [{ id: { terms: { field: "meta.id" } } }],
              ...(after ? { after } : {}),
            },
          },
        },
      },
    });
    const agg = (
      response.body.aggregations as {
        ids: { buckets: { key: { id: string }; doc_count: number }[]; after_key?: Record<string, string> };
      }
    ).ids;
    for (const bucket of agg.buckets) counts.set(bucket.key.id, bucket.doc_count);
    if (!agg.after_key || agg.buckets.length === 0) return counts;
    after = agg.after_key;
  }
}

/** Total documents in the prefix's indices. */
export async function documentTotal(client: Client, indexPrefix: string): Promise<number> {
  await client.indices.refresh({ index: `${indexPrefix}-*`, allow_no_indices: true });
  const response = await client.count({ index: `${indexPrefix}-*`, allow_no_indices: true });
  return response.body.count;
}

/** Asserts-friendly summary: the ids that are missing, duplicated or unexpected. */
export function compareIds(expected: Iterable<string>, counts: Map<string, number>) {
  const want = new Set(expected);
  const missing = [...want].filter((id) => !counts.has(id));
  const duplicated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  const unexpected = [...counts.keys()].filter((id) => !want.has(id));
  return {
    expected: want.size,
    documents: [...counts.values()].reduce((a, b) => a + b, 0),
    missing,
    duplicated,
    unexpected,
  };
}

/** Reads records of a topic from the beginning (for the dead-letter topic). */
export async function readTopic(kafka: Kafka, topic: string, expected: number, timeoutMs = 20_000) {
  const groupId = `wst-reader-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  const seen: { key: string | null; value: string | null; headers: Record<string, string> }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
      seen.push({ key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, headers });
    },
  });
  try {
    await waitFor(`${expected} records in ${topic}`, () => seen.length >= expected, timeoutMs);
  } finally {
    await consumer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.disconnect();
  }
  return seen;
}

/** Deletes everything a test created: indices, templates, topics, the consumer group. */
export async function cleanup(kafka: Kafka, client: Client, names: TestNames): Promise<void> {
  await client.indices
    .delete({ index: `${names.indexPrefix}-*`, allow_no_indices: true, ignore_unavailable: true })
    .catch(() => {});
  for (const name of ["recentchange", "page_change"]) {
    await client.indices.deleteIndexTemplate({ name: `${names.indexPrefix}-${name}` }).catch(() => {});
  }
  for (const name of ["settings", "common-mappings", "recentchange-mappings", "page_change-mappings"]) {
    await client.cluster.deleteComponentTemplate({ name: `${names.indexPrefix}-${name}` }).catch(() => {});
  }
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteGroups([names.groupId]).catch(() => {});
    const existing = new Set(await admin.listTopics());
    const topics = [names.topics.recentchange, names.topics.pageChange, names.dlqTopic].filter((t) =>
      existing.has(t),
    );
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => {});
  } finally {
    await admin.disconnect();
  }
}

/** The value of one series of an indexer metric (0 when absent). */
export async function metricValue(
  metrics: IndexerMetrics,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const base = name.replace(/_(count|sum|bucket)$/, "");
  const metric = await (
    metrics.registry.getSingleMetric(name) ?? metrics.registry.getSingleMetric(base)
  )?.get();
  let total = 0;
  for (const value of metric?.values ?? []) {
    const matches = Object.entries(labels).every(([key, want]) => String(value.labels[key] ?? "") === want);
    const series = (value as { metricName?: string }).metricName ?? name;
    if (matches && series === name) total += value.value;
  }
  return total;
}

const stackScript = new URL("../../../../deploy/local/stack.sh", import.meta.url).pathname;

/** Runs `deploy/local/stack.sh <args>` (e.g. `down opensearch`, `up opensearch`) and waits for it. */
export async function stack(...args: string[]): Promise<void> {
  const { execFile } = await import("node:child_process");
  await new Promise<void>((resolve, reject) => {
    execFile("bash", [stackScript, ...args], { timeout: 240_000 }, (error, stdout, stderr) =>
      error
        ? reject(new Error(`stack.sh ${args.join(" ")} failed: ${error.message}\n${stdout}\n${stderr}`))
        : resolve(),
    );
  });
}
