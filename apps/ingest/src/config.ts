import {
  env,
  invalidSetting,
  type KafkaConnectionSettings,
  type KafkaTopicSettings,
  kafkaConnectionEnv,
  kafkaConnectionFromEnv,
  kafkaTopicEnv,
  kafkaTopicSettingsFromEnv,
  loadConfig,
} from "@wikistream/config";
import { knownStreamNames, resolveStream, type StreamName, topicForStream } from "@wikistream/events";
import { z } from "zod";

export const ingestEnvSchema = z.object({
  INGEST_STREAM_URL: env.url("https://stream.wikimedia.org/v2/stream"),
  INGEST_STREAMS: env.list("recentchange"),
  // Wikimedia answers 403 to generic User-Agents; operators should add their own contact here.
  INGEST_USER_AGENT: env.string(
    "wikistream/0.1 (+https://github.com/wikistream/wikistream; set INGEST_USER_AGENT)",
  ),
  INGEST_SINCE: env.optionalString(),
  // resume: from Kafka's tail, refusing when the topics were emptied; since: from INGEST_SINCE; latest: now.
  INGEST_START_POLICY: env.enumOf(["resume", "since", "latest"], "resume"),
  INGEST_TOPIC_PREFIX: env.string("wikistream."),
  INGEST_TOPIC_PARTITIONS: env.int(3, { min: 1, max: 1000 }),
  INGEST_DLQ_TOPIC: env.string("wikistream.ingest.dlq"),
  KAFKA_BROKERS: env.list("127.0.0.1:9092"),
  KAFKA_CLIENT_ID: env.string("wikistream-ingest"),
  // TLS, SASL (PLAIN, SCRAM, AWS MSK IAM) and the topics' replication: the same variables as the indexer.
  ...kafkaConnectionEnv,
  ...kafkaTopicEnv,
  INGEST_HTTP_HOST: env.string("127.0.0.1"),
  INGEST_HTTP_PORT: env.port(8081),
  INGEST_STALL_TIMEOUT_MS: env.int(60_000, { min: 100 }),
  INGEST_RECONNECT_INITIAL_MS: env.int(1000, { min: 1 }),
  INGEST_RECONNECT_MAX_MS: env.int(60_000, { min: 1 }),
  // setTimeout fires at once beyond 2^31-1 ms, so a server's huge retry: would become a reconnect loop.
  INGEST_SERVER_DELAY_MAX_MS: env.int(300_000, { min: 1, max: 2_147_483_647 }),
  // Real events are a few KB (the largest recorded one is 6.2 KB); one endless line must not grow the heap.
  INGEST_MAX_EVENT_BYTES: env.int(1_048_576, { min: 1024, max: 64 * 1_048_576 }),
  // Larger batches only risk Kafka's request size limit (a too-large batch is split, but that costs a
  // failed request each time); 5000 records of a few KB stay well inside it once gzipped.
  INGEST_BATCH_SIZE: env.int(500, { min: 1, max: 5_000 }),
  INGEST_LINGER_MS: env.int(50, { min: 0, max: 60_000 }),
  INGEST_BUFFER_SIZE: env.int(10_000, { min: 1 }),
  // The byte bounds (characters of value + key): a count alone lets large events hold many times the
  // memory it suggests. A batch near Kafka's 1 MB request limit stays well inside it once gzipped.
  INGEST_BATCH_BYTES: env.int(1_048_576, { min: 1024, max: 16 * 1_048_576 }),
  INGEST_BUFFER_BYTES: env.int(4 * 1_048_576, { min: 1024, max: 1024 * 1_048_576 }),
  INGEST_DRAIN_TIMEOUT_MS: env.int(20_000, { min: 0 }),
  // A major garbage collection each time Buffers have grown by this much (0: V8's own pace, which lets
  // ~64 MB of kafkajs' per-record Buffers pile up); @wikistream/runtime external-memory.ts. 8 MiB: peak
  // RSS 138-145 MB at the same rate as 16 MiB (149-156 MB; bench/results/2026-12-02-2core-ingest-gc-budget.md).
  INGEST_GC_EXTERNAL_BYTES: env.int(8 * 1_048_576, { min: 0 }),
  // A topic just created or a leader moving settles in seconds; a minute covers a broker restart.
  INGEST_STARTUP_TIMEOUT_MS: env.int(60_000, { min: 0 }),
  INGEST_LOG_LEVEL: env.enumOf(["debug", "info", "warn", "error"], "info"),
  // The commit the image was built from (deploy/docker/Dockerfile sets it); only wikistream_build_info reads it.
  WIKISTREAM_REVISION: env.string("unknown"),
});

export interface IngestConfig {
  streamUrl: string;
  streams: StreamName[];
  userAgent: string;
  since: string | undefined;
  startPolicy: "resume" | "since" | "latest";
  topicPrefix: string;
  topicPartitions: number;
  dlqTopic: string;
  kafkaBrokers: string[];
  kafkaClientId: string;
  httpHost: string;
  httpPort: number;
  stallTimeoutMs: number;
  reconnectInitialMs: number;
  reconnectMaxMs: number;
  serverDelayMaxMs: number;
  maxEventBytes: number;
  batchSize: number;
  lingerMs: number;
  bufferSize: number;
  /** The size of a batch at most (value + key characters); a single larger record is sent alone. */
  batchBytes: number;
  /** The size of the records held at most; reading stops beyond it (as beyond bufferSize). */
  bufferBytes: number;
  drainTimeoutMs: number;
  /** INGEST_GC_EXTERNAL_BYTES: external memory growth after which a major collection is asked for; 0 off. */
  gcExternalBytes: number;
  startupTimeoutMs: number;
  /** TLS and SASL for every Kafka connection; secrets already read from their files. */
  kafkaSecurity: KafkaConnectionSettings;
  /** Replication of the topics ingest creates (unset: the broker's defaults). */
  topicSettings: KafkaTopicSettings;
  logLevel: "debug" | "info" | "warn" | "error";
  /** WIKISTREAM_REVISION, for wikistream_build_info. */
  revision: string;
}

const invalid = (variable: string, value: unknown, expected: string) =>
  invalidSetting("ingest", variable, value, expected);

function parseSince(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  // EventStreams takes ms since the epoch or anything Date.parse accepts; reject what it would 400 on.
  if (/^\d+$/.test(value) || !Number.isNaN(Date.parse(value))) return value;
  throw invalid("INGEST_SINCE", value, "expected an ISO-8601 time or epoch milliseconds");
}

export function loadIngestConfig(source: Record<string, string | undefined>): Readonly<IngestConfig> {
  const raw = loadConfig("ingest", ingestEnvSchema, source);
  const streams = raw.INGEST_STREAMS.map((name) => {
    const stream = resolveStream(name);
    if (!stream) {
      throw invalid("INGEST_STREAMS", name, `unknown stream; known: ${knownStreamNames.join(", ")}`);
    }
    return stream;
  });
  refuseUnsafeCombinations(raw, streams);
  const kafkaSecurity = kafkaConnectionFromEnv("ingest", raw);
  const topicSettings = kafkaTopicSettingsFromEnv("ingest", raw);
  return Object.freeze({
    kafkaSecurity,
    topicSettings,
    streamUrl: raw.INGEST_STREAM_URL.replace(/\/+$/, ""),
    streams: [...new Set(streams)],
    userAgent: raw.INGEST_USER_AGENT,
    since: parseSince(raw.INGEST_SINCE),
    startPolicy: raw.INGEST_START_POLICY,
    topicPrefix: raw.INGEST_TOPIC_PREFIX,
    topicPartitions: raw.INGEST_TOPIC_PARTITIONS,
    dlqTopic: raw.INGEST_DLQ_TOPIC,
    kafkaBrokers: raw.KAFKA_BROKERS,
    kafkaClientId: raw.KAFKA_CLIENT_ID,
    httpHost: raw.INGEST_HTTP_HOST,
    httpPort: raw.INGEST_HTTP_PORT,
    stallTimeoutMs: raw.INGEST_STALL_TIMEOUT_MS,
    reconnectInitialMs: raw.INGEST_RECONNECT_INITIAL_MS,
    reconnectMaxMs: raw.INGEST_RECONNECT_MAX_MS,
    serverDelayMaxMs: raw.INGEST_SERVER_DELAY_MAX_MS,
    maxEventBytes: raw.INGEST_MAX_EVENT_BYTES,
    batchSize: raw.INGEST_BATCH_SIZE,
    lingerMs: raw.INGEST_LINGER_MS,
    bufferSize: raw.INGEST_BUFFER_SIZE,
    batchBytes: raw.INGEST_BATCH_BYTES,
    bufferBytes: raw.INGEST_BUFFER_BYTES,
    drainTimeoutMs: raw.INGEST_DRAIN_TIMEOUT_MS,
    gcExternalBytes: raw.INGEST_GC_EXTERNAL_BYTES,
    startupTimeoutMs: raw.INGEST_STARTUP_TIMEOUT_MS,
    logLevel: raw.INGEST_LOG_LEVEL,
    revision: raw.WIKISTREAM_REVISION,
  });
}

type RawIngestEnv = z.infer<typeof ingestEnvSchema>;

/** Settings each valid alone but not together. */
function refuseUnsafeCombinations(raw: RawIngestEnv, streams: readonly StreamName[]): void {
  if (raw.INGEST_RECONNECT_MAX_MS < raw.INGEST_RECONNECT_INITIAL_MS) {
    throw invalid(
      "INGEST_RECONNECT_MAX_MS",
      raw.INGEST_RECONNECT_MAX_MS,
      "must be >= INGEST_RECONNECT_INITIAL_MS",
    );
  }
  if (raw.INGEST_START_POLICY === "since" && raw.INGEST_SINCE === undefined) {
    throw invalid("INGEST_START_POLICY", "since", "needs INGEST_SINCE (an ISO-8601 time or epoch ms)");
  }
  if (raw.INGEST_BUFFER_SIZE < raw.INGEST_BATCH_SIZE) {
    throw invalid(
      "INGEST_BUFFER_SIZE",
      raw.INGEST_BUFFER_SIZE,
      `must be >= INGEST_BATCH_SIZE (${raw.INGEST_BATCH_SIZE})`,
    );
  }
  if (raw.INGEST_BUFFER_BYTES < raw.INGEST_BATCH_BYTES) {
    throw invalid(
      "INGEST_BUFFER_BYTES",
      raw.INGEST_BUFFER_BYTES,
      `must be >= INGEST_BATCH_BYTES (${raw.INGEST_BATCH_BYTES})`,
    );
  }
  const streamTopics = streams.map((stream) => topicForStream(raw.INGEST_TOPIC_PREFIX, stream));
  if (streamTopics.includes(raw.INGEST_DLQ_TOPIC)) {
    throw invalid(
      "INGEST_DLQ_TOPIC",
      raw.INGEST_DLQ_TOPIC,
      "must not be one of the stream topics (INGEST_TOPIC_PREFIX + stream)",
    );
  }
}
