import { type Admin, Kafka, logLevel } from "kafkajs";
import { cluster } from "./cluster.ts";

/** What the brokers say about partitions and offsets, read with an admin client of the test's own. */
export interface PartitionState {
  topic: string;
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

export class KafkaState {
  readonly #admin: Admin;

  constructor() {
    const kafka = new Kafka({
      clientId: "cluster-test",
      brokers: [...cluster.brokers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 3, initialRetryTime: 200 },
    });
    this.#admin = kafka.admin();
  }

  connect(): Promise<void> {
    return this.#admin.connect();
  }

  disconnect(): Promise<void> {
    return this.#admin.disconnect();
  }

  async partitions(topics: readonly string[]): Promise<PartitionState[]> {
    const { topics: metadata } = await this.#admin.fetchTopicMetadata({ topics: [...topics] });
    return metadata.flatMap(({ name, partitions }) =>
      partitions.map((p) => ({
        topic: name,
        partition: p.partitionId,
        leader: p.leader,
        replicas: p.replicas,
        isr: p.isr,
      })),
    );
  }

  /** Records in the topics (sum of high watermarks: fresh topics, nothing deleted, no transactions). */
  async records(topics: readonly string[]): Promise<number> {
    let total = 0;
    for (const high of (await this.#highWatermarks(topics)).values()) total += high;
    return total;
  }

  /** Records of the topics not yet committed by the group (a partition never committed counts whole). */
  async groupLag(groupId: string, topics: readonly string[]): Promise<number> {
    const highs = await this.#highWatermarks(topics);
    const withRecords = [...new Set([...highs.keys()].map(topicOf))];
    const committed = await this.#admin.fetchOffsets({ groupId, topics: withRecords });
    let lag = 0;
    for (const { topic, partitions } of committed) {
      for (const { partition, offset } of partitions) {
        const high = highs.get(`${topic}/${partition}`) ?? 0;
        lag += high - Math.max(0, Number(offset));
      }
    }
    return lag;
  }

  /**
   * High watermark per `topic/partition`. kafkajs' fetchTopicOffsets throws a TypeError when a broker
   * answers without the partitions (seen while one is restarting), so it is asked up to three times.
   */
  async #highWatermarks(topics: readonly string[]): Promise<Map<string, number>> {
    const existing = new Set(await this.#admin.listTopics());
    const highs = new Map<string, number>();
    for (const topic of topics) {
      if (!existing.has(topic)) continue; // a dead-letter topic nobody wrote to may not exist
      for (const { partition, high } of await withRetries(() => this.#admin.fetchTopicOffsets(topic))) {
        highs.set(`${topic}/${partition}`, Number(high));
      }
    }
    return highs;
  }

  async deleteTopics(prefix: string): Promise<void> {
    const topics = (await this.#admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await this.#admin.deleteTopics({ topics });
  }
}

const topicOf = (key: string): string => key.slice(0, key.lastIndexOf("/"));

async function withRetries<T>(read: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}

/** Every partition has all three brokers in sync. */
export const fullyReplicated = (partitions: readonly PartitionState[]): boolean =>
  partitions.length > 0 &&
  partitions.every((p) => p.isr.length === p.replicas.length && p.replicas.length === 3);
