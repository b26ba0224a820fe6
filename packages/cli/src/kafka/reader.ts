import { randomUUID } from "node:crypto";
import { errorMessage } from "@wikistream/resilience";
import type { Admin, Kafka } from "kafkajs";
import { type PartitionBounds, type PartitionRange, type RangeSelection, resolveRanges } from "./range.ts";

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

/** Where each partition stopped; `complete` is false when the idle limit ended a partition early. */
export interface ReadSummary {
  readonly partitions: readonly { partition: number; next: string; to: string; complete: boolean }[];
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
  const pending = new Map(ranges.filter((r) => BigInt(r.to) > BigInt(r.from)).map((r) => [r.partition, r]));
  const next = new Map(ranges.map((r) => [r.partition, r.from]));
  const summary = (complete: ReadonlySet<number>): ReadSummary => ({
    partitions: ranges.map((r) => ({
      partition: r.partition,
      next: next.get(r.partition) ?? r.from,
      to: r.to,
      complete: complete.has(r.partition) || BigInt(r.to) <= BigInt(r.from),
    })),
  });
  if (pending.size === 0) return summary(new Set());

  const groupId = `wikistream-cli-${randomUUID()}`;
  const consumer = kafka.consumer({
    groupId,
    maxWaitTimeInMs: 250,
    maxBytesPerPartition: options.maxBytesPerPartition ?? 4_194_304,
  });
  const done = new Set<number>();
  const idleMs = options.idleMs ?? 15_000;
  let lastProgress = Date.now();
  let failure: unknown;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const complete = (partition: number) => {
    done.add(partition);
    pending.delete(partition);
    consumer.pause([{ topic, partitions: [partition] }]);
    if (pending.size === 0) finish();
  };

  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      // Nothing is committed; resolving a batch (the default) only moves the fetch position on.
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat }) => {
        const range = pending.get(batch.partition);
        if (range === undefined) return;
        const to = BigInt(range.to);
        const inside: ReadRecord[] = [];
        for (const message of batch.messages) {
          const offset = BigInt(message.offset);
          if (offset < BigInt(range.from) || offset >= to) continue;
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
        try {
          if (inside.length > 0) await options.onRecords(inside);
        } catch (error) {
          failure = error;
          finish();
          return;
        }
        lastProgress = Date.now();
        const last = BigInt(batch.lastOffset());
        next.set(batch.partition, String(last + 1n > to ? to : last + 1n));
        if (last + 1n >= to) complete(batch.partition);
        await heartbeat();
      },
    });
    for (const range of pending.values())
      consumer.seek({ topic, partition: range.partition, offset: range.from });
    const idle = setInterval(() => {
      if (Date.now() - lastProgress > idleMs) finish();
    }, 500);
    try {
      await finished;
    } finally {
      clearInterval(idle);
    }
    if (failure !== undefined) throw failure;
    return summary(done);
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
