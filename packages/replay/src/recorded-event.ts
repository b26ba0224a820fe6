import { errorMessage, ReplayError } from "./errors.ts";
import { streamFromSchema } from "./stream-names.ts";

/** The envelope fields the replay reads; everything else is carried untouched. */
export interface RecordedMeta {
  id?: string;
  dt?: string;
  stream?: string;
  domain?: string;
  [field: string]: unknown;
}

export interface RecordedPayload {
  $schema?: string;
  meta?: RecordedMeta;
  [field: string]: unknown;
}

/** One recorded event. Treat as immutable: servers and tests share the same objects. */
export interface RecordedEvent {
  /** Canonical stream name, e.g. `mediawiki.recentchange`, `mediawiki.page_change.v1`. */
  readonly stream: string;
  /** The exact JSON text as recorded; replayed byte for byte. */
  readonly data: string;
  /** `data`, parsed. */
  readonly event: RecordedPayload;
  /** `Date.parse(meta.dt)` in ms. Not monotonic within a recording (see the enwiki capture). */
  readonly dt: number;
  /** The SSE `id:` the event was recorded with (raw `.sse` captures only). */
  readonly sourceId?: string;
  /** Where the event was read from, for error messages. */
  readonly origin?: { readonly file: string; readonly line: number };
}

export interface EventContext {
  readonly file: string;
  readonly line: number;
  readonly sourceId?: string | undefined;
  /** Stream for events that carry neither `meta.stream` nor a known `$schema`. */
  readonly defaultStream?: string | undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses and checks one recorded JSON text; errors name the file and line. */
export function toRecordedEvent(data: string, at: EventContext): RecordedEvent {
  const where = `${at.file}:${at.line}`;
  const fail = (code: "recording_invalid_json" | "recording_invalid_event", why: string, cause?: unknown) =>
    new ReplayError(code, `${where}: ${why}`, { file: at.file, line: at.line, cause });

  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch (cause) {
    throw fail("recording_invalid_json", `not valid JSON (${errorMessage(cause)})`, cause);
  }
  if (!isObject(parsed)) throw fail("recording_invalid_event", "event is not a JSON object");
  const meta = isObject(parsed.meta) ? parsed.meta : undefined;
  if (typeof meta?.dt !== "string") throw fail("recording_invalid_event", "event has no meta.dt string");
  const dt = Date.parse(meta.dt);
  if (Number.isNaN(dt))
    throw fail("recording_invalid_event", `meta.dt ${JSON.stringify(meta.dt)} is not a date`);

  const stream =
    (typeof meta.stream === "string" && meta.stream !== "" ? meta.stream : undefined) ??
    streamFromSchema(parsed.$schema) ??
    streamFromSchema(meta.schema_uri) ??
    at.defaultStream;
  if (stream === undefined) {
    throw new ReplayError(
      "recording_unknown_stream",
      `${where}: no meta.stream, no known $schema and no defaultStream option`,
      { file: at.file, line: at.line },
    );
  }
  const event: RecordedEvent = {
    stream,
    data,
    event: parsed as RecordedPayload,
    dt,
    origin: { file: at.file, line: at.line },
  };
  return at.sourceId === undefined ? event : { ...event, sourceId: at.sourceId };
}
