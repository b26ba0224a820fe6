import {
  env,
  kafkaConnectionEnv,
  kafkaTopicEnv,
  openSearchConnectionEnv,
  openSearchUrlsEnv,
} from "@wikistream/config";
import { z } from "zod";
import { indexBuckets } from "./index/names.ts";

/** Every variable the indexer reads, with its default; `.env.example` lists the same. */
export const indexerEnvSchema = z.object({
  KAFKA_BROKERS: env.list("127.0.0.1:9092"),
  // TLS, SASL and topic replication: the same variables as ingest (packages/config).
  ...kafkaConnectionEnv,
  ...kafkaTopicEnv,
  // One node URL or several, comma-separated (the client spreads requests and skips dead nodes).
  OPENSEARCH_URL: openSearchUrlsEnv("http://127.0.0.1:9200"),
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
  // true: with no bulk request in flight, a partial batch goes out at once (Nagle-like), the linger only
  // gathers what arrives while a request is out. Off by default: on the 2 shared cores it made live
  // freshness worse, not better (more, smaller bulk requests; bench/results/2026-12-02-*-first-*).
  INDEXER_SEND_WHEN_IDLE: env.bool(false),
  // The most bulk requests in flight; with INDEXER_BULK_CONCURRENCY_ADAPTIVE the number in flight starts
  // at one and follows OpenSearch's answers (AIMD, delivery/concurrency.ts) up to this.
  INDEXER_BULK_CONCURRENCY: env.int(4, { min: 1, max: 64 }),
  INDEXER_BULK_CONCURRENCY_ADAPTIVE: env.bool(true),
  INDEXER_BULK_TIMEOUT_MS: env.int(30_000, { min: 100 }),
  INDEXER_MAX_PENDING_PER_PARTITION: env.int(5000, { min: 1 }),
  // Bytes of documents held (queued, in flight, waiting for a retry) at which every partition pauses.
  INDEXER_MAX_BUFFERED_BYTES: env.int(16 * 1_048_576, { min: 1_048_576 }),
  // A major garbage collection each time Buffers have grown by this much (0: V8's own pace, which lets
  // ~64 MB of them pile up); @wikistream/runtime external-memory.ts.
  INDEXER_GC_EXTERNAL_BYTES: env.int(16 * 1_048_576, { min: 0 }),
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
  // The commit the image was built from (deploy/docker/Dockerfile sets it); only wikistream_build_info reads it.
  WIKISTREAM_REVISION: env.string("unknown"),
});
