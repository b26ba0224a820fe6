// Events/s through ingest into the local Kafka: real recordings multiplied with fresh meta.ids,
// replayed as fast as ingest reads. Run from apps/ingest with the stack up:
//   node bench/throughput.ts [copies=200] [batchSize=500] [lingerMs=50]
import { randomUUID } from "node:crypto";
import { createKafka } from "@wikistream/kafka";
import { silentLogger } from "@wikistream/log";
import {
  loadRecording,
  multiplyEvents,
  REAL_RECORDINGS,
  type RecordedEvent,
  recordingPath,
  startReplayServer,
} from "@wikistream/replay";
import { loadIngestConfig } from "../src/config.ts";
import { createIngest } from "../src/ingest.ts";
import { createIngestMetrics } from "../src/metrics.ts";

const [copies = 200, batchSize = 500, lingerMs = 50] = process.argv.slice(2).map(Number);
const real: RecordedEvent[] = [];
for (const file of Object.keys(REAL_RECORDINGS)) real.push(...(await loadRecording(recordingPath(file))));
const events = multiplyEvents(real, copies);
const bytes = events.reduce((sum, e) => sum + Buffer.byteLength(e.data), 0);
const replay = await startReplayServer({ events });
const prefix = `bench-${randomUUID()}.`;
const brokers = process.env.KAFKA_BROKERS ?? "127.0.0.1:9092";
const kafka = createKafka({ brokers: brokers.split(","), clientId: "ingest-bench", logger: silentLogger });
const config = loadIngestConfig({
  INGEST_STREAM_URL: `${replay.url}/v2/stream`,
  INGEST_STREAMS: "recentchange,page_change",
  INGEST_TOPIC_PREFIX: prefix,
  INGEST_DLQ_TOPIC: `${prefix}dlq`,
  KAFKA_BROKERS: brokers,
  INGEST_BATCH_SIZE: String(batchSize),
  INGEST_LINGER_MS: String(lingerMs),
  INGEST_BUFFER_SIZE: String(Math.max(10_000, batchSize)),
});
const metrics = createIngestMetrics({ defaultMetrics: false });
const ingest = createIngest({ config, kafka, logger: silentLogger, metrics });

await ingest.start();
const started = performance.now();
while (ingest.status().counts.published < events.length) await new Promise((r) => setTimeout(r, 20));
const seconds = (performance.now() - started) / 1000;
const latency = (await metrics.produceLatency.get()).values;
const count = latency.find((v) => v.metricName?.endsWith("_count"))?.value ?? 0;
const sum = latency.find((v) => v.metricName?.endsWith("_sum"))?.value ?? 0;
await ingest.stop();
await replay.close();
const admin = kafka.admin();
await admin.connect();
await admin.deleteTopics({
  topics: [`${prefix}mediawiki.recentchange`, `${prefix}mediawiki.page_change.v1`, `${prefix}dlq`],
});
await admin.disconnect();

console.log(
  JSON.stringify({
    runtime: `node ${process.version}`,
    events: events.length,
    megabytes: Math.round(bytes / 1e5) / 10,
    batchSize,
    lingerMs,
    seconds: Math.round(seconds * 100) / 100,
    eventsPerSecond: Math.round(events.length / seconds),
    megabytesPerSecond: Math.round(bytes / 1e5 / seconds) / 10,
    batches: count,
    meanProduceMs: count ? Math.round((sum / count) * 10_000) / 10 : undefined,
  }),
);
