import {
  type BulkOperation,
  bulkOperation,
  bulkOperationFromSource,
  type IndexNaming,
  sourceDocumentEnd,
} from "../bulk/bulk-request.ts";
import { TransformError } from "../errors.ts";
import { eventTimeMs } from "../index/event-time.ts";
import type { IndexedStream } from "../index/names.ts";
import type { ConsumedRecord } from "../record.ts";
import { decodeRecord, type IndexedEvent } from "./decode.ts";
import { deriveFields } from "./transform.ts";
import type { TransformSet } from "./transforms/index.ts";

export interface PrepareOptions {
  topicPrefix: string;
  transforms: TransformSet;
  naming: IndexNaming;
}

/** What becomes of one consumed record before delivery. */
export type Prepared =
  | {
      readonly kind: "item";
      readonly operation: BulkOperation;
      readonly stream: IndexedStream;
      readonly eventTimeMs: number;
    }
  | { readonly kind: "skip"; readonly reason: string }
  | {
      readonly kind: "dead_letter";
      readonly stage: "decode" | "transform";
      readonly reason: string;
      readonly detail: string;
      /** The error a transform threw, for errors_total{code}. */
      readonly error?: unknown;
    };

/** decode → transform → bulk operation, or a skip (canary) or a dead letter naming why. Pure. */
export function prepareRecord(record: ConsumedRecord, options: PrepareOptions): Prepared {
  const decoded = decodeRecord(record, options.topicPrefix);
  if (decoded.kind === "skip") return { kind: "skip", reason: decoded.reason };
  if (decoded.kind === "reject") {
    return { kind: "dead_letter", stage: "decode", reason: decoded.reason, detail: decoded.detail };
  }
  try {
    const derived = deriveFields(decoded, options.transforms);
    // Once per record: the index name and the event-time check both use it.
    const timeMs = eventTimeMs(decoded.event.meta.dt);
    const operation = operationFor(decoded, record.value, derived, options.naming, timeMs);
    return { kind: "item", operation, stream: decoded.stream, eventTimeMs: timeMs };
  } catch (error) {
    const cause = error instanceof TransformError ? error.cause : undefined;
    const detail = cause instanceof Error ? `${(error as Error).message}: ${cause.message}` : String(error);
    return { kind: "dead_letter", stage: "transform", reason: "transform_failed", detail, error };
  }
}

/**
 * The event's own bytes with the derived fields appended when they can be reused as they are (the
 * usual case: ingest writes the payload as received, compact, one line); else the document parsed
 * and serialised again. Both give the same document (see bulkOperationFromSource), with one
 * exception: an event with a duplicate key (valid for JSON.parse, last one wins) is refused by
 * OpenSearch as sent, so it is dead-lettered (mapper_parsing_exception) with its value intact.
 */
function operationFor(
  decoded: IndexedEvent,
  value: Uint8Array | null,
  derived: object,
  naming: IndexNaming,
  timeMs: number,
): BulkOperation {
  const { stream, event } = decoded;
  const end = value === null ? undefined : sourceDocumentEnd(value);
  if (value !== null && end !== undefined && !Object.hasOwn(event, "wikistream")) {
    return bulkOperationFromSource(stream, value, end, derived, event.meta, naming, timeMs);
  }
  const { ndjson: _text, ...operation } = bulkOperation(
    stream,
    { ...(event as Record<string, unknown>), wikistream: derived },
    event.meta,
    naming,
  );
  return operation;
}
