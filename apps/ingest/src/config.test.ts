import { ConfigError } from "@wikistream/config";
import { describe, expect, it } from "vitest";
import { loadIngestConfig } from "./config.ts";

describe("loadIngestConfig", () => {
  it("defaults to the live recentchange stream and the local broker", () => {
    const config = loadIngestConfig({});
    expect(config.streamUrl).toBe("https://stream.wikimedia.org/v2/stream");
    expect(config.streams).toEqual(["mediawiki.recentchange"]);
    expect(config.kafkaBrokers).toEqual(["127.0.0.1:9092"]);
    expect(config.userAgent).toMatch(/^wikistream\//);
    // The byte bounds the publisher has always applied: 1 MiB batches, 4 MiB held.
    expect([config.batchBytes, config.bufferBytes]).toEqual([1_048_576, 4_194_304]);
  });

  it("resolves stream aliases and removes repeats", () => {
    const config = loadIngestConfig({ INGEST_STREAMS: "recentchange,page_change,mediawiki.recentchange" });
    expect(config.streams).toEqual(["mediawiki.recentchange", "mediawiki.page_change.v1"]);
  });

  it.each([
    [{ INGEST_STREAMS: "nope" }, "INGEST_STREAMS"],
    [{ INGEST_SINCE: "yesterday-ish" }, "INGEST_SINCE"],
    [{ INGEST_HTTP_PORT: "http" }, "INGEST_HTTP_PORT"],
    [{ INGEST_STREAM_URL: "stream.wikimedia.org" }, "INGEST_STREAM_URL"],
    [{ INGEST_BATCH_SIZE: "100", INGEST_BUFFER_SIZE: "10" }, "INGEST_BUFFER_SIZE"],
    [{ INGEST_BATCH_BYTES: "2097152", INGEST_BUFFER_BYTES: "1048576" }, "INGEST_BUFFER_BYTES"],
    [{ INGEST_BATCH_BYTES: "100" }, "INGEST_BATCH_BYTES"],
    // Regression: a batch Kafka can never take used to be retried forever (100000 was accepted).
    [{ INGEST_BATCH_SIZE: "5001", INGEST_BUFFER_SIZE: "10000" }, "INGEST_BATCH_SIZE"],
    // Regression: dead letters used to be accepted into a stream topic, where the indexer reads them.
    [{ INGEST_DLQ_TOPIC: "wikistream.mediawiki.recentchange" }, "INGEST_DLQ_TOPIC"],
    [
      {
        INGEST_STREAMS: "recentchange,page_change",
        INGEST_TOPIC_PREFIX: "x.",
        INGEST_DLQ_TOPIC: "x.mediawiki.page_change.v1",
      },
      "INGEST_DLQ_TOPIC",
    ],
  ])("names the variable at fault: %o", (env, variable) => {
    expect(() => loadIngestConfig(env)).toThrow(ConfigError);
    expect(() => loadIngestConfig(env)).toThrow(variable);
  });

  it("accepts since as epoch ms or ISO-8601", () => {
    expect(loadIngestConfig({ INGEST_SINCE: "1690617099000" }).since).toBe("1690617099000");
    expect(loadIngestConfig({ INGEST_SINCE: "2023-07-29T07:51:00Z" }).since).toBe("2023-07-29T07:51:00Z");
  });
});

describe("Kafka security and topic replication (shared with the indexer)", () => {
  it("resolves SCRAM over TLS with the password read from its file, and never shows it", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "ingest-config-"));
    writeFileSync(join(dir, "password"), "s3cret-value\n");
    const config = loadIngestConfig({
      KAFKA_SSL: "true",
      KAFKA_SASL_MECHANISM: "SCRAM-SHA-512",
      KAFKA_SASL_USERNAME: "wikistream",
      KAFKA_SASL_PASSWORD_FILE: join(dir, "password"),
      KAFKA_TOPIC_REPLICATION_FACTOR: "3",
      KAFKA_TOPIC_MIN_INSYNC_REPLICAS: "2",
    });
    expect(config.kafkaSecurity.sasl).toEqual({
      mechanism: "scram-sha-512",
      username: "wikistream",
      password: "s3cret-value",
    });
    expect(config.topicSettings).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
  });

  it("refuses SASL credentials over plaintext, naming KAFKA_SSL, without echoing the password", () => {
    const attempt = () =>
      loadIngestConfig({
        KAFKA_SASL_MECHANISM: "plain",
        KAFKA_SASL_USERNAME: "u",
        KAFKA_SASL_PASSWORD: "pw-123",
      });
    expect(attempt).toThrow(/KAFKA_SSL/);
    expect(() => attempt()).not.toThrow(/pw-123/);
  });
});
