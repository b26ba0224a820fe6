/**
 * When ingest handed each record to kafkajs: the record's timestamp (CreateTime, which kafkajs sets to
 * Date.now() when sendBatch is called, after ingest's linger), by meta.id. Freshness minus this is what
 * Kafka, the indexer and the refresh add; this minus the send time is ingest's share.
 */
import { recordHeaders } from "@wikistream/events";
import { waitFor } from "@wikistream/testkit";
import { benchKafka } from "../lib/kafka.ts";

/** Reads `topics` from the beginning in a group of its own (deleted after) until `expected` records. */
export async function recordTimes(
  topics: readonly string[],
  groupId: string,
  expected: number,
): Promise<Map<string, number>> {
  const kafka = benchKafka(groupId);
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  const times = new Map<string, number>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const id = message.headers?.[recordHeaders.metaId]?.toString();
        if (id !== undefined) times.set(id, Number(message.timestamp));
      },
    });
    await waitFor("every record's timestamp", () => times.size >= expected, 60_000, 100).catch(() => {});
  } finally {
    await consumer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.disconnect();
  }
  return times;
}
