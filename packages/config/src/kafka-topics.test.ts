import { describe, expect, it } from "vitest";
import { z } from "zod";
import { kafkaTopicEnv, kafkaTopicSettingsFromEnv } from "./kafka-topics.ts";
import { loadConfig } from "./load.ts";

const resolve = (source: Record<string, string>) =>
  kafkaTopicSettingsFromEnv("ingest", loadConfig("ingest", z.object(kafkaTopicEnv), source));

describe("kafkaTopicSettingsFromEnv", () => {
  it("leaves both to the broker by default", () => {
    expect(resolve({ KAFKA_TOPIC_REPLICATION_FACTOR: "" })).toEqual({
      replicationFactor: undefined,
      minInsyncReplicas: undefined,
    });
  });
  it("parses both", () => {
    expect(resolve({ KAFKA_TOPIC_REPLICATION_FACTOR: "3", KAFKA_TOPIC_MIN_INSYNC_REPLICAS: "2" })).toEqual({
      replicationFactor: 3,
      minInsyncReplicas: 2,
    });
  });
  it("refuses a min ISR above the replication factor, and zero", () => {
    expect(() =>
      resolve({ KAFKA_TOPIC_REPLICATION_FACTOR: "1", KAFKA_TOPIC_MIN_INSYNC_REPLICAS: "2" }),
    ).toThrow(/KAFKA_TOPIC_MIN_INSYNC_REPLICAS="2": must not exceed KAFKA_TOPIC_REPLICATION_FACTOR \(1\)/);
    expect(() => resolve({ KAFKA_TOPIC_REPLICATION_FACTOR: "0" })).toThrow(
      /KAFKA_TOPIC_REPLICATION_FACTOR="0"/,
    );
  });
});
