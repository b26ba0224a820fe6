import type { StreamName } from "./streams.ts";

/**
 * The Kafka record contract between ingest (the writer) and the indexer (the reader), in one place:
 * value = the event's JSON exactly as received; key = the page (see recordKey); these headers; topics
 * named by topicForStream. Every app, test helper and benchmark takes the names from here.
 */
export const recordHeaders = {
  /** The canonical stream name, e.g. mediawiki.recentchange. */
  stream: "wikistream-stream",
  metaId: "wikistream-meta-id",
  /** The EventStreams SSE id (a JSON array of topic/partition/offset or timestamp). */
  sseId: "wikistream-sse-id",
  /** Where to resume so that nothing of this record's batch is lost: the id before the batch. */
  resumeId: "wikistream-resume-id",
  /** When no id preceded the batch: meta.dt of its oldest event, for `?since=`. */
  resumeSince: "wikistream-resume-since",
  /** Dead-letter records only: a digest of the SSE id and raw payload, so a frame read again after a
   * restart is recognised and not dead-lettered twice. */
  frameId: "wikistream-frame-id",
} as const;

/** The fields recordKey reads; every stream's events have some of them. */
export interface KeyedEvent {
  meta: { id: string; domain?: string | undefined };
  wiki?: unknown;
  title?: unknown;
  wiki_id?: unknown;
  page?: unknown;
  database?: unknown;
  page_id?: unknown;
}

/**
 * The record key decides the partition, and Kafka keeps order only within one. Keying by page keeps
 * all events of one page in order (an edit after its page's creation, a move after its edits);
 * pages spread evenly, and no single wiki becomes a hot partition, unlike keying by wiki.
 */
export function recordKey(stream: StreamName, event: KeyedEvent): string {
  if (stream === "mediawiki.recentchange" && typeof event.title === "string") {
    return `${String(event.wiki ?? event.meta.domain)}:${event.title}`;
  }
  const page = event.page as { page_id?: unknown } | undefined;
  if (typeof event.wiki_id === "string" && page && typeof page.page_id === "number") {
    return `${event.wiki_id}:${page.page_id}`;
  }
  if (typeof event.database === "string" && typeof event.page_id === "number") {
    return `${event.database}:${event.page_id}`;
  }
  // Without a page there is no order to keep; spread by event.
  return event.meta.id;
}
