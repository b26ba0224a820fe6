/**
 * The Kafka records ingest writes for a set of events, built the way ingest builds them (the record
 * contract of @wikistream/events: topic, key, value byte for byte, headers), for the bare producer.
 */
import { writeFileSync } from "node:fs";
import {
  type KeyedEvent,
  recordHeaders,
  recordKey,
  type StreamName,
  topicForStream,
} from "@wikistream/events";
import { formatEventId, type RecordedEvent } from "@wikistream/replay";
import { decodeFrame } from "../../apps/ingest/src/index.ts";

export interface BareRecord {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

const streams: StreamName[] = ["mediawiki.recentchange", "mediawiki.page_change.v1"];

/**
 * One record per event ingest would publish (ingest's own decodeFrame decides: canaries and rejects
 * are left out). The SSE id headers have the shape of the replay server's ids (one topic position);
 * the resume header carries the id before the record's batch, as ingest's publisher sets it.
 */
export function ingestRecords(events: readonly RecordedEvent[], topicPrefix: string, batchSize: number) {
  const records: BareRecord[] = [];
  let batchStartId: string | undefined;
  events.forEach((recorded, offset) => {
    const frame = decodeFrame(recorded.data, streams);
    if (frame.kind !== "event") return;
    const sseId = formatEventId([{ topic: `eqiad.${frame.stream}`, partition: 0, offset }]);
    if (records.length % batchSize === 0) batchStartId = records.at(-1)?.headers[recordHeaders.sseId];
    records.push({
      topic: topicForStream(topicPrefix, frame.stream),
      key: recordKey(frame.stream, frame.event as KeyedEvent),
      value: recorded.data,
      headers: {
        [recordHeaders.stream]: frame.stream,
        [recordHeaders.metaId]: frame.event.meta.id,
        [recordHeaders.sseId]: sseId,
        ...(batchStartId === undefined
          ? { [recordHeaders.resumeSince]: frame.event.meta.dt }
          : { [recordHeaders.resumeId]: batchStartId }),
      },
    });
  });
  return records;
}

/** Writes records as JSON lines for a child process (the runner holds the events, the child sends). */
export function writeRecords(file: string, records: readonly BareRecord[]): void {
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join("\n"));
}
