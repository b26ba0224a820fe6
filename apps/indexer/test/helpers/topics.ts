import { randomUUID } from "node:crypto";
import { ensureTopics } from "@wikistream/kafka";
import { waitFor } from "@wikistream/testkit";
import type { Kafka } from "kafkajs";
import type { TestNames } from "./names.ts";

/** The two input topics (3 partitions each) and the dead-letter topic of the test names. */
export async function createTestTopics(kafka: Kafka, names: TestNames): Promise<void> {
  await ensureTopics(kafka, [
    { topic: names.topics.recentchange, partitions: 3 },
    { topic: names.topics.pageChange, partitions: 3 },
    { topic: names.dlqTopic, partitions: 1 },
  ]);
}

/** Committed offset == end offset on every partition of the input topics. */
export async function fullyCommitted(kafka: Kafka, names: TestNames): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of [names.topics.recentchange, names.topics.pageChange]) {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId: names.groupId, topics: [topic] });
      for (const end of ends) {
        const done = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? "-1";
        const target = end.high;
        if (target !== "0" && done !== target) return false;
      }
    }
    return true;
  } finally {
    await admin.disconnect();
  }
}

/** Reads records of a topic from the beginning (for the dead-letter topic). */
export async function readTopic(kafka: Kafka, topic: string, expected: number, timeoutMs = 20_000) {
  const groupId = `wst-reader-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  const seen: { key: string | null; value: string | null; headers: Record<string, string> }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
      seen.push({ key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, headers });
    },
  });
  try {
    await waitFor(`${expected} records in ${topic}`, () => seen.length >= expected, timeoutMs);
  } finally {
    await consumer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.disconnect();
  }
  return seen;
}
