/**
 * a. Ingest throughput: replay server (pace fast) → ingest (createIngest, in its own process) → Kafka,
 * and the same records sent by a bare kafkajs producer in the same run, per dataset (mixed, one month).
 * The first ingest run of each dataset leaves its topics as a backlog for part b.
 */
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startReplayServer } from "@wikistream/replay";
import { nodeFlags } from "../../apps/ingest/src/runtime-flags.ts";
import type { BareProducerOptions } from "../children/bare-producer.ts";
import type { ChildOptions } from "../children/ingest-child.ts";
import type { BenchContext, Tracked } from "../context.ts";
import { fmt, mb, say } from "../format.ts";
import { runChild } from "../lib/child.ts";
import { type Dataset, dataBytes, mixedDataset, monthDataset } from "../lib/events.ts";
import { ingestRecords, writeRecords } from "../lib/ingest-records.ts";
import { runTopics } from "../lib/names.ts";
import { machineBusySince, machineCpu } from "../lib/procfs.ts";
import { type Measured, per100k } from "./results.ts";

const child = (name: string) => fileURLToPath(new URL(`../children/${name}`, import.meta.url));

/**
 * The V8 flags of the ingest child: those ingest is started with in production
 * (apps/ingest/src/runtime-flags.ts), unless --ingest-node-options replaces them.
 */
export const ingestChildFlags = (override: string | undefined): string => override ?? nodeFlags.join(" ");

/** Runs bench/children/ingest-child.ts (with ingestChildFlags) and returns its result. */
export function runIngestChild(
  options: ChildOptions,
  timeoutMs: number,
  nodeOptions?: string,
): Promise<Record<string, unknown>> {
  return runChild(child("ingest-child.ts"), options, timeoutMs, ingestChildFlags(nodeOptions));
}

/** Records waiting in Kafka for part b: what one ingest run wrote. */
export interface Backlog {
  dataset: Dataset;
  entry: Tracked;
  records: number;
  bytes: number;
  seconds: number;
}

export interface IngestResults {
  backlogs: Backlog[];
  measured: Measured[];
}

/** Peak RSS, what the process held before start, and the peaks of V8's heap and of Buffers. */
function peakRssCell(result: Record<string, unknown>): string {
  const heap = result.heapPeaks as { heapTotalMb: number; arrayBuffersMb: number } | undefined;
  const parts = heap ? `; heap ${fmt(heap.heapTotalMb)}, buffers ${fmt(heap.arrayBuffersMb)}` : "";
  return `${fmt(result.peakRssMb as number)} (${fmt(result.rssBeforeStartMb as number)} before start${parts})`;
}

const ingestDefaults = { batchSize: 500, lingerMs: 50, bufferSize: 10_000 };

async function ingestRun(ctx: BenchContext, dataset: Dataset, batchSize: number) {
  const { events } = dataset;
  const bytes = dataBytes(events);
  const entry = ctx.track(runTopics());
  const replay = await startReplayServer({ events });
  say(`ingest (${dataset.name}): ${events.length} events (${fmt(mb(bytes), 1)} MB), batch ${batchSize} …`);
  const machine = machineCpu();
  try {
    const result = await runIngestChild(
      {
        mode: "throughput",
        streamUrl: `${replay.url}/v2/stream`,
        topicPrefix: entry.topics.topicPrefix,
        dlqTopic: entry.topics.ingestDlq,
        expected: events.length,
        ...ingestDefaults,
        batchSize,
      },
      180_000,
      ctx.options.ingestNodeOptions,
    );
    return { entry, bytes, result, busy: machineBusySince(machine) };
  } finally {
    await replay.close();
  }
}

async function bareRun(ctx: BenchContext, dataset: Dataset, batchSize: number) {
  const entry = ctx.track(runTopics());
  const records = ingestRecords(dataset.events, entry.topics.topicPrefix, batchSize);
  const file = join(tmpdir(), `wsb-${entry.topics.id}-records.jsonl`);
  writeRecords(file, records);
  say(`bare kafkajs producer (${dataset.name}): ${records.length} records, batch ${batchSize} …`);
  const machine = machineCpu();
  try {
    const options: BareProducerOptions = { recordsFile: file, batchSize, partitions: 3 };
    const result = await runChild(child("bare-producer.ts"), options, 180_000);
    return { result, busy: machineBusySince(machine) };
  } finally {
    rmSync(file, { force: true });
  }
}

export async function ingestThroughput(ctx: BenchContext): Promise<IngestResults> {
  const { sizes, quick, cores } = ctx.options;
  const datasets = [await mixedDataset(sizes.copies), await monthDataset(sizes.monthCopies)];
  const rows: (string | number)[][] = [];
  const backlogs: Backlog[] = [];
  const measured: Measured[] = [];
  const nodeOptions = ctx.options.ingestNodeOptions;
  const flags = nodeOptions ? `, NODE_OPTIONS=${nodeOptions}` : "";
  const childFlags = ingestChildFlags(nodeOptions) || "none";
  for (const dataset of datasets) {
    const batchSizes = quick || dataset.name !== "mixed" ? [500] : [500, 2000];
    let ingestDefaultRate = Number.NaN;
    for (const batchSize of batchSizes) {
      const { entry, bytes, result, busy } = await ingestRun(ctx, dataset, batchSize);
      const seconds = result.seconds as number;
      const counts = result.counts as { published: number; deadLettered: number; dropped: number };
      const produce = result.produceMs as { p50: number; p95: number; max: number };
      const cpu = result.cpuSeconds as number;
      const rate = dataset.events.length / seconds;
      rows.push([
        `${dataset.name}: ingest, batch ${batchSize}, linger 50 ms${batchSize === 500 ? " (defaults)" : ""}${flags}`,
        fmt(dataset.events.length),
        fmt(counts.published),
        fmt(seconds, 2),
        fmt(rate),
        fmt(mb(bytes) / seconds, 1),
        `${fmt(produce.p50)} / ${fmt(produce.p95)} / ${fmt(produce.max)}`,
        fmt(result.batches as number),
        peakRssCell(result),
        `${fmt((cpu / seconds) * 100)} %`,
        fmt(per100k(cpu, dataset.events.length), 1),
        `${fmt(busy * 100)} %`,
      ]);
      if (batchSize === 500) {
        ingestDefaultRate = rate;
        const peakRssMb = result.peakRssMb as number;
        measured.push({
          dataset: dataset.name,
          who: "ingest",
          rate,
          peakRssMb,
          cpuSecondsPer100k: per100k(cpu, dataset.events.length),
        });
        backlogs.push({ dataset, entry, records: counts.published, bytes, seconds });
      }
    }
    const bare = await bareRun(ctx, dataset, 500);
    const seconds = bare.result.seconds as number;
    const records = bare.result.records as number;
    const cpu = bare.result.cpuSeconds as number;
    const rate = dataset.events.length / seconds;
    rows.push([
      `${dataset.name}: bare kafkajs producer, batch 500, one in flight`,
      fmt(dataset.events.length),
      fmt(records),
      fmt(seconds, 2),
      `${fmt(rate)} (ingest ${fmt(ingestDefaultRate / rate, 2)}×)`,
      fmt(mb(dataBytes(dataset.events)) / seconds, 1),
      "",
      fmt(bare.result.batches as number),
      `${fmt(bare.result.peakRssMb as number)} (${fmt(bare.result.rssBeforeStartMb as number)} before connect)`,
      `${fmt((cpu / seconds) * 100)} %`,
      fmt(per100k(cpu, records), 1),
      `${fmt(bare.busy * 100)} %`,
    ]);
    measured.push({
      dataset: dataset.name,
      who: "bare producer",
      rate,
      peakRssMb: bare.result.peakRssMb as number,
      cpuSecondsPer100k: per100k(cpu, records),
    });
  }
  ctx.report.add({
    title:
      "a. Ingest throughput: replay server (pace fast) → ingest (createIngest, in its own process) → Kafka; a bare kafkajs producer of the same records",
    columns: [
      "config",
      "events",
      "published",
      "seconds",
      "events/s",
      "MB/s",
      "produce ms p50 / p95 / max",
      "batches",
      "peak RSS MB",
      "CPU (of one core)",
      "CPU-s / 100k events",
      "machine CPU busy",
    ],
    rows,
    notes: [
      ...datasets.map(
        (d) =>
          `${d.name}: ${d.description}, each copy with a fresh meta.id; MB = bytes of the event JSON as sent.`,
      ),
      "Timed from `ingest.start()` resolving (topics ensured, producer connected, resume point read) until every event is acknowledged by Kafka (idempotent producer, acks=all, gzip, one batch in flight).",
      "Bare kafkajs producer (`bench/children/bare-producer.ts`, its own process): the records ingest writes for the same events (topic, key, value byte for byte, the same headers), prepared in memory, sent with ingest's producer settings (createProducer, gzip, 500 per sendBatch, one in flight) and nothing else; timed from connected until the last batch is acknowledged. `ingest N×` = ingest's events/s at its defaults / the bare producer's, same dataset, same run.",
      "Produce latency: every sendBatch from send to acknowledgement, as measured inside the publisher (not from histogram buckets).",
      `The ingest child runs with the V8 flags ${childFlags} (${nodeOptions ? "--ingest-node-options" : "production's, apps/ingest/src/runtime-flags.ts: npm start, Dockerfile, compose, k8s"}); the bare producer with V8's defaults.`,
      "Peak RSS is the process alone (VmHWM); the replay server runs in the parent process; the bare producer holds all its records. In brackets for ingest: RSS before `start()` (Node, type stripping and the modules loaded), and the peaks of V8's heap (heapTotal) and of Buffer memory (arrayBuffers, mostly kafkajs' encoders), sampled every 50 ms. CPU: user + system of the process over the timed span.",
      `Machine CPU busy: all ${cores} cores, everything on the machine (replay server, Kafka, OpenSearch, anything else), from /proc/stat over the whole run (startup included).`,
      "Each dataset's defaults row leaves its topics as a backlog for part b.",
    ],
  });
  return { backlogs, measured };
}
