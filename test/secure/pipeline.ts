import {
  kafkaConnectionFromEnv,
  kafkaConnectionSchema,
  loadConfig,
  openSearchConnectionFromEnv,
  openSearchConnectionSchema,
} from "@wikistream/config";
import { createKafka } from "@wikistream/kafka";
import { createLogger } from "@wikistream/log";
import { createOpenSearch } from "@wikistream/opensearch";
import { loadRecording, type RecordedEvent, recordingPath } from "@wikistream/replay";
import type { RunNames, SecureStack } from "@wikistream/testkit";

/** 2,673 real enwiki events of one month (one monthly index): "a few thousand" on a 2-core machine. */
export async function monthRecording(): Promise<{ events: RecordedEvent[]; expected: Set<string> }> {
  const events = await loadRecording(recordingPath("more/recentchange-enwiki-2026-07.ndjson"));
  const expected = new Set<string>();
  for (const { event } of events) {
    if (event.meta?.domain !== "canary" && typeof event.meta?.id === "string") expected.add(event.meta.id);
  }
  return { events, expected };
}

/** The variables of each app for one run on the secure stack: secrets only as `*_FILE`. */
export function pipelineEnv(stack: SecureStack, names: RunNames, streamUrl: string) {
  const kafka = Object.fromEntries(Object.entries(stack.env).filter(([name]) => name.startsWith("KAFKA_")));
  const dlq = { ingest: `${names.topicPrefix}ingest.dlq`, indexer: `${names.topicPrefix}indexer.dlq` };
  return {
    dlq,
    ingest: {
      ...kafka,
      INGEST_STREAM_URL: streamUrl,
      INGEST_STREAMS: "recentchange",
      INGEST_TOPIC_PREFIX: names.topicPrefix,
      INGEST_DLQ_TOPIC: dlq.ingest,
      INGEST_STARTUP_TIMEOUT_MS: "20000",
    },
    indexer: {
      ...stack.env,
      INDEXER_TOPICS: names.topics.recentchange,
      INDEXER_TOPIC_PREFIX: names.topicPrefix,
      INDEXER_GROUP_ID: names.groupId,
      INDEXER_DLQ_TOPIC: dlq.indexer,
      INDEXER_INDEX_PREFIX: names.indexPrefix,
      INDEXER_INDEX_REPLICAS: "0",
      // The capture is from 2026-07; the default window would still hold it, but not forever.
      INDEXER_EVENT_MAX_AGE_DAYS: "36600",
      INDEXER_STARTUP_TIMEOUT_MS: "20000",
    },
  };
}

/** Clients as the apps build them from the stack's variables (CA bundle, passwords from their files). */
export function clientsOf(stack: SecureStack) {
  const os = loadConfig("test", openSearchConnectionSchema, stack.env);
  const opensearch = createOpenSearch(openSearchConnectionFromEnv("test", os.OPENSEARCH_URL, os));
  const kafka = createKafka({
    brokers: [stack.env.KAFKA_BROKERS ?? ""],
    clientId: "secure-e2e-test",
    logger: createLogger({ level: "error" }),
    security: kafkaConnectionFromEnv("test", loadConfig("test", kafkaConnectionSchema, stack.env)),
  });
  return { opensearch, kafka };
}

/** Every document of the run's indices: its id and version (2 or more means it was written twice). */
export async function indexedDocuments(
  opensearch: ReturnType<typeof createOpenSearch>,
  indexPrefix: string,
): Promise<{ id: string; version: number }[]> {
  await opensearch.indices.refresh({ index: `${indexPrefix}-*` });
  const found = await opensearch.search({
    index: `${indexPrefix}-*`,
    body: { size: 10_000, version: true, _source: false, query: { match_all: {} } },
  });
  return found.body.hits.hits.map((hit) => ({ id: String(hit._id), version: Number(hit._version) }));
}

/** Records in a topic (sum of high watermarks), 0 when it does not exist. */
export async function topicSize(kafka: ReturnType<typeof createKafka>, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(topic)) return 0;
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, { high, low }) => sum + Number(high) - Number(low), 0);
  } finally {
    await admin.disconnect();
  }
}

/** The first `count` events, released `perSecond` (the replay's pacing clock `dt` only is rewritten). */
export function paced(events: readonly RecordedEvent[], count: number, perSecond: number) {
  const perTick = Math.max(1, Math.round(perSecond / 10));
  const start = Date.UTC(2026, 0, 1);
  const chosen = events
    .slice(0, count)
    .map((event, i) => ({ ...event, dt: start + Math.floor(i / perTick) * 100 }));
  const expected = new Set<string>();
  for (const { event } of chosen) {
    if (event.meta?.domain !== "canary" && typeof event.meta?.id === "string") expected.add(event.meta.id);
  }
  return { events: chosen, expected };
}
