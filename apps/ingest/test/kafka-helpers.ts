import { randomUUID } from "node:crypto";
import type { Admin, Kafka } from "kafkajs";

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

/** Runs `work` with a connected admin client, disconnected after whatever happens. */
export async function withAdmin<T>(kafka: Kafka, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

export function deleteTopics(kafka: Kafka, topics: readonly string[]): Promise<void> {
  return withAdmin(kafka, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((t) => existing.has(t));
    if (present.length > 0) await admin.deleteTopics({ topics: present });
  });
}

/** Creates one topic with the given topic configs and waits for its leaders. */
export function createTopic(
  kafka: Kafka,
  topic: string,
  numPartitions: number,
  configs: Record<string, string>,
): Promise<void> {
  const configEntries = Object.entries(configs).map(([name, value]) => ({ name, value }));
  return withAdmin(kafka, async (admin) => {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions, configEntries }] });
  });
}

/** Records the topics hold, summed over partitions (what has been acknowledged so far). */
export function topicSize(kafka: Kafka, topics: readonly string[]): Promise<number> {
  return withAdmin(kafka, async (admin) => {
    let total = 0;
    for (const topic of topics) {
      for (const { high, low } of await admin.fetchTopicOffsets(topic)) total += Number(high) - Number(low);
    }
    return total;
  });
}

/** What retention does: every record of every partition deleted, offsets kept (low == high > 0). */
export function emptyTopics(kafka: Kafka, topics: readonly string[]): Promise<void> {
  return withAdmin(kafka, async (admin) => {
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      const partitions = offsets
        .filter((o) => o.high !== "0")
        .map((o) => ({ partition: o.partition, offset: o.high }));
      if (partitions.length > 0) await admin.deleteTopicRecords({ topic, partitions });
    }
  });
}

/** Every record the topics hold right now: reads until the sum of the partitions' sizes arrived. */
export async function readAll(
  kafka: Kafka,
  topics: readonly string[],
  timeoutMs = 20_000,
): Promise<ReadRecord[]> {
  const total = await topicSize(kafka, topics);
  if (total === 0) return [];
  const records = await readTopics(kafka, topics, (r) => r.length >= total, timeoutMs);
  if (records.length < total)
    throw new Error(`read ${records.length} of ${total} records of ${topics.join(", ")}`);
  return records;
}
