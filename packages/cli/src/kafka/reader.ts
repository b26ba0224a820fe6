import { randomUUID } from "node:crypto";
import { errorMessage } from "@wikistream/resilience";
import type { Admin, Batch, EachBatchPayload, Kafka } from "kafkajs";
import { type PartitionBounds, type PartitionRange, type RangeSelection, resolveRanges } from "./range.ts";
import { RangeProgress, ReadEnd, type ReadSummary } from "./read-state.ts";

/** A record as read: key, value and header values byte for byte. */
export interface ReadRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, Buffer>>;
}

export interface RangeRequest extends Omit<RangeSelection, "sinceOffsets" | "untilOffsets"> {
  readonly sinceMs?: number | undefined;
  readonly untilMs?: number | undefined;
}

async function offsetsAt(admin: Admin, topic: string, ms: number | undefined) {
  if (ms === undefined) return undefined;
  const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, ms);
  return new Map(offsets.map((o) => [o.partition, o.offset]));
}

/** The ranges of `topic` a request covers, asking the broker for the bounds and time offsets. */
export async function topicRanges(
  admin: Admin,
  topic: string,
  request: RangeRequest,
): Promise<PartitionRange[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  const bounds: PartitionBounds[] = offsets.map((o) => ({
    partition: o.partition,
    low: o.low,
    high: o.high,
  }));
  return resolveRanges(bounds, {
    ...request,
    sinceOffsets: await offsetsAt(admin, topic, request.sinceMs),
    untilOffsets: await offsetsAt(admin, topic, request.untilMs),
  });
}

function headersOf(raw: Record<string, unknown> | undefined): Record<string, Buffer> {
  const headers: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(raw ?? {})) {
    // kafkajs gives an array for a header name that occurs more than once; the contract has none.
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined && first !== null)
      headers[name] = Buffer.isBuffer(first) ? first : Buffer.from(String(first));
  }
  return headers;
}

export interface ReadOptions {
  /** Called per fetched batch with the records inside the ranges; awaited (backpressure). */
  onRecords: (records: readonly ReadRecord[]) => Promise<void> | void;
  /** Give up on a partition that delivers nothing for this long (a gap at its end). */
  idleMs?: number;
  maxBytesPerPartition?: number;
}

export type { ReadSummary } from "./read-state.ts";

/** The records of a fetched batch that lie inside the partition's range. Pure. */
function recordsInside(topic: string, batch: Batch, range: PartitionRange): ReadRecord[] {
  const from = BigInt(range.from);
  const to = BigInt(range.to);
  const inside: ReadRecord[] = [];
  for (const message of batch.messages) {
    const offset = BigInt(message.offset);
    if (offset < from || offset >= to) continue;
    inside.push({
      topic,
      partition: batch.partition,
      offset: message.offset,
      timestamp: message.timestamp,
      key: message.key,
      value: message.value,
      headers: headersOf(message.headers),
    });
  }
  return inside;
}

/** What handling one batch needs: the read's position and end, and how to stop a partition. */
interface BatchReader {
  readonly topic: string;
  readonly progress: RangeProgress;
  readonly end: ReadEnd;
  readonly onRecords: ReadOptions["onRecords"];
  pause(partition: number): void;
}

async function readBatch({ batch, heartbeat }: EachBatchPayload, read: BatchReader): Promise<void> {
  const range = read.progress.rangeOf(batch.partition);
  if (range === undefined) return;
  const inside = recordsInside(read.topic, batch, range);
  try {
    if (inside.length > 0) await read.onRecords(inside);
  } catch (error) {
    read.end.fail(error);
    return;
  }
  read.end.progressed();
  if (read.progress.advance(batch.partition, batch.lastOffset())) {
    read.pause(batch.partition);
    if (read.progress.pending.length === 0) read.end.finish();
  }
  await heartbeat();
}

/**
 * Reads the ranges once, without touching any real consumer group: a throwaway group (never
 * committed, deleted afterwards) seeks each partition to its start and pauses it at its end. kafkajs
 * has no group-less consumer, which is why a group is needed at all.
 */
export async function readRanges(
  kafka: Kafka,
  topic: string,
  ranges: readonly PartitionRange[],
  options: ReadOptions,
): Promise<ReadSummary> {
  const progress = new RangeProgress(ranges);
  if (progress.pending.length === 0) return progress.summary();
  const groupId = `wikistream-cli-${randomUUID()}`;
  const consumer = kafka.consumer({
    groupId,
    maxWaitTimeInMs: 250,
    maxBytesPerPartition: options.maxBytesPerPartition ?? 4_194_304,
  });
  const end = new ReadEnd();
  const pause = (partition: number) => consumer.pause([{ topic, partitions: [partition] }]);
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      // Nothing is committed; resolving a batch (the default) only moves the fetch position on.
      autoCommit: false,
      eachBatch: (payload) =>
        readBatch(payload, { topic, progress, end, onRecords: options.onRecords, pause }),
    });
    for (const range of progress.pending)
      consumer.seek({ topic, partition: range.partition, offset: range.from });
    await end.wait(options.idleMs ?? 15_000);
    return progress.summary();
  } finally {
    await consumer.disconnect();
    await deleteGroup(kafka, groupId);
  }
}

async function deleteGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteGroups([groupId]);
  } catch (error) {
    // A group that never committed may already be gone; anything else is worth a line.
    if (!/GROUP_ID_NOT_FOUND|does not exist/i.test(errorMessage(error))) {
      process.stderr.write(
        `wikistream: could not delete the reader group ${groupId}: ${errorMessage(error)}\n`,
      );
    }
  } finally {
    await admin.disconnect();
  }
}
