import type { StreamName } from "@wikistream/events";

/** Header names of the Kafka record contract between ingest and indexer (see README). */
export const headers = {
  stream: "wikistream-stream",
  metaId: "wikistream-meta-id",
  sseId: "wikistream-sse-id",
  /** Where to resume so that nothing of this record's batch is lost: the id before the batch. */
  resumeId: "wikistream-resume-id",
  /** When no id preceded the batch: meta.dt of its oldest event, for `?since=`. */
  resumeSince: "wikistream-resume-since",
  /** Dead-letter records only: a digest of the SSE id and raw payload, so a frame read again after a
   * restart is recognised and not dead-lettered twice. */
  frameId: "wikistream-frame-id",
} as const;

export interface OutboundRecord {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
  /** The SSE id of the event (absent for frames without an id). */
  sseId: string | undefined;
  metaId: string | undefined;
  /** meta.dt in ms, for the seconds-behind metric. */
  eventTimeMs: number | undefined;
  stream: StreamName | undefined;
}

type KeyedEvent = {
  meta: { id: string; domain?: string | undefined };
  wiki?: unknown;
  title?: unknown;
  wiki_id?: unknown;
  page?: unknown;
  database?: unknown;
  page_id?: unknown;
};

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

/** The record of a valid event: the payload byte for byte as received, keyed by page. */
export function eventRecord(
  topic: string,
  stream: StreamName,
  event: KeyedEvent & { meta: { dt: string } },
  frame: { id: string | undefined; data: string },
): OutboundRecord {
  return {
    topic,
    key: recordKey(stream, event),
    value: frame.data,
    headers: {
      [headers.stream]: stream,
      [headers.metaId]: event.meta.id,
      ...(frame.id === undefined ? {} : { [headers.sseId]: frame.id }),
    },
    sseId: frame.id,
    metaId: event.meta.id,
    eventTimeMs: Date.parse(event.meta.dt),
    stream,
  };
}
