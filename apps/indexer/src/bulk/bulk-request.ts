import { type IndexBucket, type IndexedStream, indexFor } from "../index/names.ts";

/** One `_bulk` operation: the action line and the document line, NDJSON, ready to concatenate. */
export interface BulkOperation {
  readonly index: string;
  /** `_id` = meta.id, so every delivery of an event writes the same document. */
  readonly id: string;
  readonly ndjson: string;
  /** UTF-8 length of `ndjson`, for bulk sizing by bytes. */
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

/**
 * The `index` operation for a document: `_index` from the stream and meta.dt (see index/names.ts), `_id`
 * from meta.id. `index` (not `create`) so a re-delivery overwrites instead of failing with 409.
 */
export function bulkOperation(
  stream: IndexedStream,
  /** The document to index (see prepare/transform.ts); only serialised here. */
  document: object,
  meta: { id: string; dt: string },
  naming: IndexNaming,
): BulkOperation {
  const index = indexFor(naming.prefix, stream, Date.parse(meta.dt), naming.bucket);
  const ndjson = `${JSON.stringify({ index: { _index: index, _id: meta.id } })}\n${JSON.stringify(document)}\n`;
  return { index, id: meta.id, ndjson, bytes: utf8Length(ndjson) };
}

/** The request body: operations in order; the n-th response item answers the n-th operation. */
export function bulkBody(operations: readonly Pick<BulkOperation, "ndjson">[]): string {
  let body = "";
  for (const operation of operations) body += operation.ndjson;
  return body;
}
