/** One Kafka record as the pipeline sees it, independent of the client library. */
export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  /** Kafka offset, as kafkajs gives it (a decimal string; offsets can exceed 2^53 in theory). */
  readonly offset: string;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: Readonly<Record<string, string>>;
  /** Broker or producer timestamp in ms, as a decimal string. */
  readonly timestamp: string;
}

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  /** The next offset to read, as Kafka commits it. */
  offset: bigint;
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}|${partition}`;
}
