import { buildInfo, createRegistry, latencyBuckets } from "@wikistream/metrics";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import packageJson from "../package.json" with { type: "json" };

/**
 * Every metric of the ingest app, declared once; hot code only calls inc/set/observe. One entry a
 * metric, read as a table: long by design, with no logic to split. Names follow Prometheus' naming
 * (base unit last, `_total` on counters; metrics.test.ts checks); `wikistream_build_info` says which
 * build runs (`revision`: WIKISTREAM_REVISION, else "unknown").
 */
export function createIngestMetrics(options: { defaultMetrics?: boolean; revision?: string } = {}) {
  const registry: Registry = createRegistry({
    defaultMetrics: options.defaultMetrics,
    build: buildInfo({ version: packageJson.version, revision: options.revision }),
  });
  const registers = [registry];
  return {
    registry,
    eventsReceived: new Counter({
      name: "wikistream_ingest_events_received_total",
      help: "SSE event frames received, by stream (unknown for frames that did not decode).",
      labelNames: ["stream"],
      registers,
    }),
    eventsPublished: new Counter({
      name: "wikistream_ingest_events_published_total",
      help: "Events acknowledged by Kafka, by topic.",
      labelNames: ["topic"],
      registers,
    }),
    eventsDropped: new Counter({
      name: "wikistream_ingest_events_dropped_total",
      help: "Events not published to their stream topic, by reason (canary, duplicate, invalid_json, schema_violation, unexpected_stream, event_too_large, invalid_utf8, too_large). Rejections go to the dead-letter topic; duplicates are the overlap of a resume.",
      labelNames: ["reason"],
      registers,
    }),
    deadLettered: new Counter({
      name: "wikistream_ingest_dead_lettered_total",
      help: "Frames written to the dead-letter topic, by reason.",
      labelNames: ["reason"],
      registers,
    }),
    reconnects: new Counter({
      name: "wikistream_ingest_reconnects_total",
      help: "Stream disconnects, by reason (closed, unreachable, network, stalled, http_429, http_5xx; http_4xx is fatal).",
      labelNames: ["reason"],
      registers,
    }),
    bytes: new Counter({
      name: "wikistream_ingest_received_bytes_total",
      help: "Bytes read from the SSE stream.",
      registers,
    }),
    produceLatency: new Histogram({
      name: "wikistream_ingest_produce_duration_seconds",
      help: "Time from sending a batch to Kafka until it was acknowledged.",
      buckets: latencyBuckets,
      registers,
    }),
    produceErrors: new Counter({
      name: "wikistream_ingest_produce_errors_total",
      help: "Failed Kafka produce attempts, by Kafka error code (a batch refused as too large is split; others are kept and retried).",
      labelNames: ["code"],
      registers,
    }),
    produceBlocked: new Gauge({
      name: "wikistream_ingest_produce_blocked",
      help: "1 while Kafka refuses every send with an error retrying cannot fix (authorization, INVALID_TIMESTAMP, a sequence error a new producer did not clear), by Kafka error code; ingest is then not ready and retries slowly.",
      labelNames: ["code"],
      registers,
    }),
    authFailures: new Counter({
      name: "wikistream_ingest_auth_failures_total",
      help: "Produce attempts Kafka refused for ingest's credentials at run time, by target (kafka) and cause: authentication (a rotated password, an untrusted certificate) or authorization (a removed ACL). Ingest is not ready meanwhile, dead-letters nothing for it, and recovers by itself once Kafka accepts it again.",
      labelNames: ["target", "cause"],
      registers,
    }),
    topicDurabilityWarnings: new Gauge({
      name: "wikistream_ingest_topic_durability_warnings",
      help: "1 for each of ingest's topics less durable than the cluster allows, checked at start: kind single_replica (replication factor 1 on a cluster of more brokers) or low_min_isr (min.insync.replicas < 2 while ingest produces with acks=all).",
      labelNames: ["topic", "kind"],
      registers,
    }),
    bufferDepth: new Gauge({
      name: "wikistream_ingest_buffer_records",
      help: "Records received but not yet acknowledged by Kafka.",
      registers,
    }),
    secondsBehind: new Gauge({
      name: "wikistream_ingest_behind_seconds",
      help: "Seconds from meta.dt of the newest event acknowledged by Kafka until now, by stream.",
      labelNames: ["stream"],
      registers,
    }),
    starts: new Counter({
      name: "wikistream_ingest_starts_total",
      help: "Starts, by INGEST_START_POLICY and where they began: resume_id, resume_since (from Kafka), since (INGEST_SINCE), latest (the live edge, skipping what the stream holds), refused (the resume point is gone).",
      labelNames: ["policy", "from"],
      registers,
    }),
    connected: new Gauge({
      name: "wikistream_ingest_stream_connected",
      help: "1 while the SSE stream is connected and delivering.",
      registers,
    }),
  };
}

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;
