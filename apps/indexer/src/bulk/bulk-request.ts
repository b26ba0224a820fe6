import { eventTimeMs } from "../index/event-time.ts";
import { type IndexBucket, type IndexedStream, indexFor } from "../index/names.ts";

/** One `_bulk` operation: the action line and the document line, NDJSON as UTF-8 bytes. */
export interface BulkOperation {
  readonly index: string;
  /** `_id` = meta.id, so every delivery of an event writes the same document. */
  readonly id: string;
  /** The operation's NDJSON in pieces, concatenated as they are (see bulkBodyBytes). */
  readonly chunks: readonly Uint8Array[];
  /** Bytes of all chunks, for bulk sizing by bytes. */
  readonly bytes: number;
}

/** UTF-8 byte length without allocating (surrogate pairs count 4, lone surrogates 3 as U+FFFD). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i += 1;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

export interface IndexNaming {
  prefix: string;
  bucket: IndexBucket;
}

const utf8 = new TextEncoder();

function actionLine(index: string, id: string): string {
  // `index` (not `create`) so a re-delivery overwrites instead of failing with 409.
  return `${JSON.stringify({ index: { _index: index, _id: id } })}\n`;
}

/**
 * The `index` operation for a document: `_index` from the stream and meta.dt (see index/names.ts), `_id`
 * from meta.id, the document serialised here. For documents whose event bytes cannot be reused
 * (see sourceDocumentEnd); the fast path is bulkOperationFromSource.
 */
export function bulkOperation(
  stream: IndexedStream,
  /** The document to index (see prepare/transform.ts); only serialised here. */
  document: object,
  meta: { id: string; dt: string },
  naming: IndexNaming,
): BulkOperation & { readonly ndjson: string } {
  const index = indexFor(naming.prefix, stream, eventTimeMs(meta.dt), naming.bucket);
  const ndjson = `${actionLine(index, meta.id)}${JSON.stringify(document)}\n`;
  const bytes = utf8.encode(ndjson);
  return { index, id: meta.id, ndjson, chunks: [bytes], bytes: bytes.byteLength };
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const NEWLINE = 0x0a;
const isJsonSpace = (byte: number | undefined) =>
  byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;

/**
 * Where the closing brace of a JSON object's bytes is, when those bytes can be the start of a `_bulk`
 * document line as they are: they begin with `{` (no BOM, no leading space) and hold no newline (a
 * raw newline between tokens would end the NDJSON line). Undefined otherwise. The caller knows the
 * bytes parse as a non-empty JSON object (decode did it).
 */
export function sourceDocumentEnd(source: Uint8Array): number | undefined {
  if (source[0] !== OPEN_BRACE) return undefined;
  let end = source.byteLength - 1;
  while (end > 0 && isJsonSpace(source[end])) end -= 1;
  if (end <= 1 || source[end] !== CLOSE_BRACE) return undefined;
  if (source.indexOf(NEWLINE) !== -1) return undefined;
  return end;
}

/**
 * The `index` operation whose document is the event's own bytes with the derived fields appended as
 * the last member, `"wikistream": {…}`: the same document bulkOperation() serialises (toDocument puts
 * `wikistream` last too), without parsing and re-serialising the event. The caller checks that the
 * event has no `wikistream` member of its own (the document replaces it) and passes `end` from
 * sourceDocumentEnd(). The chunks keep a view of `source`, no copy.
 */
export function bulkOperationFromSource(
  stream: IndexedStream,
  source: Uint8Array,
  end: number,
  derived: object,
  meta: { id: string; dt: string },
  naming: IndexNaming,
  /** eventTimeMs(meta.dt), when the caller has it already. */
  timeMs: number = eventTimeMs(meta.dt),
): BulkOperation {
  const index = indexFor(naming.prefix, stream, timeMs, naming.bucket);
  // One small buffer for both ends, cut in two: Buffer.from takes it from a shared pool, where
  // TextEncoder would give each its own ArrayBuffer (two allocations a record, more work for the GC).
  const action = actionLine(index, meta.id);
  const ends = Buffer.from(`${action},"wikistream":${JSON.stringify(derived)}}\n`);
  const headBytes = utf8Length(action);
  const head = ends.subarray(0, headBytes);
  const tail = ends.subarray(headBytes);
  const body = source.subarray(0, end);
  return {
    index,
    id: meta.id,
    chunks: [head, body, tail],
    bytes: head.byteLength + body.byteLength + tail.byteLength,
  };
}

/** The request body as text: operations in order; the n-th response item answers the n-th operation. */
export function bulkBody(operations: readonly Pick<BulkOperation & { ndjson: string }, "ndjson">[]): string {
  let body = "";
  for (const operation of operations) body += operation.ndjson;
  return body;
}

/** The request body as one buffer of known length, operations in order (what bulk-client sends). */
export function bulkBodyBytes(
  operations: readonly Pick<BulkOperation, "chunks" | "bytes">[],
  /** Where the body goes: a buffer of exactly `size` bytes (see body-pool.ts). */
  allocate: (size: number) => Uint8Array = (size) => new Uint8Array(size),
): Uint8Array {
  let total = 0;
  for (const operation of operations) total += operation.bytes;
  const body = allocate(total);
  let at = 0;
  for (const operation of operations) {
    for (const chunk of operation.chunks) {
      body.set(chunk, at);
      at += chunk.byteLength;
    }
  }
  return body;
}
