import { ReplayError } from "./errors.ts";
import { formatEventId, type TopicPosition } from "./event-id.ts";
import type { RecordedEvent } from "./recorded-event.ts";
import type { StreamSequence } from "./sequence.ts";
import { topicFor } from "./stream-names.ts";

/**
 * `offset` (default): ids carry the next offset to read, so resuming is exact.
 * `timestamp`: ids carry `meta.dt + 1` like production (KafkaSSE `useTimestampForId`). Several events
 * can share a millisecond (all three in the 2022 capture do), and production then skips the rest of
 * them on resume; this mode reproduces that, so exact-resume tests should use offset mode.
 */
export type IdMode = "offset" | "timestamp";

/** Where one connection is in one requested stream. */
export interface ReadPosition {
  readonly sequence: StreamSequence;
  readonly topic: string;
  next: number;
  /** Start was set by Last-Event-ID or `since`, so the id can carry it before anything is delivered. */
  positioned: boolean;
  /** Timestamp this stream was started at, echoed in timestamp-mode ids until something is delivered. */
  startTimestamp: number | undefined;
  lastDt: number | undefined;
  delivered: number;
}

export interface StartRequest {
  readonly assignments: readonly TopicPosition[];
  readonly since: number | undefined;
  readonly datacenter: string;
  /** Datacenter prefixes a client may name in Last-Event-ID (production ids carry both DCs). */
  readonly datacenters: readonly string[];
  /** What an entry with offset -1 starts at (default "beginning", see `startPositions`). */
  readonly minusOneMeans?: MinusOneMeans;
}

/**
 * `beginning` (default): a replay's "latest" would be the end of the recording and would silently skip a
 * stream never read yet. `latest`: production (KafkaSSE) semantics, the end of the log at connect, to
 * reproduce what a client sending -1 back misses.
 */
export type MinusOneMeans = "beginning" | "latest";

/**
 * Start positions per requested stream. Per topic `offset` wins over `timestamp` (KafkaSSE); `since`
 * counts only when Last-Event-ID is empty. Offset -1 ("latest") starts at the beginning unless
 * `minusOneMeans` is "latest" (see `MinusOneMeans`).
 * Entries for the other datacenter's topics are accepted and ignored: the replay has one DC's log.
 */
export function startPositions(sequences: readonly StreamSequence[], request: StartRequest): ReadPosition[] {
  const allowed = new Set(
    sequences.flatMap((sequence) => request.datacenters.map((dc) => topicFor(sequence.stream, dc))),
  );
  for (const entry of request.assignments) {
    if (!allowed.has(entry.topic)) {
      throw new ReplayError(
        "invalid_assignment",
        `Last-Event-ID names topic ${entry.topic}, which is not part of the requested streams`,
      );
    }
  }
  return sequences.map((sequence): ReadPosition => {
    const topic = topicFor(sequence.stream, request.datacenter);
    const position: ReadPosition = {
      sequence,
      topic,
      next: 0,
      positioned: false,
      startTimestamp: undefined,
      lastDt: undefined,
      delivered: 0,
    };
    const entry = request.assignments.findLast((candidate) => candidate.topic === topic);
    if (entry !== undefined && entry.partition !== 0) {
      throw new ReplayError(
        "invalid_assignment",
        `Last-Event-ID names ${topic} partition ${entry.partition}; only partition 0 exists`,
      );
    }
    if (entry?.offset !== undefined && entry.offset >= 0) {
      position.next = Math.min(entry.offset, sequence.length);
      position.positioned = true;
    } else if (entry?.offset !== undefined && request.minusOneMeans === "latest") {
      position.next = sequence.length;
      position.positioned = true;
    } else if (entry?.timestamp !== undefined) {
      position.next = sequence.offsetForTimestamp(entry.timestamp);
      position.positioned = true;
      position.startTimestamp = entry.timestamp;
    } else if (request.assignments.length === 0 && request.since !== undefined) {
      position.next = sequence.offsetForTimestamp(request.since);
      position.positioned = true;
      position.startTimestamp = request.since;
    }
    return position;
  });
}

/** The stream whose next event has the smallest `meta.dt`; ties go to the stream requested first. */
export function nextPosition(positions: readonly ReadPosition[]): ReadPosition | undefined {
  let best: ReadPosition | undefined;
  let bestDt = Number.POSITIVE_INFINITY;
  for (const position of positions) {
    const dt = position.sequence.dtAt(position.next);
    if (dt !== undefined && (best === undefined || dt < bestDt)) {
      best = position;
      bestDt = dt;
    }
  }
  return best;
}

/** Takes the next event of `position` and moves past it. */
export function take(position: ReadPosition): RecordedEvent | undefined {
  const event = position.sequence.at(position.next);
  if (event === undefined) return undefined;
  position.next += 1;
  position.positioned = true;
  position.lastDt = event.dt;
  position.delivered += 1;
  return event;
}

/** The SSE id after the events delivered so far: one entry per requested stream's topic. */
export function eventIdFor(
  positions: readonly ReadPosition[],
  mode: IdMode,
  standbyDatacenter?: string,
): string {
  const entries: TopicPosition[] = [];
  for (const position of positions) {
    const { topic } = position;
    if (mode === "timestamp" && position.lastDt !== undefined) {
      entries.push({ topic, partition: 0, timestamp: position.lastDt + 1 });
    } else if (mode === "timestamp" && position.startTimestamp !== undefined) {
      entries.push({ topic, partition: 0, timestamp: position.startTimestamp });
    } else {
      entries.push({ topic, partition: 0, offset: position.positioned ? position.next : -1 });
    }
    if (standbyDatacenter !== undefined) {
      entries.push({
        topic: topicFor(position.sequence.stream, standbyDatacenter),
        partition: 0,
        offset: -1,
      });
    }
  }
  return formatEventId(entries);
}
