import { type KeyedEvent, recordHeaders, recordKey, type StreamName } from "@wikistream/events";

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
      [recordHeaders.stream]: stream,
      [recordHeaders.metaId]: event.meta.id,
      ...(frame.id === undefined ? {} : { [recordHeaders.sseId]: frame.id }),
    },
    sseId: frame.id,
    metaId: event.meta.id,
    eventTimeMs: Date.parse(event.meta.dt),
    stream,
  };
}
