/**
 * The ingest app built from its factory (createIngest) in a process of its own, so that its memory and
 * CPU are measured alone (the runner holds the replay server and the events). Configured by its one
 * argument (JSON, see ChildOptions); prints progress on stderr and one BENCH_RESULT line (lib/child.ts).
 *
 *   throughput: reads the replay as fast as it comes until `expected` events are accounted for.
 *   held: after `cutAfter` published events, Kafka becomes unreachable for this process (its sockets are
 *         closed and reconnects are refused; the broker keeps running for everyone else). RSS is sampled
 *         while the buffer fills and then for `holdMs` while the stream is held; then Kafka is given back
 *         and the time until every held record is published is measured.
 */
import { connect as netConnect, type Socket } from "node:net";
import { createKafka } from "@wikistream/kafka";
import { createLogger, silentLogger } from "@wikistream/log";
import { sleep } from "@wikistream/resilience";
import { ExternalMemoryCollector } from "@wikistream/runtime";
import { waitFor } from "@wikistream/testkit";
import { type ISocketFactory, Kafka, logLevel } from "kafkajs";
import { createIngest, createIngestMetrics, loadIngestConfig } from "../../apps/ingest/src/index.ts";
import { nodeRuntime } from "../../packages/runtime/src/node.ts";
import { printResult } from "../lib/child.ts";
import { brokers } from "../lib/kafka.ts";
import { freePort } from "../lib/ports.ts";
import { processMemory } from "../lib/procfs.ts";
import { round, summarize } from "../lib/stats.ts";

export interface ChildOptions {
  mode: "throughput" | "held";
  streamUrl: string;
  topicPrefix: string;
  dlqTopic: string;
  /** Events the replay serves: done when published + dead-lettered + dropped reaches it. */
  expected: number;
  batchSize: number;
  lingerMs: number;
  bufferSize: number;
  /** held: published events before Kafka is cut. */
  cutAfter?: number;
  /** held: how long the stream stays held once the buffer is full. */
  holdMs?: number;
  /** Log the ingest's and kafkajs' own lines to stderr. */
  debug?: boolean;
}

const options = JSON.parse(process.argv[2] ?? "{}") as ChildOptions;
const logger = options.debug
  ? createLogger({ level: "debug", write: (line) => process.stderr.write(`${line}\n`) })
  : silentLogger;
const log = (line: string) => process.stderr.write(`  [ingest-child] ${line}\n`);

/**
 * The same client settings as @wikistream/kafka's createKafka (timeouts, retries), plus a socket
 * factory that can cut this process off from the broker and let it back.
 */
async function cuttableKafka() {
  // A port nobody listens on: connections to it are refused at once.
  const refused = await freePort();
  const sockets = new Set<Socket>();
  let cut = false;
  const socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    const socket = netConnect({ host, port: cut ? refused : port }, onConnect);
    socket.setKeepAlive(true, 60_000);
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    return socket;
  };
  const kafka = new Kafka({
    clientId: "wikistream-bench-ingest",
    brokers: brokers.split(","),
    connectionTimeout: 3000,
    retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 10_000 },
    logLevel: options.debug ? logLevel.INFO : logLevel.NOTHING,
    socketFactory,
  });
  return {
    kafka,
    cut() {
      cut = true;
      // With an error: kafkajs listens for "error" and "end", a bare close would leave requests hanging.
      for (const socket of sockets) socket.destroy(new Error("connection cut by the benchmark"));
    },
    restore() {
      cut = false;
    },
  };
}

const cuttable = options.mode === "held" ? await cuttableKafka() : undefined;
const kafka =
  cuttable?.kafka ??
  createKafka({ brokers: brokers.split(","), clientId: "wikistream-bench-ingest", logger });
const config = loadIngestConfig({
  INGEST_STREAM_URL: options.streamUrl,
  INGEST_STREAMS: "recentchange,page_change",
  INGEST_TOPIC_PREFIX: options.topicPrefix,
  INGEST_DLQ_TOPIC: options.dlqTopic,
  KAFKA_BROKERS: brokers,
  INGEST_BATCH_SIZE: String(options.batchSize),
  INGEST_LINGER_MS: String(options.lingerMs),
  INGEST_BUFFER_SIZE: String(options.bufferSize),
  // The one app setting taken from the runner's environment (its header lists INGEST_* overrides).
  ...(process.env.INGEST_GC_EXTERNAL_BYTES === undefined
    ? {}
    : { INGEST_GC_EXTERNAL_BYTES: process.env.INGEST_GC_EXTERNAL_BYTES }),
});
const metrics = createIngestMetrics({ defaultMetrics: false });
// Every produce latency as measured (the histogram's buckets are too coarse for percentiles).
const latencies: number[] = [];
const histogram = metrics.produceLatency;
const observe = histogram.observe.bind(histogram);
histogram.observe = ((value: number) => {
  latencies.push(value);
  observe(value);
}) as typeof histogram.observe;

const ingest = createIngest({ config, kafka, logger, metrics });
// What runApp adds around the service in production: collections by external memory growth
// (INGEST_GC_EXTERNAL_BYTES; needs --expose-gc, which the runner passes with the ingest flags).
const { externalMemoryBytes: read, collectGarbage: collect } = nodeRuntime;
const collector =
  read === undefined || collect === undefined
    ? undefined
    : new ExternalMemoryCollector({ budgetBytes: config.gcExternalBytes, read, collect });
collector?.start();
const accounted = () => {
  const c = ingest.status().counts;
  return c.published + c.deadLettered + c.dropped;
};
const memory = () => processMemory(process.pid) ?? { rssMb: Number.NaN, peakRssMb: Number.NaN };

/** Polls a condition on the ingest's own counters (cheap, in-process: every 20 ms). */
const until = (what: string, check: () => boolean, timeoutMs: number) => waitFor(what, check, timeoutMs, 20);

/**
 * Peaks of the V8 heap and of memory outside it (Buffers: kafkajs' encoders, zlib), sampled every
 * 50 ms: where the peak RSS goes.
 */
const heapPeaks = { heapUsedMb: 0, heapTotalMb: 0, externalMb: 0, arrayBuffersMb: 0, depth: 0 };
const heapSampler = setInterval(() => {
  const usage = process.memoryUsage();
  heapPeaks.heapUsedMb = Math.max(heapPeaks.heapUsedMb, usage.heapUsed / 2 ** 20);
  heapPeaks.heapTotalMb = Math.max(heapPeaks.heapTotalMb, usage.heapTotal / 2 ** 20);
  heapPeaks.externalMb = Math.max(heapPeaks.externalMb, usage.external / 2 ** 20);
  heapPeaks.arrayBuffersMb = Math.max(heapPeaks.arrayBuffersMb, usage.arrayBuffers / 2 ** 20);
  heapPeaks.depth = Math.max(heapPeaks.depth, ingest.status().bufferDepth);
}, 50);
heapSampler.unref();

const rssBeforeStart = memory().rssMb;
await ingest.start();
const timeoutMs = 60_000 + options.expected; // bounded: 1 ms per event on top of a minute

if (options.mode === "throughput") {
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  await until(`${options.expected} events`, () => accounted() >= options.expected, timeoutMs);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const { peakRssMb } = memory();
  const counts = ingest.status().counts;
  await ingest.stop();
  const ms = summarize(latencies.map((s) => s * 1000));
  printResult({
    seconds,
    counts,
    batches: ms.count,
    produceMs: { p50: ms.p50, p95: ms.p95, max: ms.max, mean: ms.mean },
    rssBeforeStartMb: rssBeforeStart,
    peakRssMb,
    heapPeaks,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  });
} else {
  if (cuttable === undefined) throw new Error("held mode needs the cuttable client");
  const cutAfter = options.cutAfter ?? 2000;
  const holdMs = options.holdMs ?? 15_000;
  await until(`${cutAfter} published`, () => ingest.status().counts.published >= cutAfter, timeoutMs);
  const atCut = { ...ingest.status().counts, ...memory() };
  cuttable.cut();
  log(`kafka cut after ${atCut.published} published, ${atCut.received} received`);
  const samples: { t: number; rssMb: number; received: number; published: number; depth: number }[] = [];
  const cutAt = performance.now();
  const sample = () => {
    const s = ingest.status();
    samples.push({
      t: (performance.now() - cutAt) / 1000,
      rssMb: memory().rssMb,
      received: s.counts.received,
      published: s.counts.published,
      depth: s.bufferDepth,
    });
  };
  // Full: the received count has not moved for a second (5 samples); the reader has stopped.
  let fullIndex: number | undefined;
  while (fullIndex === undefined) {
    if (performance.now() - cutAt > timeoutMs) throw new Error("the buffer never filled up");
    sample();
    const n = samples.length;
    if (n >= 5 && samples[n - 5]!.received === samples[n - 1]!.received) fullIndex = n - 5;
    else await sleep(250);
  }
  const fullAt = samples[fullIndex]!.t;
  log(`buffer full ${fullAt.toFixed(1)} s after the cut; holding for ${holdMs / 1000} s`);
  while (samples.at(-1)!.t - fullAt < holdMs / 1000) {
    await sleep(250);
    sample();
  }
  const holdEndWallMs = Date.now();
  const held = samples.slice(fullIndex);
  const last = samples.at(-1)!;
  cuttable.restore();
  const restored = performance.now();
  // Everything received before the restore is published (or dead-lettered/dropped) once the count
  // of finished frames reaches it: the publisher is first in, first out.
  await until("the held records to be published", () => accounted() >= last.received, timeoutMs);
  const drainSeconds = (performance.now() - restored) / 1000;
  await ingest.stop();
  const counts = ingest.status().counts;
  printResult({
    bufferSize: options.bufferSize,
    rssBeforeStartMb: rssBeforeStart,
    rssAtCutMb: atCut.rssMb,
    receivedAtCut: atCut.received,
    publishedAtCut: atCut.published,
    fullAfterSeconds: fullAt,
    rssAtFullMb: samples[fullIndex]!.rssMb,
    heldSeconds: last.t - fullAt,
    holdEndWallMs,
    heldDepth: last.depth,
    receivedWhileHeld: last.received - held[0]!.received,
    receivedBeforeRestore: last.received,
    rssHeldMinMb: Math.min(...held.map((s) => s.rssMb)),
    rssHeldMaxMb: Math.max(...held.map((s) => s.rssMb)),
    rssHeldEndMb: last.rssMb,
    peakRssMb: memory().peakRssMb,
    drainSeconds,
    counts,
    samples: samples.map((s) => [round(s.t, 2), round(s.rssMb, 1), s.received, s.depth]),
  });
}
