import {
  ConfigError,
  env,
  invalidSetting,
  type KafkaConnectionSettings,
  type KafkaTopicSettings,
  kafkaConnectionEnv,
  kafkaConnectionFromEnv,
  kafkaTopicEnv,
  kafkaTopicSettingsFromEnv,
  loadConfig,
  type OpenSearchConnectionSettings,
  openSearchConnectionEnv,
  openSearchConnectionFromEnv,
} from "@wikistream/config";
import { resolveStream } from "@wikistream/events";
import { z } from "zod";
import { type IndexBucket, type IndexedStream, indexBuckets, isIndexedStream } from "./index/names.ts";

/** Every variable the indexer reads, with its default; `.env.example` lists the same. */
export const indexerEnvSchema = z.object({
  KAFKA_BROKERS: env.list("127.0.0.1:9092"),
  // TLS, SASL and topic replication: the same variables as ingest (packages/config).
  ...kafkaConnectionEnv,
  ...kafkaTopicEnv,
  OPENSEARCH_URL: env.url("http://127.0.0.1:9200"),
  // Basic auth or AWS SigV4, TLS files, *_FILE secrets; credentials over http:// refused unless allowed.
  ...openSearchConnectionEnv,
  INDEXER_CLIENT_ID: env.string("wikistream-indexer"),
  INDEXER_GROUP_ID: env.string("wikistream-indexer"),
  INDEXER_TOPICS: env.list("wikistream.mediawiki.recentchange,wikistream.mediawiki.page_change.v1"),
  INDEXER_TOPIC_PREFIX: env.string("wikistream."),
  INDEXER_TOPIC_PARTITIONS: env.int(3, { min: 1, max: 1000 }),
  INDEXER_DLQ_TOPIC: env.string("wikistream.indexer.dlq"),
  // Never skip the backlog: a new group starts at the oldest record Kafka still holds.
  INDEXER_FROM_BEGINNING: env.bool(true),
  INDEXER_SESSION_TIMEOUT_MS: env.int(30_000, { min: 6_000, max: 300_000 }),
  // A fetch is decoded whole before the first of it is sent: 256 KiB of gzip batches a partition keeps
  // it to about a thousand records (the first document searchable sooner, less memory per fetch).
  INDEXER_MAX_BYTES_PER_PARTITION: env.int(262_144, { min: 1024 }),
  INDEXER_FETCH_MAX_WAIT_MS: env.int(500, { min: 10, max: 30_000 }),
  INDEXER_INDEX_PREFIX: env.string("wikistream"),
  INDEXER_INDEX_BUCKET: env.enumOf(indexBuckets, "month"),
  INDEXER_INDEX_SHARDS: env.int(1, { min: 1, max: 1024 }),
  INDEXER_INDEX_REPLICAS: env.int(1, { min: 0, max: 16 }),
  // meta.dt picks the index: older events (or ones further ahead) are dead-lettered, so that no
  // record can create an index outside this window. 5 years covers any replay of a retained topic.
  INDEXER_EVENT_MAX_AGE_DAYS: env.int(1830, { min: 1, max: 36_600 }),
  INDEXER_EVENT_MAX_FUTURE_MS: env.int(600_000, { min: 0, max: 7 * 86_400_000 }),
  INDEXER_REFRESH_INTERVAL: z
    .string()
    .trim()
    .regex(/^(-1|\d+(ms|s|m|h))$/, "expected an OpenSearch time value such as 1s, 500ms, 30s or -1")
    .default("1s"),
  INDEXER_BULK_MAX_DOCS: env.int(1000, { min: 1, max: 100_000 }),
  INDEXER_BULK_MAX_BYTES: env.int(5_242_880, { min: 1024, max: 100 * 1_048_576 }),
  // How long the oldest queued operation waits for a fuller bulk request (ingest: INGEST_LINGER_MS).
  INDEXER_LINGER_MS: env.int(200, { min: 0, max: 60_000 }),
  // The most bulk requests in flight; with INDEXER_BULK_CONCURRENCY_ADAPTIVE the number in flight starts
  // at one and follows OpenSearch's answers (AIMD, delivery/concurrency.ts) up to this.
  INDEXER_BULK_CONCURRENCY: env.int(4, { min: 1, max: 64 }),
  INDEXER_BULK_CONCURRENCY_ADAPTIVE: env.bool(true),
  INDEXER_BULK_TIMEOUT_MS: env.int(30_000, { min: 100 }),
  INDEXER_MAX_PENDING_PER_PARTITION: env.int(5000, { min: 1 }),
  // Bytes of documents held (queued, in flight, waiting for a retry) at which every partition pauses.
  INDEXER_MAX_BUFFERED_BYTES: env.int(16 * 1_048_576, { min: 1_048_576 }),
  INDEXER_RETRY_INITIAL_MS: env.int(200, { min: 1 }),
  INDEXER_RETRY_MAX_MS: env.int(30_000, { min: 1 }),
  INDEXER_MAX_ITEM_ATTEMPTS: env.int(10, { min: 1, max: 1000 }),
  INDEXER_COMMIT_INTERVAL_MS: env.int(1000, { min: 10 }),
  // How often the lag metric is read from the broker (committed offsets against high watermarks).
  INDEXER_LAG_INTERVAL_MS: env.int(15_000, { min: 100, max: 600_000 }),
  INDEXER_DRAIN_TIMEOUT_MS: env.int(30_000, { min: 0 }),
  // A topic just created, a leader moving or a node still starting settles in seconds; a minute
  // covers a restart of the cluster around us.
  INDEXER_STARTUP_TIMEOUT_MS: env.int(60_000, { min: 0 }),
  INDEXER_HTTP_HOST: env.string("127.0.0.1"),
  INDEXER_HTTP_PORT: env.port(8082),
  INDEXER_LOG_LEVEL: env.enumOf(["debug", "info", "warn", "error"], "info"),
});

export interface IndexerConfig {
  kafkaBrokers: string[];
  kafkaClientId: string;
  opensearchUrl: string;
  opensearchUsername: string | undefined;
  opensearchPassword: string | undefined;
  /** The URL without credentials, TLS and auth for createOpenSearch; secrets read from their files. */
  opensearch: OpenSearchConnectionSettings;
  /** TLS and SASL for every Kafka connection. */
  kafkaSecurity: KafkaConnectionSettings;
  /** Replication of the topics the indexer creates (unset: the broker's defaults). */
  topicSettings: KafkaTopicSettings;
  groupId: string;
  /** Input topics, each with the stream its records belong to when a record has no stream header. */
  topics: { topic: string; stream: IndexedStream }[];
  topicPrefix: string;
  topicPartitions: number;
  dlqTopic: string;
  fromBeginning: boolean;
  sessionTimeoutMs: number;
  maxBytesPerPartition: number;
  fetchMaxWaitMs: number;
  indexPrefix: string;
  indexBucket: IndexBucket;
  indexShards: number;
  indexReplicas: number;
  refreshInterval: string;
  eventMaxAgeDays: number;
  eventMaxFutureMs: number;
  bulkMaxDocs: number;
  bulkMaxBytes: number;
  lingerMs: number;
  bulkConcurrency: number;
  bulkConcurrencyAdaptive: boolean;
  bulkTimeoutMs: number;
  /** INDEXER_MAX_PENDING_PER_PARTITION: records after the committable offset, finished or not. */
  maxUncommittedPerPartition: number;
  /** INDEXER_MAX_BUFFERED_BYTES: documents held, in bytes, at which every partition pauses. */
  maxBufferedBytes: number;
  retryInitialMs: number;
  retryMaxMs: number;
  maxItemAttempts: number;
  commitIntervalMs: number;
  lagIntervalMs: number;
  drainTimeoutMs: number;
  startupTimeoutMs: number;
  httpHost: string;
  httpPort: number;
  logLevel: "debug" | "info" | "warn" | "error";
  /** Deprecated variable names this configuration was given (logged as a warning at start). */
  deprecatedVariables: readonly string[];
}

const invalid = (variable: string, value: unknown, expected: string) =>
  invalidSetting("indexer", variable, value, expected);

// Index names must be lowercase and must not start with -, _ or +.
const indexPrefixPattern = /^[a-z0-9][a-z0-9._-]*$/;

/** Topic → stream by the naming rule `<prefix><canonical stream>`; only streams with a mapping are accepted. */
export function streamOfTopic(topic: string, prefix: string): IndexedStream | undefined {
  const name = topic.startsWith(prefix) ? topic.slice(prefix.length) : topic;
  const stream = resolveStream(name);
  return stream !== undefined && isIndexedStream(stream) ? stream : undefined;
}

/** Former names still accepted, each → its current name; the current name wins when both are set. */
export const deprecatedAliases = { INDEXER_FLUSH_INTERVAL_MS: "INDEXER_LINGER_MS" } as const;

/** The environment with each deprecated alias moved to its current name, and the aliases in use. */
function resolveAliases(source: Record<string, string | undefined>): {
  env: Record<string, string | undefined>;
  used: (keyof typeof deprecatedAliases)[];
} {
  const env = { ...source };
  const used: (keyof typeof deprecatedAliases)[] = [];
  for (const [alias, current] of Object.entries(deprecatedAliases) as [
    keyof typeof deprecatedAliases,
    string,
  ][]) {
    const value = source[alias];
    if (value === undefined || value === "") continue;
    used.push(alias);
    if (env[current] === undefined || env[current] === "") env[current] = value;
  }
  return { env, used };
}

/** loadConfig, naming a bad value by the alias it was given under. */
function parseEnv(source: Record<string, string | undefined>) {
  const { env, used } = resolveAliases(source);
  try {
    return { raw: loadConfig("indexer", indexerEnvSchema, env), used };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const givenAs = (variable: string) =>
      used.find((alias) => deprecatedAliases[alias] === variable && source[variable] !== env[variable]);
    throw new ConfigError(
      "indexer",
      error.problems.map((problem) => {
        const alias = givenAs(problem.variable);
        return alias
          ? { ...problem, variable: `${alias} (deprecated name of ${problem.variable})` }
          : problem;
      }),
    );
  }
}

type RawConfig = z.infer<typeof indexerEnvSchema>;

/** Input topics, each with the stream it carries by the naming rule. */
function topicsOf(raw: RawConfig): IndexerConfig["topics"] {
  return [...new Set(raw.INDEXER_TOPICS)].map((topic) => {
    const stream = streamOfTopic(topic, raw.INDEXER_TOPIC_PREFIX);
    if (!stream) {
      throw invalid(
        "INDEXER_TOPICS",
        topic,
        `expected ${raw.INDEXER_TOPIC_PREFIX}<stream> for a stream with an index mapping (mediawiki.recentchange, mediawiki.page_change.v1)`,
      );
    }
    return { topic, stream };
  });
}

/** Rules across variables, after each variable parsed on its own. */
function checkCombinations(raw: RawConfig, topics: IndexerConfig["topics"]): void {
  if (topics.some(({ topic }) => topic === raw.INDEXER_DLQ_TOPIC)) {
    throw invalid("INDEXER_DLQ_TOPIC", raw.INDEXER_DLQ_TOPIC, "must not be one of INDEXER_TOPICS");
  }
  if (!indexPrefixPattern.test(raw.INDEXER_INDEX_PREFIX)) {
    throw invalid(
      "INDEXER_INDEX_PREFIX",
      raw.INDEXER_INDEX_PREFIX,
      "expected lowercase letters, digits, . _ -",
    );
  }
  if (raw.INDEXER_FETCH_MAX_WAIT_MS * 3 >= raw.INDEXER_SESSION_TIMEOUT_MS) {
    // kafkajs heartbeats only between fetches: a long fetch wait lets the session expire.
    throw invalid(
      "INDEXER_FETCH_MAX_WAIT_MS",
      raw.INDEXER_FETCH_MAX_WAIT_MS,
      `must be < INDEXER_SESSION_TIMEOUT_MS / 3 (${Math.ceil(raw.INDEXER_SESSION_TIMEOUT_MS / 3)}): kafkajs heartbeats only between fetches`,
    );
  }
  if (raw.INDEXER_RETRY_MAX_MS < raw.INDEXER_RETRY_INITIAL_MS) {
    throw invalid("INDEXER_RETRY_MAX_MS", raw.INDEXER_RETRY_MAX_MS, "must be >= INDEXER_RETRY_INITIAL_MS");
  }
}

// A flat mapping from variable to field, one line each: longer than a screen, read as a table.
export function loadIndexerConfig(source: Record<string, string | undefined>): Readonly<IndexerConfig> {
  const { raw, used } = parseEnv(source);
  const topics = topicsOf(raw);
  checkCombinations(raw, topics);
  const opensearch = openSearchConnectionFromEnv("indexer", raw.OPENSEARCH_URL, raw);
  const basic = opensearch.auth?.kind === "basic" ? opensearch.auth : undefined;
  return Object.freeze({
    opensearch,
    kafkaSecurity: kafkaConnectionFromEnv("indexer", raw),
    topicSettings: kafkaTopicSettingsFromEnv("indexer", raw),
    kafkaBrokers: raw.KAFKA_BROKERS,
    kafkaClientId: raw.INDEXER_CLIENT_ID,
    opensearchUrl: raw.OPENSEARCH_URL,
    opensearchUsername: basic?.username,
    opensearchPassword: basic?.password,
    groupId: raw.INDEXER_GROUP_ID,
    topics,
    topicPrefix: raw.INDEXER_TOPIC_PREFIX,
    topicPartitions: raw.INDEXER_TOPIC_PARTITIONS,
    dlqTopic: raw.INDEXER_DLQ_TOPIC,
    fromBeginning: raw.INDEXER_FROM_BEGINNING,
    sessionTimeoutMs: raw.INDEXER_SESSION_TIMEOUT_MS,
    maxBytesPerPartition: raw.INDEXER_MAX_BYTES_PER_PARTITION,
    fetchMaxWaitMs: raw.INDEXER_FETCH_MAX_WAIT_MS,
    indexPrefix: raw.INDEXER_INDEX_PREFIX,
    indexBucket: raw.INDEXER_INDEX_BUCKET,
    indexShards: raw.INDEXER_INDEX_SHARDS,
    indexReplicas: raw.INDEXER_INDEX_REPLICAS,
    refreshInterval: raw.INDEXER_REFRESH_INTERVAL,
    eventMaxAgeDays: raw.INDEXER_EVENT_MAX_AGE_DAYS,
    eventMaxFutureMs: raw.INDEXER_EVENT_MAX_FUTURE_MS,
    bulkMaxDocs: raw.INDEXER_BULK_MAX_DOCS,
    bulkMaxBytes: raw.INDEXER_BULK_MAX_BYTES,
    lingerMs: raw.INDEXER_LINGER_MS,
    bulkConcurrency: raw.INDEXER_BULK_CONCURRENCY,
    bulkConcurrencyAdaptive: raw.INDEXER_BULK_CONCURRENCY_ADAPTIVE,
    bulkTimeoutMs: raw.INDEXER_BULK_TIMEOUT_MS,
    maxUncommittedPerPartition: raw.INDEXER_MAX_PENDING_PER_PARTITION,
    maxBufferedBytes: raw.INDEXER_MAX_BUFFERED_BYTES,
    retryInitialMs: raw.INDEXER_RETRY_INITIAL_MS,
    retryMaxMs: raw.INDEXER_RETRY_MAX_MS,
    maxItemAttempts: raw.INDEXER_MAX_ITEM_ATTEMPTS,
    commitIntervalMs: raw.INDEXER_COMMIT_INTERVAL_MS,
    lagIntervalMs: raw.INDEXER_LAG_INTERVAL_MS,
    drainTimeoutMs: raw.INDEXER_DRAIN_TIMEOUT_MS,
    startupTimeoutMs: raw.INDEXER_STARTUP_TIMEOUT_MS,
    httpHost: raw.INDEXER_HTTP_HOST,
    httpPort: raw.INDEXER_HTTP_PORT,
    logLevel: raw.INDEXER_LOG_LEVEL,
    deprecatedVariables: Object.freeze(used.map((alias) => `${alias} (use ${deprecatedAliases[alias]})`)),
  });
}
