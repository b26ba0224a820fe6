import type { StreamName } from "@wikistream/events";

/**
 * Index naming. Each stream is written to time-bucketed indices chosen from the event's own `meta.dt`
 * (`wikistream-recentchange-2026.09`) and read through an alias (`wikistream-recentchange`).
 *
 * Why not a write alias or data stream with size/age rollover: rollover changes where a re-delivered
 * record lands. After a crash or rebalance, a record indexed into `…-000001` before a rollover would be
 * written again into `…-000002`, and `_id = meta.id` only deduplicates within one index, so the alias
 * would show it twice. Routing by `meta.dt` is a pure function of the record, so every delivery of a
 * record hits the same index and overwrites the same document: `_id` is unique across the alias.
 * Buckets "roll over" by calendar (month by default); retention deletes whole old buckets.
 */
export const indexedStreams = {
  "mediawiki.recentchange": "recentchange",
  "mediawiki.page_change.v1": "page_change",
} as const satisfies Partial<Record<StreamName, string>>;

export type IndexedStream = keyof typeof indexedStreams;
export type IndexFamily = (typeof indexedStreams)[IndexedStream];

export function isIndexedStream(stream: string): stream is IndexedStream {
  return Object.hasOwn(indexedStreams, stream);
}

export const indexBuckets = ["day", "month", "year"] as const;
export type IndexBucket = (typeof indexBuckets)[number];

const two = (n: number) => String(n).padStart(2, "0");

/** `2026`, `2026.09` or `2026.09.27` for an instant, in UTC. */
export function bucketSuffix(timeMs: number, bucket: IndexBucket): string {
  const date = new Date(timeMs);
  const year = String(date.getUTCFullYear()).padStart(4, "0");
  if (bucket === "year") return year;
  const month = `${year}.${two(date.getUTCMonth() + 1)}`;
  return bucket === "month" ? month : `${month}.${two(date.getUTCDate())}`;
}

/** Read alias of a stream's indices, e.g. `wikistream-recentchange`. */
export function readAlias(prefix: string, stream: IndexedStream): string {
  return `${prefix}-${indexedStreams[stream]}`;
}

/** Alias over every stream's indices, e.g. `wikistream-all`. */
export function allAlias(prefix: string): string {
  return `${prefix}-all`;
}

/** Pattern the stream's index template applies to. */
export function indexPattern(prefix: string, stream: IndexedStream): string {
  return `${readAlias(prefix, stream)}-*`;
}

/** The index a document with this event time is written to. */
export function indexFor(
  prefix: string,
  stream: IndexedStream,
  eventTimeMs: number,
  bucket: IndexBucket,
): string {
  return `${readAlias(prefix, stream)}-${bucketSuffix(eventTimeMs, bucket)}`;
}
