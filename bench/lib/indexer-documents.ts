/**
 * The documents the indexer writes for a set of events, made by the indexer's own code (validation as
 * its decode does it, its transforms, its index naming and templates), for the raw `_bulk` ceiling.
 *
 * Imports only what apps/indexer/src/index.ts exports, read only, so the indexer's layout can move.
 */
import type { Client } from "@opensearch-project/opensearch";
import { isCanary, resolveStream, validateEvent } from "@wikistream/events";
import type { RecordedEvent } from "@wikistream/replay";
import {
  componentTemplates,
  indexFor,
  indexTemplates,
  loadIndexerConfig,
  toDocument,
} from "../../apps/indexer/src/index.ts";

export { loadIndexerConfig };

/**
 * The indexer's component and index templates (its own template builders), PUT in its order. A new
 * prefix has no indices yet, so the indexer's last step (refresh_interval of existing indices) has
 * nothing to do here.
 */
export async function installTemplates(
  client: Client,
  settings: Parameters<typeof componentTemplates>[0],
): Promise<void> {
  for (const { name, body } of componentTemplates(settings)) {
    await client.cluster.putComponentTemplate({ name, body });
  }
  for (const { name, body } of indexTemplates(settings)) {
    await client.indices.putIndexTemplate({ name, body: body as never });
  }
}

type IndexedEvent = Parameters<typeof toDocument>[0];
type IndexedStream = IndexedEvent["stream"];
type IndexBucket = Parameters<typeof indexFor>[3];

const indexed: readonly string[] = ["mediawiki.recentchange", "mediawiki.page_change.v1"];

/** One transformed document, serialised once; the action line is added per run (its index prefix). */
export interface PreparedDocument {
  stream: IndexedStream;
  id: string;
  eventTimeMs: number;
  json: string;
}

/**
 * Event → document as the indexer makes it: the stream from meta.stream, canaries skipped, the event
 * as validated by @wikistream/events (what the indexer's decode keeps), then `toDocument`.
 * Events the indexer would not index are left out.
 */
export function indexerDocuments(events: readonly RecordedEvent[]): PreparedDocument[] {
  const documents: PreparedDocument[] = [];
  for (const recorded of events) {
    const stream = resolveStream(recorded.stream);
    if (stream === undefined || !indexed.includes(stream)) continue;
    const result = validateEvent(stream, JSON.parse(recorded.data));
    if (!result.ok || isCanary(result.event)) continue;
    const event = { stream, event: result.event } as IndexedEvent;
    documents.push({
      stream: event.stream,
      id: result.event.meta.id,
      eventTimeMs: Date.parse(result.event.meta.dt),
      json: JSON.stringify(toDocument(event)),
    });
  }
  return documents;
}

/** `_bulk` request bodies of `size` documents each: NDJSON, UTF-8 bytes of known length, into the indexer's indices. */
export function bulkBodies(
  documents: readonly PreparedDocument[],
  prefix: string,
  bucket: IndexBucket,
  size: number,
): Uint8Array<ArrayBuffer>[] {
  const utf8 = new TextEncoder();
  const bodies: Uint8Array<ArrayBuffer>[] = [];
  for (let at = 0; at < documents.length; at += size) {
    let body = "";
    for (const d of documents.slice(at, at + size)) {
      const index = indexFor(prefix, d.stream, d.eventTimeMs, bucket);
      body += `${JSON.stringify({ index: { _index: index, _id: d.id } })}\n${d.json}\n`;
    }
    bodies.push(utf8.encode(body));
  }
  return bodies;
}
