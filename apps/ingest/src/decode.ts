import { isCanary, resolveStream, type StreamName, validateEvent } from "@wikistream/events";

export type DecodedFrame =
  | { kind: "event"; stream: StreamName; event: DecodedEvent }
  | { kind: "canary"; stream: StreamName }
  | { kind: "reject"; reason: RejectReason; detail: string };

/** Why a frame is dead-lettered before Kafka sees it: by the reader (size, bytes) or by decoding. */
export type RejectReason =
  | "invalid_json"
  | "schema_violation"
  | "unexpected_stream"
  | "event_too_large"
  | "invalid_utf8";

export type DecodedEvent = { meta: { id: string; dt: string; domain?: string | undefined } } & Record<
  string,
  unknown
>;

/**
 * One SSE data payload → a valid event of one of the requested streams, a canary to drop, or a
 * rejection for the dead-letter topic. Never throws: a malformed frame must not stop the stream.
 */
export function decodeFrame(data: string, requested: readonly StreamName[]): DecodedFrame {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch (error) {
    return { kind: "reject", reason: "invalid_json", detail: (error as Error).message };
  }
  const declared = (value as { meta?: { stream?: unknown } } | null)?.meta?.stream;
  // One connection carries several streams; meta.stream says which schema and topic an event is for.
  const stream =
    typeof declared === "string"
      ? resolveStream(declared)
      : requested.length === 1
        ? requested[0]
        : undefined;
  if (!stream || !requested.includes(stream)) {
    const detail = `meta.stream ${JSON.stringify(declared)} is not one of ${requested.join(", ")}`;
    // Without a stream we cannot pick a schema; say whether the shape or the stream is wrong.
    return typeof declared === "string"
      ? { kind: "reject", reason: "unexpected_stream", detail }
      : { kind: "reject", reason: "schema_violation", detail: `meta.stream: missing (${detail})` };
  }
  const result = validateEvent(stream, value);
  if (!result.ok) return { kind: "reject", reason: "schema_violation", detail: result.detail };
  if (isCanary(result.event)) return { kind: "canary", stream };
  return { kind: "event", stream, event: result.event as DecodedEvent };
}
