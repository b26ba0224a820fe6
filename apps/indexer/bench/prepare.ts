/**
 * The prepare stage alone (decode, checks, transforms, bulk line), in-process, no stack: the records
 * ingest would write for real events (value = the event's JSON as received, its headers), prepared
 * `rounds` times. Prints CPU-s per 100k records and the heap; run with --cpu-prof to see where it goes.
 *   node apps/indexer/bench/prepare.ts [mixed|month] [copies=14] [rounds=3]
 */
import { recordHeaders, topicForStream } from "@wikistream/events";
import { loadAllRecordings, loadRecording, multiplyEvents, recordingPath } from "@wikistream/replay";
import { prepareRecord } from "../src/prepare/prepare-record.ts";
import { defaultTransforms } from "../src/prepare/transform.ts";
import type { ConsumedRecord } from "../src/record.ts";

const [set = "month", copiesArg = "14", roundsArg = "3"] = process.argv.slice(2);
const real =
  set === "mixed"
    ? await loadAllRecordings()
    : await loadRecording(recordingPath("more/recentchange-enwiki-2026-07.ndjson"));
const events = multiplyEvents(real, Number(copiesArg));
const records: ConsumedRecord[] = events.map((e, i) => ({
  topic: `wikistream.${topicForStream(e.stream as never)}`,
  partition: 0,
  offset: String(i),
  key: null,
  value: Buffer.from(e.data),
  headers: {
    [recordHeaders.stream]: e.stream,
    [recordHeaders.metaId]: (e.event as { meta: { id: string } }).meta.id,
  },
  timestamp: "0",
}));
const options = {
  topicPrefix: "wikistream.",
  transforms: defaultTransforms,
  naming: { prefix: "b", bucket: "month" as const },
};
const kinds = new Map<string, number>();
for (let round = 0; round < Number(roundsArg); round += 1) {
  const start = process.cpuUsage();
  let bytes = 0;
  for (const record of records) {
    const prepared = prepareRecord(record, options);
    if (prepared.kind === "item") bytes += prepared.operation.bytes;
    if (round === 0) kinds.set(prepared.kind, (kinds.get(prepared.kind) ?? 0) + 1);
  }
  const used = process.cpuUsage(start);
  const seconds = (used.user + used.system) / 1e6;
  console.log(
    `round ${round}: ${records.length} records, ${(bytes / 1e6).toFixed(1)} MB of bulk lines, ${((seconds * 1e5) / records.length).toFixed(2)} CPU-s/100k, kinds ${JSON.stringify(Object.fromEntries(kinds))}`,
  );
}
