import { derivedUuid, withMetaId } from "./multiply.ts";
import type { RecordedEvent } from "./recorded-event.ts";

/**
 * One stream as the server sees it: a Kafka-like log where offset i is the i-th recorded event.
 * Order is the recording order (Kafka order), not `meta.dt` order, which real captures do not keep.
 */
export interface StreamSequence {
  readonly stream: string;
  /** The recorded events (one pass, without loop copies). */
  readonly events: readonly RecordedEvent[];
  /** Infinity when looping. */
  readonly length: number;
  at(offset: number): RecordedEvent | undefined;
  dtAt(offset: number): number | undefined;
  /** First offset whose `meta.dt` >= `timestamp`, searched in the first pass; `events.length` if none. */
  offsetForTimestamp(timestamp: number): number;
}

export function createSequence(
  stream: string,
  events: readonly RecordedEvent[],
  loop: boolean,
): StreamSequence {
  const n = events.length;
  const looping = loop && n > 0;
  return {
    stream,
    events,
    length: looping ? Number.POSITIVE_INFINITY : n,
    at(offset) {
      if (offset < 0 || !Number.isInteger(offset)) return undefined;
      if (offset < n) return events[offset];
      if (!looping) return undefined;
      const original = events[offset % n];
      if (original === undefined) return undefined;
      const cycle = Math.floor(offset / n);
      return withMetaId(
        original,
        derivedUuid(`${original.event.meta?.id ?? `${stream}/${offset % n}`}/${cycle}`),
      );
    },
    dtAt(offset) {
      if (offset < 0 || (!looping && offset >= n)) return undefined;
      return events[offset % n]?.dt;
    },
    offsetForTimestamp(timestamp) {
      const found = events.findIndex((event) => event.dt >= timestamp);
      return found < 0 ? n : found;
    },
  };
}

/** Groups events by stream, keeping their relative order. */
export function groupByStream(events: readonly RecordedEvent[]): Map<string, RecordedEvent[]> {
  const groups = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    const group = groups.get(event.stream);
    if (group === undefined) groups.set(event.stream, [event]);
    else group.push(event);
  }
  return groups;
}
