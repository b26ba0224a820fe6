import type { Logger } from "@wikistream/log";
import { WikistreamError } from "@wikistream/resilience";
import type { Consumer, Kafka } from "kafkajs";
import type { TailRecord } from "./resume-point.ts";
import type { TailRange } from "./tail-ranges.ts";

export interface TailScanOptions {
  kafka: Kafka;
  /** The tails to read, keyed `topic:partition` (see listTailRanges). */
  ranges: ReadonlyMap<string, TailRange>;
  /** Named in the timeout error. */
  topics: readonly string[];
  timeoutMs: number;
  logger: Logger;
  onRecord: (record: TailRecord) => void;
}

/**
 * Reads every record of the given tails once, with a throwaway consumer group deleted afterwards.
 * Resolves when the last offset of every tail arrived; rejects after `timeoutMs`.
 */
export async function scanTails(options: TailScanOptions): Promise<void> {
  const { kafka, ranges } = options;
  // Web Crypto, not node:crypto: this file runs unchanged on Deno.
  const groupId = `wikistream-ingest-resume-${crypto.randomUUID()}`;
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, rebalanceTimeout: 10_000 });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...new Set([...ranges.values()].map((r) => r.topic))] });
    const done = readUntilLast(consumer, options);
    // Seeking needs the group's assignment, which run() sets up; seek right after run() is allowed.
    for (const range of ranges.values()) {
      consumer.seek({ topic: range.topic, partition: range.partition, offset: range.from.toString() });
    }
    await done;
  } finally {
    await consumer.disconnect().catch(() => {});
    await deleteGroup(kafka, groupId, options.logger);
  }
}

/** Runs the consumer until every tail's last offset was read, or the timeout passed. */
function readUntilLast(consumer: Consumer, options: TailScanOptions): Promise<void> {
  const { ranges, timeoutMs, onRecord } = options;
  const remaining = new Set(ranges.keys());
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      const message = `reading the tails of ${options.topics.join(", ")} took over ${timeoutMs} ms`;
      // A partition whose leader moved mid-scan stalls the fetch: a new attempt can succeed.
      reject(new WikistreamError("kafka_resume_scan_timeout", message, { retryable: true }));
    }, timeoutMs);
    consumer
      .run({
        autoCommit: false,
        eachBatchAutoResolve: true,
        eachBatch: async ({ batch }) => {
          const key = `${batch.topic}:${batch.partition}`;
          const range = ranges.get(key);
          if (!range) return;
          for (const message of batch.messages) {
            const offset = BigInt(message.offset);
            if (offset < range.from || offset > range.last) continue;
            const header = (name: string) => message.headers?.[name]?.toString();
            onRecord({ timestamp: Number(message.timestamp), header });
            if (offset === range.last) remaining.delete(key);
          }
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
}

/** The scan's group holds no offsets worth keeping; a failure to delete it is only logged. */
async function deleteGroup(kafka: Kafka, groupId: string, logger: Logger): Promise<void> {
  const admin = kafka.admin();
  await admin
    .connect()
    .then(() => admin.deleteGroups([groupId]))
    .catch((error: unknown) => logger.debug("could not delete the resume group", { groupId, error }))
    .finally(() => admin.disconnect());
}
