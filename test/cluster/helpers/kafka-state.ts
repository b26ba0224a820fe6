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
    const existing = new Set(await this.#admin.listTopics());
    let total = 0;
    for (const topic of topics) {
      if (!existing.has(topic)) continue; // a dead-letter topic nobody wrote to may not exist
      for (const { high } of await this.#admin.fetchTopicOffsets(topic)) total += Number(high);
    }
    return total;
  }

  async deleteTopics(prefix: string): Promise<void> {
    const topics = (await this.#admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await this.#admin.deleteTopics({ topics });
  }
}

/** Every partition has all three brokers in sync. */
export const fullyReplicated = (partitions: readonly PartitionState[]): boolean =>
  partitions.length > 0 &&
  partitions.every((p) => p.isr.length === p.replicas.length && p.replicas.length === 3);
