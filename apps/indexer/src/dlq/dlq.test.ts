import { recordHeaders } from "@wikistream/events";
import type { Producer, ProducerRecord } from "kafkajs";
import { CompressionTypes } from "kafkajs";
import { describe, expect, it } from "vitest";
import { DeadLetterPublishError, DeadLetterRefusedError, DeadLetterTooLargeError } from "../errors.ts";
import { createIndexerMetrics } from "../metrics.ts";
import { DeadLetterHealth } from "./health.ts";
import { deadLetterMessage, type RecordDeadLetter, truncateLetter } from "./letter.ts";
import { createDeadLetterPublisher } from "./publisher.ts";

const letter = (value: string): RecordDeadLetter => ({
  record: {
    topic: "t",
    partition: 0,
    offset: "7",
    key: null,
    value: new TextEncoder().encode(value),
    headers: {},
    timestamp: "0",
  },
  stage: "index",
  reason: "mapper_parsing_exception",
  detail: "d".repeat(3000),
});

describe("deadLetterMessage", () => {
  it("keeps the original key, value and headers, and says where it came from and why", () => {
    const value = new TextEncoder().encode('{"meta":{}}');
    const message = deadLetterMessage(
      {
        record: {
          topic: "wikistream.mediawiki.recentchange",
          partition: 2,
          offset: "41",
          key: new TextEncoder().encode("enwiki:Foo"),
          value,
          headers: { [recordHeaders.stream]: "mediawiki.recentchange", [recordHeaders.metaId]: "abc" },
          timestamp: "1",
        },
        stage: "index",
        reason: "mapper_parsing_exception",
        detail: "failed to parse field [performer.registration_dt] of type [date]",
        status: 400,
      },
      new Date("2026-01-01T00:00:00Z"),
    );
    expect(message.key?.toString()).toBe("enwiki:Foo");
    expect(Buffer.compare(message.value as Buffer, Buffer.from(value))).toBe(0);
    expect(message.headers).toEqual({
      [recordHeaders.stream]: "mediawiki.recentchange",
      [recordHeaders.metaId]: "abc",
      "wikistream-dlq-reason": "mapper_parsing_exception",
      "wikistream-dlq-stage": "index",
      "wikistream-dlq-detail": "failed to parse field [performer.registration_dt] of type [date]",
      "wikistream-dlq-status": "400",
      "wikistream-dlq-topic": "wikistream.mediawiki.recentchange",
      "wikistream-dlq-partition": "2",
      "wikistream-dlq-offset": "41",
      "wikistream-dlq-time": "2026-01-01T00:00:00.000Z",
    });
  });

  it("keeps an empty record empty and bounds the detail", () => {
    const message = deadLetterMessage({
      record: { topic: "t", partition: 0, offset: "0", key: null, value: null, headers: {}, timestamp: "0" },
      stage: "decode",
      reason: "empty_value",
      detail: "x".repeat(10_000),
    });
    expect(message.value).toBeNull();
    expect(message.headers?.["wikistream-dlq-detail"]).toHaveLength(2000);
    expect(message.headers).not.toHaveProperty("wikistream-dlq-status");
  });
});

describe("dead-letter publisher", () => {
  it("regression: sends uncompressed, and Kafka's MESSAGE_TOO_LARGE was retried unchanged forever", async () => {
    const sent: ProducerRecord[] = [];
    let refuse: string | undefined = "MESSAGE_TOO_LARGE";
    const producer = {
      async send(record: ProducerRecord) {
        sent.push(record);
        // kafkajs wraps a non-retriable protocol error: the type is on the cause.
        if (refuse) throw new Error("too large", { cause: Object.assign(new Error("x"), { type: refuse }) });
        return [];
      },
    } as unknown as Producer;
    const publisher = createDeadLetterPublisher({ producer, topic: "dlq", acks: -1 });
    await expect(publisher.publish([letter("{}")])).rejects.toBeInstanceOf(DeadLetterTooLargeError);
    refuse = "RECORD_LIST_TOO_LARGE";
    await expect(publisher.publish([letter("{}")])).rejects.toBeInstanceOf(DeadLetterTooLargeError);
    refuse = "LEADER_NOT_AVAILABLE";
    const other = await publisher.publish([letter("{}")]).catch((error: unknown) => error);
    expect(other).toBeInstanceOf(DeadLetterPublishError);
    expect(other).not.toBeInstanceOf(DeadLetterTooLargeError);
    refuse = undefined;
    await publisher.publish([letter("{}")]);
    expect(sent.every((record) => record.compression === CompressionTypes.GZIP)).toBe(true);
  });

  it("regression: Kafka refusing letters for good (authorization, INVALID_TIMESTAMP) was an endless retry while /healthz said 200", async () => {
    let refuse: { type: string; retriable: boolean } | undefined;
    const producer = {
      async send() {
        // As kafkajs throws a broker's verdict: a KafkaJSProtocolError with type and retriable.
        if (refuse) {
          throw Object.assign(new Error(`refused: ${refuse.type}`), {
            name: "KafkaJSProtocolError",
            ...refuse,
          });
        }
        return [];
      },
    } as unknown as Producer;
    const publisher = createDeadLetterPublisher({ producer, topic: "dlq", acks: -1 });
    const metrics = createIndexerMetrics({ defaultMetrics: false });
    const health = new DeadLetterHealth(metrics);
    const gauge = async () =>
      ((await metrics.deadLetterBlocked.get()).values ?? []).map((v) => [v.labels.code, v.value]);

    for (const type of ["TOPIC_AUTHORIZATION_FAILED", "INVALID_TIMESTAMP"]) {
      refuse = { type, retriable: false };
      const error = await publisher.publish([letter("{}")]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeadLetterRefusedError);
      expect(error).toMatchObject({
        code: "dlq_publish_refused",
        context: { kafkaCode: type, topic: "dlq" },
      });
      health.failed(error);
      expect(health.blockedBy).toBe(type);
    }
    expect(await gauge()).toEqual([
      ["TOPIC_AUTHORIZATION_FAILED", 0],
      ["INVALID_TIMESTAMP", 1],
    ]);
    // A transient failure neither blocks nor unblocks; a send that passes unblocks.
    refuse = { type: "LEADER_NOT_AVAILABLE", retriable: true };
    const transient = await publisher.publish([letter("{}")]).catch((e: unknown) => e);
    expect(transient).toBeInstanceOf(DeadLetterPublishError);
    health.failed(transient);
    expect(health.blockedBy).toBe("INVALID_TIMESTAMP");
    refuse = undefined;
    await publisher.publish([letter("{}")]);
    health.published();
    expect(health.blockedBy).toBeUndefined();
    expect(await gauge()).toEqual([
      ["TOPIC_AUTHORIZATION_FAILED", 0],
      ["INVALID_TIMESTAMP", 0],
    ]);
  });

  it("truncates a letter too large alone and says so in a header", () => {
    const cut = truncateLetter(letter("v".repeat(100_000)));
    expect(cut.record.value).toHaveLength(16_384);
    expect(cut.detail).toHaveLength(500);
    expect(deadLetterMessage(cut).headers?.["wikistream-dlq-truncated"]).toBe("100000");
  });
});
