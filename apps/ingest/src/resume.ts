import { recordHeaders as headers } from "@wikistream/events";
import { describeTopic } from "@wikistream/kafka";
import type { Logger } from "@wikistream/log";
import { WikistreamError } from "@wikistream/resilience";
import type { Kafka } from "kafkajs";

export interface ResumePoint {
  /** Send as Last-Event-ID; undefined when the topics hold no record of ours. */
  lastEventId: string | undefined;
  /** When no id is known but records exist: `?since=` in epoch ms. */
  since: string | undefined;
  /** meta.ids found in the tails: events that a resume will deliver again, already in Kafka. */
  publishedIds: Set<string>;
  /** Frame ids found in the dead-letter tail: bad frames a resume will deliver again. */
  deadLetteredFrames: Set<string>;
  recordsScanned: number;
}

interface TailRecord {
  timestamp: number;
  resumeId: string | undefined;
  resumeSince: string | undefined;
}

/**
 * Recovers where ingest stopped from Kafka itself, not from a local file, so that a restart, a
 * `kill -9` or a new host continues from the same place. Reads the last `tailSize` records of each
 * partition of the stream topics and the dead-letter topic; the newest record's resume header names
 * the id from before its batch, so a batch cut short by a crash is read again in full rather than
 * lost, and the ids in the tails let the caller drop what that re-read repeats.
 */
export async function recoverResumePoint(options: {
  kafka: Kafka;
  /** The stream topics and the dead-letter topic: a batch may hold records of all of them. */
  topics: readonly string[];
  tailSize: number;
  logger: Logger;
  timeoutMs?: number;
}): Promise<ResumePoint> {
  const { kafka, topics, tailSize, logger } = options;
  const admin = kafka.admin();
  await admin.connect();
  const wanted = new Map<string, { topic: string; partition: number; from: bigint; last: bigint }>();
  try {
    const present: string[] = [];
    // One topic at a time: names the topic whose partition has no leader (see describeTopic).
    for (const topic of topics) if (await describeTopic(admin, topic)) present.push(topic);
    for (const topic of present) {
      const offsets = await admin.fetchTopicOffsets(topic).catch((cause: unknown) => {
        throw new WikistreamError(
          "kafka_list_offsets_failed",
          `reading the offsets of topic ${topic} failed`,
          {
            cause,
            context: { topic },
          },
        );
      });
      for (const { partition, high, low } of offsets) {
        const last = BigInt(high) - 1n;
        if (last < BigInt(low)) continue;
        const from = last - BigInt(tailSize) + 1n > BigInt(low) ? last - BigInt(tailSize) + 1n : BigInt(low);
        wanted.set(`${topic}:${partition}`, { topic, partition, from, last });
      }
    }
  } finally {
    await admin.disconnect();
  }
  const empty: ResumePoint = {
    lastEventId: undefined,
    since: undefined,
    publishedIds: new Set(),
    deadLetteredFrames: new Set(),
    recordsScanned: 0,
  };
  if (wanted.size === 0) return empty;

  // Web Crypto, not node:crypto: this file runs unchanged on Deno.
  const groupId = `wikistream-ingest-resume-${crypto.randomUUID()}`;
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, rebalanceTimeout: 10_000 });
  const publishedIds = new Set<string>();
  const deadLetteredFrames = new Set<string>();
  let newest: TailRecord | undefined;
  let scanned = 0;
  const remaining = new Set(wanted.keys());
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...new Set([...wanted.values()].map((w) => w.topic))] });
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new WikistreamError(
              "kafka_resume_scan_timeout",
              `reading the tails of ${topics.join(", ")} took over ${options.timeoutMs ?? 30_000} ms`,
              // A partition whose leader moved mid-scan stalls the fetch: a new attempt can succeed.
              { retryable: true },
            ),
          ),
        options.timeoutMs ?? 30_000,
      );
      consumer
        .run({
          autoCommit: false,
          eachBatchAutoResolve: true,
          eachBatch: async ({ batch }) => {
            const key = `${batch.topic}:${batch.partition}`;
            const range = wanted.get(key);
            if (!range) return;
            for (const message of batch.messages) {
              const offset = BigInt(message.offset);
              if (offset < range.from || offset > range.last) continue;
              scanned++;
              const header = (name: string) => message.headers?.[name]?.toString();
              const metaId = header(headers.metaId);
              if (metaId) publishedIds.add(metaId);
              const frame = header(headers.frameId);
              if (frame) deadLetteredFrames.add(frame);
              const record = {
                timestamp: Number(message.timestamp),
                resumeId: header(headers.resumeId),
                resumeSince: header(headers.resumeSince),
              };
              if (!newest || record.timestamp >= newest.timestamp) newest = record;
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
    // Seeking needs the group's assignment, which run() sets up; seek right after run() is allowed.
    for (const range of wanted.values()) {
      consumer.seek({ topic: range.topic, partition: range.partition, offset: range.from.toString() });
    }
    await done;
  } finally {
    await consumer.disconnect().catch(() => {});
    const admin2 = kafka.admin();
    await admin2
      .connect()
      .then(() => admin2.deleteGroups([groupId]))
      .catch((error: unknown) => logger.debug("could not delete the resume group", { groupId, error }))
      .finally(() => admin2.disconnect());
  }
  logger.info("recovered resume point from kafka", {
    topics,
    recordsScanned: scanned,
    eventIdsInTail: publishedIds.size,
    deadLettersInTail: deadLetteredFrames.size,
    lastEventId: newest?.resumeId,
    since: newest?.resumeId ? undefined : newest?.resumeSince,
  });
  return {
    lastEventId: newest?.resumeId,
    since: newest?.resumeId ? undefined : newest?.resumeSince,
    publishedIds,
    deadLetteredFrames,
    recordsScanned: scanned,
  };
}
