// Measures `wikistream verify` (README "Cost, measured"): produces N real-shaped recentchange records
// with fresh ids, indexes them with the real indexer, prints the names; then run verify on them:
//   node packages/cli/test/measure-verify.ts 50000 && wikistream verify --topic <topic> --index-prefix <prefix> --group <group>
// Pass "clean" as the second argument to delete everything afterwards instead.
import { type KeyedEvent, recordHeaders, recordKey } from "@wikistream/events";
import { createProducer } from "@wikistream/kafka";
import { loadRecording, multiplyEvents, REAL_RECORDINGS, recordingPath } from "@wikistream/replay";
import { IndexerProcess } from "./helpers/indexer-process.ts";
import {
  cleanUp,
  cliNames,
  createTopics,
  fullyCommitted,
  testKafka,
  testOpenSearch,
} from "./helpers/services.ts";

const N = Number(process.argv[2] ?? 50000);
const names = cliNames();
const kafka = testKafka();
const base = (await loadRecording(recordingPath(Object.keys(REAL_RECORDINGS)[1]!))).filter(
  (e) => e.stream === "mediawiki.recentchange",
);
const events = multiplyEvents(base, Math.ceil(N / base.length)).slice(0, N);
await createTopics(kafka, names);
const { producer } = createProducer(kafka);
await producer.connect();
for (let i = 0; i < events.length; i += 1000) {
  await producer.send({
    topic: names.topics.recentchange,
    acks: -1,
    messages: events.slice(i, i + 1000).map((e) => ({
      key: recordKey("mediawiki.recentchange", e.event as unknown as KeyedEvent),
      value: e.data,
      headers: {
        [recordHeaders.stream]: "mediawiki.recentchange",
        [recordHeaders.metaId]: String(e.event.meta?.id),
      },
    })),
  });
}
await producer.disconnect();
const indexer = new IndexerProcess(names);
const t0 = Date.now();
await indexer.until("indexed", () => fullyCommitted(kafka, names), 600_000);
console.log(`indexed ${N} in ${Date.now() - t0} ms`);
console.log(JSON.stringify(names));
await indexer.stop();
if (process.argv[3] === "clean") await cleanUp(kafka, testOpenSearch(), names);
