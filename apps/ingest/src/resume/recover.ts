import type { Logger } from "@wikistream/log";
import type { Kafka } from "kafkajs";
import { type ResumePoint, TailSummary } from "./resume-point.ts";
import { type EmptiedPartition, listTailRanges } from "./tail-ranges.ts";
import { scanTails } from "./tail-scan.ts";

export type { ResumePoint } from "./resume-point.ts";

/** The resume point, and the partitions emptied after holding records (see decideStart). */
export type RecoveredPoint = ResumePoint & { emptied: EmptiedPartition[] };

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
}): Promise<RecoveredPoint> {
  const { kafka, topics, logger } = options;
  const summary = new TailSummary();
  const { ranges, emptied } = await listTailRanges(kafka, topics, options.tailSize);
  if (emptied.length > 0) logger.warn("kafka partitions that held records hold none now", { emptied });
  if (ranges.size === 0) return { ...summary.point(), emptied };
  await scanTails({
    kafka,
    ranges,
    topics,
    timeoutMs: options.timeoutMs ?? 30_000,
    logger,
    onRecord: (record) => summary.add(record),
  });
  const point = { ...summary.point(), emptied };
  logger.info("recovered resume point from kafka", {
    topics,
    recordsScanned: point.recordsScanned,
    eventIdsInTail: point.publishedIds.size,
    deadLettersInTail: point.deadLetteredFrames.size,
    lastEventId: point.lastEventId,
    since: point.since,
  });
  return point;
}
