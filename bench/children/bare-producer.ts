/**
 * The baseline for ingest: a bare kafkajs producer sending the records ingest writes (lib/ingest-records.ts)
 * with ingest's producer settings (createProducer: idempotent, acks=all; gzip; `batchSize` records per
 * sendBatch, one in flight, as ingest's publisher sends), and nothing else: no SSE, no parsing, no
 * validation. Runs in a process of its own; configured by its one JSON argument, answers with one
 * BENCH_RESULT line.
 */
import { readFileSync } from "node:fs";
import { createProducer, ensureTopics } from "@wikistream/kafka";
import { CompressionTypes, type Message } from "kafkajs";
import { printResult } from "../lib/child.ts";
import type { BareRecord } from "../lib/ingest-records.ts";
import { benchKafka } from "../lib/kafka.ts";
import { processMemory } from "../lib/procfs.ts";

export interface BareProducerOptions {
  /** JSON lines of BareRecord, written by the runner. */
  recordsFile: string;
  batchSize: number;
  /** Partitions per topic, as ingest creates them. */
  partitions: number;
}

const options = JSON.parse(process.argv[2] ?? "{}") as BareProducerOptions;
const records = readFileSync(options.recordsFile, "utf8")
  .split("\n")
  .filter((line) => line !== "")
  .map((line) => JSON.parse(line) as BareRecord);

const kafka = benchKafka("wikistream-bench-bare-producer");
const topics = [...new Set(records.map((r) => r.topic))];
await ensureTopics(
  kafka,
  topics.map((topic) => ({ topic, partitions: options.partitions })),
);
const { producer, acks } = createProducer(kafka);
const rssBeforeStart = processMemory(process.pid)?.rssMb ?? Number.NaN;
await producer.connect();

/** One sendBatch as ingest's publisher builds it: the batch's records grouped by topic. */
function sendBatch(batch: readonly BareRecord[]) {
  const byTopic = new Map<string, Message[]>();
  for (const { topic, key, value, headers } of batch) {
    const messages = byTopic.get(topic) ?? [];
    messages.push({ key, value, headers });
    byTopic.set(topic, messages);
  }
  return producer.sendBatch({
    acks,
    compression: CompressionTypes.GZIP,
    topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
  });
}

const cpuStart = process.cpuUsage();
const started = performance.now();
let batches = 0;
for (let at = 0; at < records.length; at += options.batchSize) {
  await sendBatch(records.slice(at, at + options.batchSize));
  batches++;
}
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStart);
const peakRssMb = processMemory(process.pid)?.peakRssMb ?? Number.NaN;
await producer.disconnect();
printResult({
  seconds,
  records: records.length,
  batches,
  rssBeforeStartMb: rssBeforeStart,
  peakRssMb,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
});
