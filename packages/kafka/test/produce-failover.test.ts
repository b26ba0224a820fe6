import { createLogger } from "@wikistream/log";
import { waitFor } from "@wikistream/testkit";
import type { Admin, Kafka, Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secondBrokerId, startSecondBroker, stopSecondBroker } from "../../../test/helpers/second-broker.ts";
import { createKafka, createProducer } from "../src/index.ts";

// Regression (issue 9, cluster fault tests lost 10 of 18,700 acknowledged events on a leader kill):
// kafkajs 2.2.4 kept one response per *broker* across the retries of one send. A partition whose
// leader failed and moved to a broker that had already answered in that send was never sent again,
// and sendBatch resolved as if it had been. patches/kafkajs+2.2.4.patch keeps a response per
// partition. Here partition 1 is led by the second broker and is moved to broker 1 while the producer
// still holds the old metadata; one sendBatch then writes
// to both partitions, and each must hold the record it was told was acknowledged.
const brokers = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");
const topic = `wikistream-test-failover-${process.pid}-${Date.now()}`;
const logger = createLogger({ level: "error", base: { test: "produce-failover" } });

let kafka: Kafka;
let admin: Admin;
let producer: Producer;

async function leaders(): Promise<Map<number, number>> {
  const fresh = kafka.admin(); // a new client: the shared one may hold the same stale metadata
  await fresh.connect();
  try {
    const { topics } = await fresh.fetchTopicMetadata({ topics: [topic] });
    return new Map((topics[0]?.partitions ?? []).map((p) => [p.partitionId, p.leader]));
  } finally {
    await fresh.disconnect();
  }
}

async function recordsPerPartition(): Promise<number[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.sort((a, b) => a.partition - b.partition).map(({ high, low }) => Number(high) - Number(low));
}

beforeAll(async () => {
  await startSecondBroker();
  kafka = createKafka({ clientId: "wikistream-test-failover", brokers, logger });
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic,
        replicaAssignment: [
          { partition: 0, replicas: [1, secondBrokerId] },
          { partition: 1, replicas: [secondBrokerId, 1] },
        ],
      },
    ],
  });
  await waitFor("partition 1 led by the second broker", async () => (await leaders()).get(1) === 2, 30_000);
  producer = createProducer(kafka, { idempotent: true }).producer;
  await producer.connect();
}, 180_000);

afterAll(async () => {
  await producer?.disconnect();
  await admin?.deleteTopics({ topics: [topic] }).catch(() => {});
  await admin?.disconnect();
  await stopSecondBroker();
}, 180_000);

describe("a send whose partition leader moves to a broker that already answered", () => {
  it("writes every partition before it resolves", async () => {
    // Warm-up: the producer learns that partition 1 is led by the second broker.
    await producer.send({
      topic,
      messages: [
        { partition: 0, value: "warm-up 0" },
        { partition: 1, value: "warm-up 1" },
      ],
    });
    expect(await recordsPerPartition()).toEqual([1, 1]);

    // Leadership of partition 1 moves to broker 1 while the second broker stays up, as in a rolling
    // restart or a reassignment: the second broker now answers NOT_LEADER for it.
    await admin.alterPartitionReassignments({
      topics: [{ topic, partitionAssignment: [{ partition: 1, replicas: [1] }] }],
    });
    await waitFor(
      "partition 1 moved to broker 1",
      async () =>
        (await leaders()).get(1) === 1 &&
        (await admin.listPartitionReassignments({ topics: [{ topic, partitions: [1] }] })).topics.length ===
          0,
      60_000,
    );

    // The producer's metadata is stale: broker 1 answers for partition 0 at once, the second broker
    // refuses partition 1, and the retry must send partition 1 to broker 1.
    await producer.sendBatch({
      acks: -1,
      topicMessages: [
        {
          topic,
          messages: [
            { partition: 0, value: "after 0" },
            { partition: 1, value: "after 1" },
          ],
        },
      ],
    });
    expect(await recordsPerPartition(), "records per partition after the acknowledged send").toEqual([2, 2]);
  });
});
