/** One partition's slice of a topic: offsets `from` (inclusive) to `to` (exclusive), as strings like kafkajs. */
export interface PartitionRange {
  readonly partition: number;
  readonly from: string;
  readonly to: string;
}

/** What the operator asked for; each bound is optional. */
export interface RangeSelection {
  readonly partitions?: readonly number[] | undefined;
  readonly fromOffset?: string | undefined;
  readonly toOffset?: string | undefined;
  /** Offsets of the first record at or after `since` / `until`, per partition (from the broker). */
  readonly sinceOffsets?: ReadonlyMap<number, string> | undefined;
  readonly untilOffsets?: ReadonlyMap<number, string> | undefined;
}

export interface PartitionBounds {
  readonly partition: number;
  /** Oldest retained offset. */
  readonly low: string;
  /** Next offset to be written (the high-water mark). */
  readonly high: string;
}

const big = (value: string): bigint => BigInt(value);
const max = (a: bigint, b: bigint) => (a > b ? a : b);
const min = (a: bigint, b: bigint) => (a < b ? a : b);

/** A time bound the broker answered with -1 (no record at or after it) means the partition's end. */
function timeBound(offsets: ReadonlyMap<number, string> | undefined, bounds: PartitionBounds) {
  const offset = offsets?.get(bounds.partition);
  if (offset === undefined) return undefined;
  return offset === "-1" ? big(bounds.high) : big(offset);
}

/**
 * The ranges to read: the retained offsets of each chosen partition, narrowed by the offset and time
 * bounds; a bound outside what Kafka still holds is clamped to it. Pure, so the arithmetic is tested.
 */
export function resolveRanges(
  bounds: readonly PartitionBounds[],
  selection: RangeSelection,
): PartitionRange[] {
  const chosen = selection.partitions === undefined ? undefined : new Set(selection.partitions);
  return bounds
    .filter((b) => chosen === undefined || chosen.has(b.partition))
    .sort((a, b) => a.partition - b.partition)
    .map((b) => {
      const low = big(b.low);
      const high = big(b.high);
      let from = low;
      let to = high;
      if (selection.fromOffset !== undefined) from = max(from, big(selection.fromOffset));
      if (selection.toOffset !== undefined) to = min(to, big(selection.toOffset));
      const since = timeBound(selection.sinceOffsets, b);
      if (since !== undefined) from = max(from, since);
      const until = timeBound(selection.untilOffsets, b);
      if (until !== undefined) to = min(to, until);
      if (to < from) to = from;
      return { partition: b.partition, from: String(from), to: String(to) };
    });
}

/** Records a set of ranges covers (an upper bound: compaction and transaction markers leave gaps). */
export function rangeSize(ranges: readonly PartitionRange[]): number {
  return ranges.reduce((sum, r) => sum + Number(big(r.to) - big(r.from)), 0);
}
