import { randomUUID } from "node:crypto";
import { createKafka } from "@wikistream/kafka";
import { createLogger, type Logger, silentLogger } from "@wikistream/log";
import { loadRecording, REAL_RECORDINGS, type RecordedEvent, recordingPath } from "@wikistream/replay";
import type { Counter } from "prom-client";
import { type IngestConfig, loadIngestConfig } from "../src/config.ts";
import { createIngest, type Ingest } from "../src/ingest.ts";
import { createIngestMetrics, type IngestMetrics } from "../src/metrics.ts";
import { brokers, deleteTopics, type ReadRecord, readAll } from "./kafka-helpers.ts";

export const kafka = createKafka({ brokers, clientId: "ingest-test", logger: silentLogger });

export const metaIdOf = (event: RecordedEvent): string => (event.event.meta as { id: string }).id;

/** Every real recording, canaries left out (none are recorded, but the rule is the rule). */
export async function realEvents(
  files: readonly string[] = Object.keys(REAL_RECORDINGS),
): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (const file of files) events.push(...(await loadRecording(recordingPath(file))));
  return events.filter((e) => e.event.meta?.domain !== "canary");
}

export interface TestTopics {
  prefix: string;
  streamTopics: string[];
  dlqTopic: string;
}

/** Uniquely named topics for one test; `cleanup()` deletes every topic handed out. */
export function topicRegistry() {
  const created: string[] = [];
  return {
    next(streams: readonly string[] = ["mediawiki.recentchange", "mediawiki.page_change.v1"]): TestTopics {
      const prefix = `test-${randomUUID()}.`;
      const topics = { prefix, streamTopics: streams.map((s) => `${prefix}${s}`), dlqTopic: `${prefix}dlq` };
      created.push(...topics.streamTopics, topics.dlqTopic);
      return topics;
    },
    cleanup: () => deleteTopics(kafka, created.splice(0)),
  };
}

/** Ingest config for tests: fast reconnects, small batches; `env` overrides any variable. */
export function testConfig(
  streamUrl: string,
  topics: TestTopics,
  env: Record<string, string> = {},
): IngestConfig {
  return loadIngestConfig({
    INGEST_STREAM_URL: streamUrl,
    INGEST_STREAMS: "recentchange,page_change",
    INGEST_TOPIC_PREFIX: topics.prefix,
    INGEST_DLQ_TOPIC: topics.dlqTopic,
    KAFKA_BROKERS: brokers.join(","),
    INGEST_RECONNECT_INITIAL_MS: "50",
    INGEST_RECONNECT_MAX_MS: "500",
    INGEST_BATCH_SIZE: "20",
    INGEST_LINGER_MS: "5",
    ...env,
  });
}

/** Only the recentchange stream (the variables testConfig takes as `env`). */
export const recentchangeOnly = { INGEST_STREAMS: "recentchange" } as const;

/** What INGEST_STREAM_URL is for a replay server. */
export const streamUrlOf = (replay: { url: string }): string => `${replay.url}/v2/stream`;

export interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

/** An in-process ingest with its own metrics and a log captured as parsed lines. */
export function buildIngest(
  config: IngestConfig,
  options: { fetch?: typeof fetch; echo?: boolean } = {},
): { ingest: Ingest; metrics: IngestMetrics; logs: LogLine[]; logger: Logger } {
  const logs: LogLine[] = [];
  const logger = createLogger({
    level: "debug",
    write: (line) => {
      logs.push(JSON.parse(line) as LogLine);
      if (options.echo) console.log(line);
    },
  });
  const metrics = createIngestMetrics({ defaultMetrics: false });
  const ingest = createIngest({ config, kafka, logger, metrics, fetch: options.fetch });
  return { ingest, metrics, logs, logger };
}

/** An in-process ingest reading `replay` into `topics`: testConfig and buildIngest in one. */
export function ingestReading(
  replay: { url: string },
  topics: TestTopics,
  env: Record<string, string> = {},
  options: { fetch?: typeof fetch; echo?: boolean } = {},
): ReturnType<typeof buildIngest> {
  return buildIngest(testConfig(streamUrlOf(replay), topics, env), options);
}

/** The value of one labelled series of a counter (0 when never incremented). */
export async function counterValue(counter: Counter, labels: Record<string, string> = {}): Promise<number> {
  const { values } = await counter.get();
  const match = values.find((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want));
  return match?.value ?? 0;
}

/** Everything the topics hold now. */
export function readBack(topics: readonly string[]): Promise<ReadRecord[]> {
  return readAll(kafka, topics);
}

export const recordMetaId = (record: ReadRecord): string =>
  (JSON.parse(record.value) as { meta: { id: string } }).meta.id;

/** The meta.id of every record the stream topics hold now, one per record (so duplicates show). */
export async function publishedIds(topics: TestTopics): Promise<string[]> {
  return (await readBack(topics.streamTopics)).map(recordMetaId);
}

/** The dead letters the DLQ topic holds now, parsed. */
export async function deadLetters<T = Record<string, unknown>>(topics: TestTopics): Promise<T[]> {
  return (await readBack([topics.dlqTopic])).map((r) => JSON.parse(r.value) as T);
}

/** Records per meta.id beyond the first: what a resume's overlap left in Kafka. */
export function duplicateCount(ids: readonly string[]): number {
  return ids.length - new Set(ids).size;
}
