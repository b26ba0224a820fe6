import { describeTopic } from "@wikistream/kafka";
import { WikistreamError } from "@wikistream/resilience";
import type { Kafka } from "kafkajs";

/** The offsets of one partition's tail to read, both inclusive. */
export interface TailRange {
  topic: string;
  partition: number;
  from: bigint;
  last: bigint;
}

/** A partition that held records and holds none now: its high watermark is past 0, its low one equal. */
export interface EmptiedPartition {
  topic: string;
  partition: number;
  high: string;
}

/** The last `size` offsets of a partition holding [low, high), or undefined when it is empty. */
export function tailRange(
  low: string,
  high: string,
  size: number,
): { from: bigint; last: bigint } | undefined {
  const last = BigInt(high) - 1n;
  if (last < BigInt(low)) return undefined;
  const from = last - BigInt(size) + 1n;
  return { from: from > BigInt(low) ? from : BigInt(low), last };
}

/**
 * The tail of every non-empty partition of the topics that exist, keyed `topic:partition`, and the
 * partitions emptied after holding records (retention, deleted records).
 */
export async function listTailRanges(
  kafka: Kafka,
  topics: readonly string[],
  size: number,
): Promise<{ ranges: Map<string, TailRange>; emptied: EmptiedPartition[] }> {
  const admin = kafka.admin();
  await admin.connect();
  const ranges = new Map<string, TailRange>();
  const emptied: EmptiedPartition[] = [];
  try {
    const present: string[] = [];
    // One topic at a time: names the topic whose partition has no leader (see describeTopic).
    for (const topic of topics) if (await describeTopic(admin, topic)) present.push(topic);
    for (const topic of present) {
      const offsets = await admin.fetchTopicOffsets(topic).catch((cause: unknown) => {
        const message = `reading the offsets of topic ${topic} failed`;
        throw new WikistreamError("kafka_list_offsets_failed", message, { cause, context: { topic } });
      });
      for (const { partition, high, low } of offsets) {
        const range = tailRange(low, high, size);
        if (range) ranges.set(`${topic}:${partition}`, { topic, partition, ...range });
        else if (BigInt(high) > 0n) emptied.push({ topic, partition, high });
      }
    }
  } finally {
    await admin.disconnect();
  }
  return { ranges, emptied };
}
