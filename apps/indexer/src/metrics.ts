import { buildInfo, createRegistry, freshnessBuckets, latencyBuckets } from "@wikistream/metrics";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import packageJson from "../package.json" with { type: "json" };

// 1 KiB … 64 MiB, by powers of 4.
const byteBuckets = [1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304, 16_777_216, 67_108_864];
const documentBuckets = [1, 5, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10_000];

/**
 * Every metric of the indexer app, declared once; hot code only calls inc/set/observe. One
 * declaration per metric, longer than a screen: read it as a table. Names follow Prometheus' naming
 * (base unit last, `_total` on counters; metrics.test.ts checks); `wikistream_build_info` says which
 * build runs (`revision`: WIKISTREAM_REVISION, else "unknown").
 */
export function createIndexerMetrics(
  options: { defaultMetrics?: boolean; instance?: string; revision?: string } = {},
) {
  const registry: Registry = createRegistry({
    defaultMetrics: options.defaultMetrics,
    build: buildInfo({ version: packageJson.version, revision: options.revision }),
    ...(options.instance ? { instance: options.instance } : {}),
  });
  const registers = [registry];
  return {
    registry,
    records: new Counter({
      name: "wikistream_indexer_records_consumed_total",
      help: "Kafka records handed to the pipeline, by topic.",
      labelNames: ["topic"],
      registers,
    }),
    documents: new Counter({
      name: "wikistream_indexer_documents_total",
      help: "Per-record outcomes: indexed, retried (one count per resend), dead_lettered or skipped, by reason (the dead-letter reason, the retry cause, canary).",
      labelNames: ["result", "reason"],
      registers,
    }),
    bulkDuration: new Histogram({
      name: "wikistream_indexer_bulk_request_duration_seconds",
      help: "Time of one _bulk request until its answer (or failure), by outcome (ok, items, retry, reject).",
      labelNames: ["outcome"],
      buckets: latencyBuckets,
      registers,
    }),
    bulkBytes: new Histogram({
      name: "wikistream_indexer_bulk_request_bytes",
      help: "Body size of _bulk requests.",
      buckets: byteBuckets,
      registers,
    }),
    bulkDocuments: new Histogram({
      name: "wikistream_indexer_bulk_request_documents",
      help: "Operations per _bulk request.",
      buckets: documentBuckets,
      registers,
    }),
    bulkInFlight: new Gauge({
      name: "wikistream_indexer_bulk_requests_in_flight",
      help: "_bulk requests sent and not yet answered.",
      registers,
    }),
    freshness: new Histogram({
      name: "wikistream_indexer_freshness_seconds",
      help: "Index acknowledgement time minus the event's meta.dt, by stream.",
      labelNames: ["stream"],
      buckets: freshnessBuckets,
      registers,
    }),
    topicDurabilityWarnings: new Gauge({
      name: "wikistream_indexer_topic_durability_warnings",
      help: "1 for each topic the indexer uses that is less durable than the cluster allows, checked at start: kind single_replica (replication factor 1 on a cluster of more brokers) or low_min_isr (min.insync.replicas < 2 under acks=all).",
      labelNames: ["topic", "kind"],
      registers,
    }),
    lag: new Gauge({
      name: "wikistream_indexer_consumer_lag_records",
      help: "Records in the partition after the last committed offset (high watermark minus committed offset).",
      labelNames: ["topic", "partition"],
      registers,
    }),
    committedOffset: new Gauge({
      name: "wikistream_indexer_committed_offset",
      help: "Last offset committed by this instance, per partition (the next record to read).",
      labelNames: ["topic", "partition"],
      registers,
    }),
    pending: new Gauge({
      name: "wikistream_indexer_pending_records",
      help: "Records consumed and not yet finished (indexed, dead-lettered or skipped).",
      registers,
    }),
    pausedPartitions: new Gauge({
      name: "wikistream_indexer_paused_partitions",
      help: "Partitions paused for backpressure (too many pending records, or records waiting for a retry).",
      registers,
    }),
    assignedPartitions: new Gauge({
      name: "wikistream_indexer_assigned_partitions",
      help: "Partitions assigned to this instance.",
      registers,
    }),
    rebalances: new Counter({
      name: "wikistream_indexer_rebalances_total",
      help: "Consumer group rebalances this instance took part in.",
      registers,
    }),
    commits: new Counter({
      name: "wikistream_indexer_offset_commits_total",
      help: "Offset commits, by result (ok, failed, skipped: the consumer was not running, nothing committed).",
      labelNames: ["result"],
      registers,
    }),
    consumerCrashes: new Counter({
      name: "wikistream_indexer_consumer_crashes_total",
      help: "kafkajs consumer crashes, by whether kafkajs restarts the consumer by itself (true) or gave up (false).",
      labelNames: ["restart"],
      registers,
    }),
    clusterRefusals: new Counter({
      name: "wikistream_indexer_cluster_refusals_total",
      help: "Documents OpenSearch refused because of the cluster's state (a write block, read_only_allow_delete after a full disk, missing permissions, a missing or closed index, the shard limit), by OpenSearch's error type. They wait with their partition paused and are retried, never dead-lettered.",
      labelNames: ["reason"],
      registers,
    }),
    deadLetterBlocked: new Gauge({
      name: "wikistream_indexer_dlq_blocked",
      help: "1 while Kafka refuses the dead letters in a way resending cannot fix by itself (authorization, INVALID_TIMESTAMP, …), by Kafka's error code; /readyz answers 503 meanwhile. 0 once a send passes.",
      labelNames: ["code"],
      registers,
    }),
    authFailures: new Counter({
      name: "wikistream_indexer_auth_failures_total",
      help: "Attempts Kafka or OpenSearch refused for the indexer's credentials at run time (a rotated password, a removed ACL), by target (kafka, opensearch) and cause (authentication, authorization, unauthorized, forbidden). Not ready meanwhile; nothing is dead-lettered for it, and the indexer recovers by itself once the credentials are accepted again.",
      labelNames: ["target", "cause"],
      registers,
    }),
    errors: new Counter({
      name: "wikistream_indexer_errors_total",
      help: "Errors by code (see src/errors.ts); every error path increments this.",
      labelNames: ["code"],
      registers,
    }),
  };
}

export type IndexerMetrics = ReturnType<typeof createIndexerMetrics>;
