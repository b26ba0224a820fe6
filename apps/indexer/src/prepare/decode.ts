import {
  isCanary,
  type PageChange,
  type RecentChange,
  recordHeaders,
  resolveStream,
  validateEvent,
} from "@wikistream/events";
import { type IndexedStream, isIndexedStream } from "../index/names.ts";
import type { ConsumedRecord } from "../record.ts";

export type IndexedEvent =
  | { stream: "mediawiki.recentchange"; event: RecentChange }
  | { stream: "mediawiki.page_change.v1"; event: PageChange };

/** Why a record cannot be indexed at all; each is a dead-letter reason. */
export type DecodeRejectReason =
  | "empty_value"
  | "invalid_utf8"
  | "invalid_json"
  | "schema_violation"
  | "stream_mismatch"
  | "unknown_stream"
  | "unsupported_stream";

export type Decoded =
  | ({ kind: "event"; validation: Validation } & IndexedEvent)
  | { kind: "skip"; reason: "canary" }
  | { kind: "reject"; reason: DecodeRejectReason; detail: string };

/**
 * How an event was checked. `full`: the stream's zod schema (`@wikistream/events`). `ingest`: the
 * record carries ingest's headers (stream and meta.id), so ingest validated this payload with the same
 * schema before writing it byte for byte; only the checks that protect the index are repeated (see
 * ingestCheckPasses). A record from any other producer, or one failing those checks, gets the full schema.
 */
export type Validation = "full" | "ingest";

const utf8 = new TextDecoder("utf-8", { fatal: true });
const datePrefix = /^\d{4}-\d{2}-\d{2}T/;

/**
 * The stream of a record: the `wikistream-stream` header, else the topic name without the prefix
 * (`wikistream.mediawiki.recentchange` → `mediawiki.recentchange`).
 */
export function streamOfRecord(
  record: Pick<ConsumedRecord, "topic" | "headers">,
  topicPrefix: string,
): { ok: true; stream: IndexedStream } | { ok: false; reason: DecodeRejectReason; detail: string } {
  const header = record.headers[recordHeaders.stream];
  const name =
    header ?? (record.topic.startsWith(topicPrefix) ? record.topic.slice(topicPrefix.length) : record.topic);
  const stream = resolveStream(name);
  if (stream === undefined) {
    const from = header === undefined ? `topic ${record.topic}` : `header ${recordHeaders.stream}`;
    return { ok: false, reason: "unknown_stream", detail: `no known stream "${name}" (from ${from})` };
  }
  if (!isIndexedStream(stream)) {
    return { ok: false, reason: "unsupported_stream", detail: `stream ${stream} has no index mapping` };
  }
  return { ok: true, stream };
}

function hasCanaryDomain(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const meta = (value as { meta?: unknown }).meta;
  if (typeof meta !== "object" || meta === null) return false;
  const domain = (meta as { domain?: unknown }).domain;
  return isCanary({ meta: { domain: typeof domain === "string" ? domain : undefined } });
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The checks repeated for a record ingest wrote: an object whose meta.id is the one ingest put in the
 * `wikistream-meta-id` header (`_id`), whose meta.dt is a date-time (it picks the index) and whose
 * meta.stream is the record's stream (a record in the wrong topic would land in the wrong index).
 * Field types the transforms rely on are guarded by the transforms themselves (a throw dead-letters).
 */
function ingestCheckPasses(value: unknown, stream: IndexedStream, metaId: string): boolean {
  if (!isObject(value) || typeof value.$schema !== "string") return false;
  const meta = value.meta;
  if (!isObject(meta) || meta.id !== metaId || metaId === "") return false;
  const { dt, stream: metaStream } = meta;
  if (typeof dt !== "string" || !datePrefix.test(dt) || Number.isNaN(Date.parse(dt))) return false;
  return typeof metaStream === "string" && (metaStream === stream || metaStream.startsWith(`${stream}.`));
}

/**
 * Bytes → validated event, a skip (canary heartbeats are discarded, before validation since their
 * shape is not guaranteed), or a rejection naming the reason. Never throws.
 */
export function decodeRecord(record: ConsumedRecord, topicPrefix: string): Decoded {
  const resolved = streamOfRecord(record, topicPrefix);
  if (!resolved.ok) return { kind: "reject", reason: resolved.reason, detail: resolved.detail };
  if (record.value === null || record.value.byteLength === 0) {
    return { kind: "reject", reason: "empty_value", detail: "record has no value" };
  }
  let text: string;
  try {
    text = utf8.decode(record.value);
  } catch (error) {
    return { kind: "reject", reason: "invalid_utf8", detail: (error as Error).message };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { kind: "reject", reason: "invalid_json", detail: (error as Error).message };
  }
  if (hasCanaryDomain(value)) return { kind: "skip", reason: "canary" };
  const metaId = record.headers[recordHeaders.metaId];
  const fromIngest = record.headers[recordHeaders.stream] !== undefined && metaId !== undefined;
  if (fromIngest && ingestCheckPasses(value, resolved.stream, metaId)) {
    // The cheap checks passed, so the value has the shape the stream's type describes.
    const indexed = { stream: resolved.stream, event: value } as IndexedEvent;
    return { kind: "event", validation: "ingest", ...indexed };
  }
  const result = validateEvent(resolved.stream, value);
  if (!result.ok) return { kind: "reject", reason: result.reason, detail: result.detail };
  // The schema was chosen by the stream, so the event has that stream's type.
  return {
    kind: "event",
    validation: "full",
    ...({ stream: resolved.stream, event: result.event } as IndexedEvent),
  };
}
