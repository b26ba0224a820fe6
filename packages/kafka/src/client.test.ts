import { createLogger } from "@wikistream/log";
import { describe, expect, it } from "vitest";
import { createKafka, isExpectedKafkaWarning, isExpectedMissingTopic, producerSettings } from "./client.ts";

describe("producerSettings", () => {
  it("defaults to an idempotent producer with acks=all and one request in flight", () => {
    expect(producerSettings()).toMatchObject({
      acks: -1,
      config: { idempotent: true, maxInFlightRequests: 1 },
    });
  });
  it("refuses an idempotent producer with weaker acks", () => {
    expect(() => producerSettings({ acks: 1 })).toThrow(/idempotent producer needs acks=-1/);
  });
  it("allows weaker acks when idempotence is off", () => {
    expect(producerSettings({ idempotent: false, acks: 1 })).toMatchObject({ acks: 1 });
  });
});

describe("isExpectedKafkaWarning", () => {
  it("silences only the deliberate limited-retries warning", () => {
    expect(
      isExpectedKafkaWarning("Limiting retries for the idempotent producer may invalidate EoS guarantees"),
    ).toBe(true);
    expect(isExpectedKafkaWarning("Connection error: connect ECONNREFUSED")).toBe(false);
  });
});

describe("isExpectedMissingTopic", () => {
  it("recognises only the metadata answer for a topic that does not exist yet", () => {
    const missing = { error: "This server does not host this topic-partition" };
    expect(isExpectedMissingTopic("Response Metadata(key: 3, version: 6)", missing)).toBe(true);
    expect(isExpectedMissingTopic("Response Produce(key: 0, version: 7)", missing)).toBe(false);
    const leader = {
      error: "There is no leader for this topic-partition as we are in the middle of a leadership election",
    };
    expect(isExpectedMissingTopic("Response Metadata(key: 3, version: 6)", leader)).toBe(false);
  });
});

describe("createKafka's log creator", () => {
  it("never throws on a log entry whose message is not a string (regression: it crashed the consumer on a failed SASL re-authentication)", () => {
    const lines: string[] = [];
    const kafka = createKafka({
      brokers: ["127.0.0.1:9"],
      clientId: "test",
      logger: createLogger({ level: "debug", write: (line) => void lines.push(line) }),
    });
    // kafkajs merges a log call's extra fields over its message: `message` there may be anything.
    expect(() =>
      kafka.logger().error("ignored", { message: new Error("re-authentication failed") }),
    ).not.toThrow();
    expect(() => kafka.logger().warn("ignored", { message: 42 })).not.toThrow();
    expect(lines.join("\n")).toContain("kafkajs: re-authentication failed");
  });
});
