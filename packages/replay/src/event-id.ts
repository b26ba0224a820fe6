import { errorMessage, ReplayError } from "./errors.ts";

/** One entry of an EventStreams SSE id / Last-Event-ID: a Kafka topic-partition and a position. */
export interface TopicPosition {
  readonly topic: string;
  readonly partition: number;
  /** Next offset to read; -1 means "latest" (nothing consumed on that topic yet). */
  readonly offset?: number;
  /** Message timestamp + 1 in ms (production ids), so resuming does not repeat the last event. */
  readonly timestamp?: number;
}

/** The id text for an entry list, keys in the order the real service writes them. */
export function formatEventId(entries: readonly TopicPosition[]): string {
  return JSON.stringify(
    entries.map((entry) =>
      entry.offset !== undefined
        ? { topic: entry.topic, partition: entry.partition, offset: entry.offset }
        : { topic: entry.topic, partition: entry.partition, timestamp: entry.timestamp },
    ),
  );
}

function integerField(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  // The OpenAPI spec types timestamp as a string, so numeric strings are accepted too.
  if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

/**
 * Parses a Last-Event-ID header: a JSON array of `{topic, partition, offset | timestamp}`.
 * An empty header means no assignments. Anything else malformed is a client error.
 */
export function parseLastEventId(header: string): TopicPosition[] {
  if (header.trim() === "") return [];
  const bad = (why: string, cause?: unknown) =>
    new ReplayError("invalid_last_event_id", `Last-Event-ID ${JSON.stringify(header)}: ${why}`, { cause });
  let parsed: unknown;
  try {
    parsed = JSON.parse(header);
  } catch (cause) {
    throw bad(`not JSON (${errorMessage(cause)})`, cause);
  }
  if (!Array.isArray(parsed)) throw bad("expected a JSON array of {topic, partition, offset|timestamp}");
  return parsed.map((item: unknown, index): TopicPosition => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      throw bad(`entry ${index} is not an object`);
    }
    const entry = item as Record<string, unknown>;
    if (typeof entry.topic !== "string" || entry.topic === "") throw bad(`entry ${index} has no topic`);
    const partition = integerField(entry.partition ?? 0);
    if (partition === undefined || partition < 0) throw bad(`entry ${index} has an invalid partition`);
    const offset = entry.offset === undefined ? undefined : integerField(entry.offset);
    const timestamp = entry.timestamp === undefined ? undefined : integerField(entry.timestamp);
    if (entry.offset !== undefined && offset === undefined) throw bad(`entry ${index} has an invalid offset`);
    if (entry.timestamp !== undefined && timestamp === undefined) {
      throw bad(`entry ${index} has an invalid timestamp`);
    }
    if (offset === undefined && timestamp === undefined)
      throw bad(`entry ${index} has neither offset nor timestamp`);
    return {
      topic: entry.topic,
      partition,
      ...(offset === undefined ? {} : { offset }),
      ...(timestamp === undefined ? {} : { timestamp }),
    };
  });
}
