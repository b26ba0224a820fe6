import {
  ConfigError,
  type KafkaConnectionSettings,
  type KafkaTopicSettings,
  kafkaConnectionFromEnv,
  kafkaTopicSettingsFromEnv,
  loadConfig,
  type OpenSearchConnectionSettings,
  openSearchConnectionFromEnv,
} from "@wikistream/config";
import { checkCombinations, topicsOf } from "./config-checks.ts";
import { indexerEnvSchema } from "./config-schema.ts";
import type { IndexBucket, IndexedStream } from "./index/names.ts";

// The variable table and the cross-variable checks live in their own modules; re-exported for importers.
export { streamOfTopic } from "./config-checks.ts";
export { indexerEnvSchema } from "./config-schema.ts";

export interface IndexerConfig {
  kafkaBrokers: string[];
  kafkaClientId: string;
  /** OPENSEARCH_URL's node URLs as given (a single URL may carry credentials: show with displayUrl). */
  opensearchUrl: readonly string[];
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
  /** INDEXER_SEND_WHEN_IDLE: a partial batch goes out at once while no bulk request is in flight. */
  sendWhenIdle: boolean;
  bulkConcurrency: number;
  bulkConcurrencyAdaptive: boolean;
  bulkTimeoutMs: number;
  /** INDEXER_MAX_PENDING_PER_PARTITION: records after the committable offset, finished or not. */
  maxUncommittedPerPartition: number;
  /** INDEXER_MAX_BUFFERED_BYTES: documents held, in bytes, at which every partition pauses. */
  maxBufferedBytes: number;
  /** INDEXER_GC_EXTERNAL_BYTES: external memory growth after which a major collection is asked for; 0 off. */
  gcExternalBytes: number;
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
  /** WIKISTREAM_REVISION, for wikistream_build_info. */
  revision: string;
  /** Deprecated variable names this configuration was given (logged as a warning at start). */
  deprecatedVariables: readonly string[];
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
    sendWhenIdle: raw.INDEXER_SEND_WHEN_IDLE,
    bulkConcurrency: raw.INDEXER_BULK_CONCURRENCY,
    bulkConcurrencyAdaptive: raw.INDEXER_BULK_CONCURRENCY_ADAPTIVE,
    bulkTimeoutMs: raw.INDEXER_BULK_TIMEOUT_MS,
    maxUncommittedPerPartition: raw.INDEXER_MAX_PENDING_PER_PARTITION,
    maxBufferedBytes: raw.INDEXER_MAX_BUFFERED_BYTES,
    gcExternalBytes: raw.INDEXER_GC_EXTERNAL_BYTES,
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
    revision: raw.WIKISTREAM_REVISION,
    deprecatedVariables: Object.freeze(used.map((alias) => `${alias} (use ${deprecatedAliases[alias]})`)),
  });
}
