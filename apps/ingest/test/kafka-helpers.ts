import { randomUUID } from "node:crypto";
import type { Kafka } from "kafkajs";

export const brokers = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");

export interface ReadRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | undefined;
  value: string;
  headers: Record<string, string>;
}

/** Reads every record of the topics from the beginning until `until` holds or the timeout passes. */
export async function readTopics(
  kafka: Kafka,
  topics: readonly string[],
  until: (records: readonly ReadRecord[]) => boolean,
  timeoutMs = 20_000,
): Promise<ReadRecord[]> {
  const consumer = kafka.consumer({ groupId: `test-reader-${randomUUID()}` });
  const records: ReadRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => resolve(), timeoutMs);
      consumer
        .run({
          eachMessage: async ({ topic, partition, message }) => {
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
            records.push({
              topic,
              partition,
              offset: message.offset,
              key: message.key?.toString(),
              value: message.value?.toString() ?? "",
              headers,
            });
            if (until(records)) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

export async function deleteTopics(kafka: Kafka, topics: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((t) => existing.has(t));
    if (present.length > 0) await admin.deleteTopics({ topics: present });
  } finally {
    await admin.disconnect();
  }
}

/** Every record the topics hold right now: reads until the sum of the partitions' sizes arrived. */
export async function readAll(
  kafka: Kafka,
  topics: readonly string[],
  timeoutMs = 20_000,
): Promise<ReadRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  let total = 0;
  try {
    for (const topic of topics) {
      for (const { high, low } of await admin.fetchTopicOffsets(topic)) total += Number(high) - Number(low);
    }
  } finally {
    await admin.disconnect();
  }
  if (total === 0) return [];
  const records = await readTopics(kafka, topics, (r) => r.length >= total, timeoutMs);
  if (records.length < total)
    throw new Error(`read ${records.length} of ${total} records of ${topics.join(", ")}`);
  return records;
}
