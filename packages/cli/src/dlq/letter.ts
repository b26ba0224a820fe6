import {
  deadLetterHeaders,
  isDeadLetter,
  originalHeaders,
  readDeadLetterHeaders,
  recordHeaders,
  recordKey,
  redriveHeader,
  resolveStream,
} from "@wikistream/events";
import type { ReadRecord } from "../kafka/reader.ts";

/** The indexer's dead-letter headers: the DLQ topic's public format, defined in @wikistream/events. */
export const indexerLetterHeaders = deadLetterHeaders;

export { redriveHeader };

export type LetterApp = "indexer" | "ingest";

/** A dead letter, whichever app wrote it, with what a re-drive would send. */
export interface Letter {
  readonly app: LetterApp;
  readonly dlqTopic: string;
  readonly partition: number;
  readonly offset: string;
  /** `<dlq topic>:<partition>:<offset>`: the audit key, and the re-driven record's header. */
  readonly ref: string;
  readonly reason: string;
  readonly detail: string;
  /** When the letter was written (the indexer's header, ingest's receivedAt, else the record time). */
  readonly time: string;
  readonly metaId: string | undefined;
  /** Where it was read from (indexer letters); ingest letters never reached a topic. */
  readonly sourceTopic: string | undefined;
  readonly source: { readonly partition: number; readonly offset: string } | undefined;
  /** What a re-drive sends: the original key, value and headers, byte for byte. */
  readonly original: {
    readonly key: Buffer | null;
    readonly value: Buffer | null;
    readonly headers: Readonly<Record<string, Buffer>>;
  };
  /** Why a re-drive cannot send it as it is, if so. */
  readonly unredrivable: string | undefined;
}

const text = (headers: Readonly<Record<string, Buffer>>, name: string) => headers[name]?.toString("utf8");

function fromIndexer(record: ReadRecord): Letter {
  const h = readDeadLetterHeaders(record.headers);
  const partition = Number(h.partition);
  return {
    ...where(record),
    app: "indexer",
    reason: h.reason ?? "unknown",
    detail: h.detail ?? "",
    time: h.time ?? new Date(Number(record.timestamp)).toISOString(),
    metaId: text(record.headers, recordHeaders.metaId),
    sourceTopic: h.topic,
    source:
      Number.isInteger(partition) && h.offset !== undefined ? { partition, offset: h.offset } : undefined,
    original: { key: record.key, value: record.value, headers: originalHeaders(record.headers) },
    unredrivable:
      h.truncated !== undefined
        ? `truncated letter (original ${h.truncated} bytes): only a prefix of the value was kept`
        : h.topic === undefined
          ? `no ${deadLetterHeaders.topic} header`
          : undefined,
  };
}

interface IngestValue {
  reason?: unknown;
  detail?: unknown;
  raw?: unknown;
  receivedAt?: unknown;
}

/**
 * Ingest letters hold a frame that never became a record: the value is JSON with the payload in
 * `raw`. A re-drive sends `raw` as the value with the key and headers ingest would have given it,
 * which needs the payload to be an event with meta.id and a known meta.stream.
 */
function fromIngest(record: ReadRecord, value: IngestValue): Letter {
  const raw = typeof value.raw === "string" ? value.raw : "";
  let metaId: string | undefined;
  let stream: ReturnType<typeof resolveStream>;
  let event: { meta?: { id?: unknown; stream?: unknown } } | undefined;
  try {
    event = JSON.parse(raw) as typeof event;
  } catch {
    event = undefined;
  }
  if (typeof event?.meta?.id === "string") metaId = event.meta.id;
  if (typeof event?.meta?.stream === "string") stream = resolveStream(event.meta.stream);
  const headers: Record<string, Buffer> = {};
  let key: Buffer | null = null;
  if (metaId !== undefined && stream !== undefined) {
    headers[recordHeaders.stream] = Buffer.from(stream);
    headers[recordHeaders.metaId] = Buffer.from(metaId);
    key = Buffer.from(recordKey(stream, event as Parameters<typeof recordKey>[1]));
  }
  return {
    ...where(record),
    app: "ingest",
    reason: typeof value.reason === "string" ? value.reason : "unknown",
    detail: typeof value.detail === "string" ? value.detail : "",
    time:
      typeof value.receivedAt === "string"
        ? value.receivedAt
        : new Date(Number(record.timestamp)).toISOString(),
    metaId,
    sourceTopic: undefined,
    source: undefined,
    original: { key, value: Buffer.from(raw), headers },
    unredrivable:
      event === undefined
        ? "the payload is not JSON"
        : metaId === undefined || stream === undefined
          ? "the payload has no meta.id or no known meta.stream"
          : undefined,
  };
}

function where(record: ReadRecord) {
  return {
    dlqTopic: record.topic,
    partition: record.partition,
    offset: record.offset,
    ref: `${record.topic}:${record.partition}:${record.offset}`,
  };
}

/** Reads a DLQ record of either app: the indexer's carry `wikistream-dlq-reason`, ingest's are JSON. */
export function decodeLetter(record: ReadRecord): Letter {
  if (isDeadLetter(record.headers)) return fromIndexer(record);
  let value: IngestValue | undefined;
  try {
    value = JSON.parse(record.value?.toString("utf8") ?? "") as IngestValue;
  } catch {
    value = undefined;
  }
  if (value !== null && typeof value === "object" && typeof value.raw === "string") {
    return fromIngest(record, value);
  }
  return {
    ...where(record),
    app: "indexer",
    reason: "unknown",
    detail: "neither an indexer letter (no wikistream-dlq-reason header) nor an ingest letter (no JSON raw)",
    time: new Date(Number(record.timestamp)).toISOString(),
    metaId: text(record.headers, recordHeaders.metaId),
    sourceTopic: undefined,
    source: undefined,
    original: { key: record.key, value: record.value, headers: record.headers },
    unredrivable: "not a dead letter of either app",
  };
}
