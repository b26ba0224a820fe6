/**
 * wikistream benchmarks against the real local stack (Kafka 127.0.0.1:9092, OpenSearch 127.0.0.1:9200).
 *
 *   node bench/run.ts [--quick] [--only ingest,catchup,freshness,backpressure] [--host <short-desc>]
 *                     [--note "<machine description>"] [--no-write]
 *
 * Runs one part after another, prints each part's table and writes them all to
 * bench/results/<YYYY-MM-DD>-<host>[-quick].md. See bench/README.md for what each part measures.
 * Volume is the ~187 real recorded events × copies, each copy with a fresh meta.id (multiplyEvents);
 * nothing is invented. Everything a run creates (topics `wsb-<id>.*`, consumer groups, indices and
 * templates `wsb-<id>-*`) is deleted at the end, also after a failure or Ctrl-C.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import { fileURLToPath } from "node:url";
import type { Client } from "@opensearch-project/opensearch";
import { type RecordedEvent, startReplayServer } from "@wikistream/replay";
import { quietKnownWarnings } from "@wikistream/runtime";
import type { ChildOptions } from "./ingest-child.ts";
import {
  type AppProcess,
  benchOpenSearch,
  bucketQuantile,
  bunBin,
  cleanup,
  dataBytes,
  type IndexerNames,
  indexerEnv,
  indexerNames,
  machineBusySince,
  machineCpu,
  processCpuSeconds,
  processMemory,
  RESULT_PREFIX,
  type RunTopics,
  realEvents,
  repoRoot,
  round,
  runTopics,
  scrapeHistogram,
  scrapeSum,
  searchableCount,
  sleep,
  spawnApp,
  summarize,
  waitUntil,
} from "./lib.ts";

quietKnownWarnings(process);

// ---------------------------------------------------------------------------------------------- options

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const option = (name: string) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
};
const quick = flag("--quick");
const parts = new Set(
  (option("--only") ?? "ingest,catchup,freshness,backpressure").split(",").map((p) => p.trim()),
);
const cores = os.availableParallelism();
const host = option("--host") ?? `${os.platform()}-${cores}core`;
const note = option("--note");

/** Sizes: the default run takes about 2.5 minutes on 2 shared cores; --quick about 35 s. */
const sizes = quick
  ? {
      copies: 10,
      catchUpRounds: 1,
      freshnessCopies: 8,
      freshnessRate: 200,
      heldCopies: 40,
      heldBuffers: [500, 2000],
      holdMs: 3000,
      cutAfter: 1000,
    }
  : {
      copies: 200,
      catchUpRounds: 2,
      freshnessCopies: 32,
      freshnessRate: 200,
      heldCopies: 320,
      heldBuffers: [1000, 10_000, 50_000],
      holdMs: 10_000,
      cutAfter: 2000,
    };

// ---------------------------------------------------------------------------------------------- output

interface Section {
  title: string;
  columns: string[];
  rows: (string | number)[][];
  notes: string[];
}

const sections: Section[] = [];

function table(section: Section): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
  return [line(section.columns), line(section.columns.map(() => "---")), ...section.rows.map(line)].join(
    "\n",
  );
}

function report(section: Section): void {
  sections.push(section);
  console.log(`\n## ${section.title}\n\n${table(section)}\n`);
  for (const n of section.notes) console.log(`- ${n}`);
  console.log("");
}

const say = (line: string) => console.log(`… ${line}`);
const fmt = (value: number, digits = 0) =>
  Number.isFinite(value) ? round(value, digits).toLocaleString("en-US") : "n/a";
const mb = (bytes: number) => bytes / 1e6;

// ---------------------------------------------------------------------------------------------- cleanup

const created: { topics: RunTopics; indexers: IndexerNames[] }[] = [];
const running = new Set<AppProcess>();
const opensearch: Client = benchOpenSearch();

function track(topics: RunTopics): { topics: RunTopics; indexers: IndexerNames[] } {
  const entry = { topics, indexers: [] as IndexerNames[] };
  created.push(entry);
  return entry;
}

async function cleanupAll(): Promise<void> {
  for (const app of running) await app.terminate(10_000).catch(() => {});
  running.clear();
  for (const entry of created.splice(0)) {
    const problems = await cleanup(opensearch, entry.topics, entry.indexers);
    for (const p of problems) console.error(`cleanup ${entry.topics.topicPrefix}: ${p}`);
  }
}

let interrupted = false;
process.on("SIGINT", () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  console.error("\ninterrupted: stopping processes and deleting what this run created …");
  void cleanupAll().finally(() => process.exit(130));
});

async function start(
  app: "ingest" | "indexer",
  runtime: "node" | "bun",
  env: Record<string, string>,
): Promise<AppProcess> {
  const proc = await spawnApp(app, runtime, env);
  running.add(proc);
  void proc.exited.then(() => running.delete(proc));
  return proc;
}

async function stop(proc: AppProcess): Promise<void> {
  const code = await proc.terminate();
  running.delete(proc);
  if (code !== 0) console.error(`${proc.name} exited with ${code}:\n${proc.output().slice(-2000)}`);
}

/** Runs bench/ingest-child.ts and returns its BENCH_RESULT. */
async function runIngestChild(options: ChildOptions, timeoutMs: number): Promise<Record<string, unknown>> {
  const script = fileURLToPath(new URL("./ingest-child.ts", import.meta.url));
  const child = spawn(process.execPath, [script, JSON.stringify(options)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let stdout = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearTimeout(timer);
  const line = stdout.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
  if (line === undefined) throw new Error(`ingest-child exited with ${code} without a result:\n${stdout}`);
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------- a. ingest

interface Backlog {
  topics: RunTopics;
  entry: { topics: RunTopics; indexers: IndexerNames[] };
  records: number;
  bytes: number;
  seconds: number;
}

async function ingestThroughput(): Promise<Backlog> {
  const { real, events } = await realEvents(sizes.copies);
  const bytes = dataBytes(events);
  const configs = quick ? [{ batchSize: 500 }] : [{ batchSize: 500 }, { batchSize: 2000 }];
  const rows: (string | number)[][] = [];
  let backlog: Backlog | undefined;
  for (const { batchSize } of configs) {
    const entry = track(runTopics());
    const replay = await startReplayServer({ events });
    say(`ingest: ${events.length} events (${fmt(mb(bytes), 1)} MB), batch ${batchSize} …`);
    const machine = machineCpu();
    let result: Record<string, unknown>;
    try {
      result = await runIngestChild(
        {
          mode: "throughput",
          streamUrl: `${replay.url}/v2/stream`,
          topicPrefix: entry.topics.topicPrefix,
          dlqTopic: entry.topics.ingestDlq,
          expected: events.length,
          batchSize,
          lingerMs: 50,
          bufferSize: 10_000,
        },
        180_000,
      );
    } finally {
      await replay.close();
    }
    const seconds = result.seconds as number;
    const counts = result.counts as { published: number; deadLettered: number; dropped: number };
    const produce = result.produceMs as { p50: number; p95: number; max: number };
    rows.push([
      `batch ${batchSize}, linger 50 ms${batchSize === 500 ? " (defaults)" : ""}`,
      fmt(events.length),
      fmt(counts.published),
      fmt(seconds, 2),
      fmt(events.length / seconds),
      fmt(mb(bytes) / seconds, 1),
      `${fmt(produce.p50)} / ${fmt(produce.p95)} / ${fmt(produce.max)}`,
      fmt(result.batches as number),
      `${fmt(result.peakRssMb as number)} (${fmt(result.rssBeforeStartMb as number)} before start)`,
      `${fmt(((result.cpuSeconds as number) / seconds) * 100)} %`,
      `${fmt(machineBusySince(machine) * 100)} %`,
    ]);
    if (backlog === undefined) {
      backlog = { topics: entry.topics, entry, records: counts.published, bytes, seconds };
    }
  }
  report({
    title:
      "a. Ingest throughput: replay server (pace fast) → ingest (createIngest, in its own process) → Kafka",
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
      "ingest CPU (of one core)",
      "machine CPU busy",
    ],
    rows,
    notes: [
      `${real.length} real events × ${sizes.copies} copies, each with a fresh meta.id; MB = bytes of the event JSON as sent.`,
      "Timed from `ingest.start()` resolving (topics ensured, producer connected, resume point read) until every event is acknowledged by Kafka (idempotent producer, acks=all, gzip, one batch in flight).",
      "Produce latency: every sendBatch from send to acknowledgement, as measured inside the publisher (not from histogram buckets).",
      "Peak RSS is the ingest process alone (VmHWM); the replay server runs in the parent process.",
      `Machine CPU busy: all ${cores} cores, everything on the machine (replay server, Kafka, OpenSearch, anything else), from /proc/stat over the whole part (startup included).`,
      "The first row's topics are the backlog of part b.",
    ],
  });
  if (backlog === undefined) throw new Error("no ingest run");
  return backlog;
}

// ---------------------------------------------------------------------------------------------- b. catch-up

async function indexerCatchUp(backlog: Backlog): Promise<void> {
  const rows: (string | number)[][] = [];
  // Alternating runtimes, twice by default: on a shared machine one run alone says little.
  const runs = Array.from({ length: sizes.catchUpRounds }, (_, i) =>
    (["node", "bun"] as const).map((runtime) => ({ runtime, pass: i + 1 })),
  ).flat();
  for (const { runtime, pass } of runs) {
    const names = indexerNames(backlog.topics, `catchup-${runtime}-${pass}`);
    backlog.entry.indexers.push(names);
    say(`catch-up on ${runtime}: ${backlog.records} records waiting in Kafka …`);
    const machine = machineCpu();
    const started = performance.now();
    const proc = await start("indexer", runtime, indexerEnv(backlog.topics, names));
    let readyAt: number | undefined;
    let count = 0;
    try {
      await waitUntil(
        `${backlog.records} documents searchable (${runtime})`,
        async () => {
          if (proc.child.exitCode !== null) throw new Error(`indexer exited: ${proc.output().slice(-1500)}`);
          if (readyAt === undefined && (await proc.ready())) readyAt = performance.now();
          count = await searchableCount(opensearch, names.indexPrefix);
          return count >= backlog.records;
        },
        240_000,
        100,
      );
    } catch (error) {
      console.error(proc.output().slice(-3000));
      throw error;
    }
    const seconds = (performance.now() - started) / 1000;
    const busy = machineBusySince(machine);
    const memory = processMemory(proc.pid);
    const cpu = processCpuSeconds(proc.pid) ?? Number.NaN;
    const metrics = await proc.getText("/metrics");
    const bulk = scrapeHistogram(metrics, "wikistream_indexer_bulk_request_duration_seconds");
    const bulkDocs = scrapeHistogram(metrics, "wikistream_indexer_bulk_request_documents");
    const deadLettered = scrapeSum(metrics, "wikistream_indexer_documents_total", {
      result: "dead_lettered",
    });
    await stop(proc);
    // Exactly once per meta.id: _id = meta.id, so more would mean a bug and fewer a loss.
    await opensearch.indices.refresh({ index: `${names.indexPrefix}-*`, allow_no_indices: true });
    const finalCount = await searchableCount(opensearch, names.indexPrefix);
    const startup = readyAt === undefined ? Number.NaN : (readyAt - started) / 1000;
    rows.push([
      `${runtime === "node" ? `node ${process.version}` : `bun ${bunVersion}`}${sizes.catchUpRounds > 1 ? `, run ${pass}` : ""}`,
      fmt(backlog.records),
      `${fmt(finalCount)}${finalCount === backlog.records ? " ✓" : " ✗"}${deadLettered > 0 ? ` (${deadLettered} DLQ)` : ""}`,
      fmt(startup, 1),
      fmt(seconds, 2),
      fmt(backlog.records / seconds),
      fmt(mb(backlog.bytes) / seconds, 1),
      `${fmt(bulk.count)} × ${fmt(bulkDocs.sum / Math.max(1, bulkDocs.count))}`,
      `${fmt((bulk.sum / Math.max(1, bulk.count)) * 1000)} / ≤ ${fmt(bucketQuantile(bulk, 0.95) * 1000)}`,
      fmt(memory?.peakRssMb ?? Number.NaN),
      `${fmt(cpu, 1)} s (${fmt((cpu / seconds) * 100)} %)`,
      `${fmt(busy * 100)} %`,
    ]);
  }
  report({
    title:
      "b. Indexer catch-up: a backlog already in Kafka → indexer from a cold start → searchable documents",
    columns: [
      "runtime",
      "backlog records",
      "documents (exact count)",
      "start → ready s",
      "start → all searchable s",
      "docs/s",
      "MB/s",
      "bulk requests × docs",
      "bulk ms mean / p95",
      "peak RSS MB",
      "indexer CPU",
      "machine CPU busy",
    ],
    rows,
    notes: [
      `The backlog is what part a's ingest wrote (${fmt(backlog.records)} records in ${fmt(backlog.seconds, 1)} s, 3 partitions per topic, gzip batches).`,
      `\`apps/indexer/src/main.ts\` spawned as in production (node, bun, alternating, ${sizes.catchUpRounds} round${sizes.catchUpRounds > 1 ? "s" : ""}), with its defaults (bulk 1000 docs / 5 MB, flush 200 ms, 2 bulk requests in flight, refresh 1s) and 0 replicas; a new consumer group and index prefix per run, all reading the same backlog.`,
      "Timed from spawn (process start, templates, group join included) until `_count` over its indices, polled every 100 ms without a forced refresh, reaches the backlog: documents a user can search. Then a refresh and an exact recount.",
      "Bulk latency: mean from the indexer's histogram, p95 only as the upper bound of its bucket.",
      "Peak RSS: VmHWM of the process; indexer CPU: user + system seconds of the process, and as a share of one core over the catch-up; machine CPU busy: all cores, everything on the machine (OpenSearch, Kafka, …), over the catch-up.",
    ],
  });
}

// ---------------------------------------------------------------------------------------------- c. freshness

interface SendLog {
  /** meta.id → when the frame's last byte was handed to the ingest's socket (performance.now()). */
  sent: Map<string, number>;
  order: string[];
}

/**
 * A pass-through HTTP proxy in front of the replay server that notes, for every frame, when it was
 * written to the ingest's connection: the moment the "upstream" sent the event.
 */
async function sendRecorder(
  upstream: string,
): Promise<{ url: string; log: SendLog; close(): Promise<void> }> {
  const log: SendLog = { sent: new Map(), order: [] };
  const server = createServer((req, res) => {
    const target = new URL(req.url ?? "/", upstream);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string" && name !== "host") headers[name] = value;
    }
    const forward = httpRequest(target, { headers }, (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      const decoder = new TextDecoder();
      let pending = "";
      upstreamRes.on("data", (chunk: Buffer) => {
        res.write(chunk);
        const now = performance.now();
        pending += decoder.decode(chunk, { stream: true });
        let newline = pending.indexOf("\n");
        while (newline >= 0) {
          const line = pending.slice(0, newline);
          pending = pending.slice(newline + 1);
          newline = pending.indexOf("\n");
          if (!line.startsWith("data:")) continue;
          try {
            const id = (JSON.parse(line.slice(5)) as { meta?: { id?: string } }).meta?.id;
            if (id !== undefined && !log.sent.has(id)) {
              log.sent.set(id, now);
              log.order.push(id);
            }
          } catch {
            // not an event
          }
        }
      });
      upstreamRes.on("end", () => res.end());
      res.on("close", () => upstreamRes.destroy());
    });
    forward.on("error", () => res.destroy());
    forward.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function freshness(): Promise<void> {
  const { real, events: multiplied } = await realEvents(sizes.freshnessCopies);
  // The replay paces by each event's recorded time (RecordedEvent.dt, parsed from meta.dt). A uniform
  // grid of those times gives a steady rate; the JSON sent (meta.dt included) is unchanged.
  const gapMs = 1000 / sizes.freshnessRate;
  const base = Date.now();
  const events: RecordedEvent[] = multiplied.map((e, i) => ({ ...e, dt: base + i * gapMs }));
  const entry = track(runTopics());
  const names = indexerNames(entry.topics, "fresh");
  entry.indexers.push(names);
  say(`freshness: ${events.length} events at ${sizes.freshnessRate}/s through ingest + indexer processes …`);

  const machine = machineCpu();
  const indexer = await start("indexer", "node", indexerEnv(entry.topics, names));
  await waitUntil("indexer ready", () => indexer.ready(), 60_000, 100);
  const replay = await startReplayServer({ events, pace: "original" });
  const proxy = await sendRecorder(replay.url);
  const searchable = new Map<string, number>();
  let polls = 0;
  let pollErrors = 0;
  let ingest: AppProcess | undefined;
  let sendSeconds = Number.NaN;
  try {
    ingest = await start("ingest", "node", {
      INGEST_STREAM_URL: `${proxy.url}/v2/stream`,
      INGEST_STREAMS: "recentchange,page_change",
      INGEST_TOPIC_PREFIX: entry.topics.topicPrefix,
      INGEST_DLQ_TOPIC: entry.topics.ingestDlq,
      KAFKA_BROKERS: indexerEnv(entry.topics, names).KAFKA_BROKERS ?? "",
      INGEST_LOG_LEVEL: "warn",
    });
    // Poll for the documents sent and not yet seen, oldest first: an ids query sees what a refresh has
    // made searchable, exactly what a user's search would see.
    const deadline = Date.now() + (events.length / sizes.freshnessRate) * 1000 + 90_000;
    let cursor = 0;
    while (Date.now() < deadline) {
      if (ingest.child.exitCode !== null) throw new Error(`ingest exited: ${ingest.output().slice(-1500)}`);
      const outstanding: string[] = [];
      for (let i = cursor; i < proxy.log.order.length && outstanding.length < 1000; i++) {
        const id = proxy.log.order[i]!;
        if (!searchable.has(id)) outstanding.push(id);
        else if (i === cursor) cursor++;
      }
      if (outstanding.length > 0) {
        // A search right after an index is created can fail while its shard starts: poll again.
        const response = await opensearch
          .search({
            index: `${names.indexPrefix}-*`,
            allow_no_indices: true,
            ignore_unavailable: true,
            body: { size: outstanding.length, _source: false, query: { ids: { values: outstanding } } },
          })
          .catch(() => undefined);
        const at = performance.now();
        polls++;
        if (response === undefined) pollErrors++;
        for (const hit of response?.body.hits.hits ?? []) {
          if (hit._id !== undefined && !searchable.has(hit._id)) searchable.set(hit._id, at);
        }
      }
      if (proxy.log.order.length >= events.length && searchable.size >= events.length) break;
      await sleep(100);
    }
    const firstSent = proxy.log.sent.get(proxy.log.order[0] ?? "");
    const lastSent = proxy.log.sent.get(proxy.log.order.at(-1) ?? "");
    if (firstSent !== undefined && lastSent !== undefined) sendSeconds = (lastSent - firstSent) / 1000;
  } finally {
    await replay.close();
    await proxy.close();
  }
  if (ingest === undefined) throw new Error("ingest did not start");
  const ingestMemory = processMemory(ingest.pid);
  const indexerMemory = processMemory(indexer.pid);
  const busy = machineBusySince(machine);
  const ingestCpu = processCpuSeconds(ingest.pid) ?? Number.NaN;
  const indexerCpu = processCpuSeconds(indexer.pid) ?? Number.NaN;
  await stop(ingest);
  await stop(indexer);

  const latencies: number[] = [];
  const steady: number[] = [];
  const t0 = proxy.log.sent.get(proxy.log.order[0] ?? "") ?? 0;
  let steadySent = 0;
  for (const id of proxy.log.order) {
    const sent = proxy.log.sent.get(id)!;
    if (sent - t0 >= 5000) steadySent++;
    const seen = searchable.get(id);
    if (seen === undefined) continue;
    latencies.push(seen - sent);
    if (sent - t0 >= 5000) steady.push(seen - sent);
  }
  const all = summarize(latencies);
  const warm = summarize(steady);
  const row = (label: string, s: typeof all, sentCount: number) => [
    label,
    `${fmt(s.count)} / ${fmt(sentCount)}`,
    fmt(s.p50),
    fmt(s.p95),
    fmt(s.p99),
    fmt(s.max),
  ];
  report({
    title: `c. End-to-end freshness at ~${fmt(proxy.log.order.length / sendSeconds)} events/s: replay → ingest → Kafka → indexer → searchable`,
    columns: ["events", "searchable / sent", "p50 ms", "p95 ms", "p99 ms", "max ms"],
    rows: [row("all", all, proxy.log.order.length), row("sent after the first 5 s", warm, steadySent)],
    notes: [
      `${real.length} real events × ${sizes.freshnessCopies} copies (fresh meta.ids), sent at ${fmt(proxy.log.order.length / sendSeconds)} events/s measured (paced for ${sizes.freshnessRate}/s; the replay server's per-event timer sleeps run a little long) over ${fmt(sendSeconds, 1)} s; ingest and indexer are \`src/main.ts\` processes on Node with their defaults (ingest batch 500 / linger 50 ms; indexer flush 200 ms, refresh 1s).`,
      "Latency = time a document is first returned by an `ids` search (no forced refresh; polled every 100 ms for every sent, not yet seen meta.id) − time the frame was written to the ingest's socket (a pass-through proxy in front of the replay server notes it). Same clock, one process. An upper bound: up to one poll interval (~100 ms + query time) late.",
      "The indexer's own freshness histogram (ack time − meta.dt) cannot be used with recordings: their meta.dt is months or years old.",
      "The first 5 s include creating the time-bucketed indices the events fall into; the second row leaves them out.",
      `Ingest: peak RSS ${fmt(ingestMemory?.peakRssMb ?? Number.NaN)} MB, CPU ${fmt(ingestCpu, 1)} s; indexer: peak RSS ${fmt(indexerMemory?.peakRssMb ?? Number.NaN)} MB, CPU ${fmt(indexerCpu, 1)} s; ${polls} search polls (${pollErrors} failed and were repeated); machine CPU busy ${fmt(busy * 100)} % of ${cores} cores.`,
    ],
  });
}

// ---------------------------------------------------------------------------------------------- d. backpressure

async function backpressure(): Promise<void> {
  const { real, events } = await realEvents(sizes.heldCopies);
  const rows: (string | number)[][] = [];
  for (const bufferSize of sizes.heldBuffers) {
    const entry = track(runTopics());
    const replay = await startReplayServer({ events });
    say(
      `backpressure: INGEST_BUFFER_SIZE=${bufferSize}, Kafka cut, held ${sizes.holdMs / 1000} s once full …`,
    );
    // How far the replay server got, over time: when Kafka is cut it must still have events left to
    // send, or the stream was not held but simply over.
    const sent: [number, number][] = [];
    const watch = setInterval(() => sent.push([Date.now(), replay.stats.eventsSent]), 250);
    let result: Record<string, unknown>;
    try {
      result = await runIngestChild(
        {
          mode: "held",
          streamUrl: `${replay.url}/v2/stream`,
          topicPrefix: entry.topics.topicPrefix,
          dlqTopic: entry.topics.ingestDlq,
          expected: events.length,
          batchSize: 500,
          lingerMs: 50,
          bufferSize,
          cutAfter: sizes.cutAfter,
          holdMs: sizes.holdMs,
          debug: flag("--debug"),
        },
        240_000,
      );
    } finally {
      clearInterval(watch);
      await replay.close();
    }
    const holdEnd = result.holdEndWallMs as number;
    const sentAtHoldEnd = sent.filter(([t]) => t <= holdEnd).at(-1)?.[1] ?? Number.NaN;
    const received = result.receivedBeforeRestore as number;
    rows.push([
      fmt(bufferSize),
      fmt(result.rssBeforeStartMb as number),
      `${fmt(result.rssAtCutMb as number)} → ${fmt(result.rssAtFullMb as number)} (${fmt(result.fullAfterSeconds as number, 1)} s)`,
      fmt(result.heldDepth as number),
      `${fmt(result.rssHeldMinMb as number)} – ${fmt(result.rssHeldMaxMb as number)} over ${fmt(result.heldSeconds as number, 1)} s`,
      fmt(result.receivedWhileHeld as number),
      `${fmt(sentAtHoldEnd - received)} / ${fmt(events.length - sentAtHoldEnd)}`,
      fmt(result.peakRssMb as number),
      fmt(result.drainSeconds as number, 1),
    ]);
  }
  report({
    title: "d. Ingest memory under backpressure: Kafka unreachable, the stream held",
    columns: [
      "INGEST_BUFFER_SIZE",
      "RSS MB before start",
      "RSS MB at cut → buffer full (after)",
      "records held",
      "RSS MB while held (min – max)",
      "read while held",
      "events in transit / not yet sent by the replay",
      "peak RSS MB (whole run)",
      "held records published after restore, s",
    ],
    rows,
    notes: [
      `${real.length} real events × ${sizes.heldCopies} copies served as fast as ingest reads. Ingest (createIngest in its own process, batch 500) runs until ${fmt(sizes.cutAfter)} events are published; then Kafka becomes unreachable for that process only: its sockets are closed with an error and reconnects go to a port that refuses. The broker keeps running for everyone else.`,
      `RSS (VmRSS) is sampled every 250 ms. "Buffer full": the received count stopped moving (no change for 1 s); from then the stream is held for ${sizes.holdMs / 1000} s.`,
      '"In transit": events the replay server had written to its socket but ingest had not read (kernel socket buffers on both ends and the HTTP client\'s stream buffer); "not yet sent": still in the replay server, blocked by TCP backpressure. Both together show the stream was held, not over.',
      "Then Kafka is given back; the time is until every record read before the restore is published (the publisher's retry backoff is at most 5 s). Peak RSS includes that catch-up, when ingest reads and publishes at full speed again.",
    ],
  });
}

// ---------------------------------------------------------------------------------------------- main

const overrides = Object.entries(process.env)
  .filter(([name]) => /^(INGEST|INDEXER)_/.test(name))
  .map(([name, value]) => `${name}=${value}`);
const bunVersion = spawnSync(bunBin, ["--version"], { encoding: "utf8" }).stdout.trim();

async function environment(): Promise<string[]> {
  const opensearchVersion = await opensearch
    .info()
    .then((r) => String((r.body as { version?: { number?: string } }).version?.number))
    .catch(() => "unreachable");
  const pom = readFileSync(`${repoRoot}deploy/local/pom.xml`, "utf8");
  const kafkaVersion = /<kafka\.version>([^<]+)</.exec(pom)?.[1] ?? "?";
  const kafkajs = (
    JSON.parse(readFileSync(`${repoRoot}node_modules/kafkajs/package.json`, "utf8")) as {
      version: string;
    }
  ).version;
  const cpu = os.cpus()[0]?.model ?? "?";
  return [
    `- command: \`node bench/run.ts${argv.map((a) => ` ${/[\s"']/.test(a) ? JSON.stringify(a) : a}`).join("")}\` (${quick ? "quick sizes" : "default sizes"})`,
    `- machine: ${cores} cores (${cpu}), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB RAM, ${os.platform()} ${os.release()}${note ? `; ${note}` : ""}`,
    "- the local stack (Kafka, OpenSearch, each with a 512 MB heap) runs on the same cores as the benchmark",
    `- runtimes: node ${process.version}, bun ${bunVersion}; kafkajs ${kafkajs}; Kafka ${kafkaVersion} (KRaft, one node); OpenSearch ${opensearchVersion} (one node)`,
    // The spawned apps inherit the environment: say so when it changes their settings.
    `- app settings from the environment: ${overrides.length > 0 ? overrides.join(", ") : "none (the apps' defaults, except as noted per part)"}`,
  ];
}

const startedAt = new Date();
const load = [os.loadavg()];
const header = await environment();
console.log(`wikistream benchmarks — ${startedAt.toISOString()}\n${header.join("\n")}`);
let failure: unknown;
try {
  // OpenSearch may be restarting (someone else's outage test on the same stack): wait for it a while.
  if (parts.has("catchup") || parts.has("freshness")) {
    await waitUntil(
      "OpenSearch",
      async () => (await opensearch.cluster.health()).body.status !== "red",
      120_000,
      1000,
    );
  }
  let backlog: Backlog | undefined;
  if (parts.has("ingest") || parts.has("catchup")) backlog = await ingestThroughput();
  if (parts.has("catchup") && backlog !== undefined) await indexerCatchUp(backlog);
  if (parts.has("freshness")) await freshness();
  if (parts.has("backpressure")) await backpressure();
} catch (error) {
  failure = error;
  console.error(
    `benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
} finally {
  say("deleting the topics, groups, indices and templates this run created …");
  await cleanupAll();
  await opensearch.close();
}
load.push(os.loadavg());
const seconds = (Date.now() - startedAt.getTime()) / 1000;

const date = startedAt.toISOString().slice(0, 10);
const file = `${repoRoot}bench/results/${date}-${host}${quick ? "-quick" : ""}.md`;
const loadText = load.map((l) => l.map((v) => v.toFixed(2)).join(" ")).join(" → ");
const markdown = [
  `# wikistream benchmarks, ${date} (${host})`,
  "",
  ...header,
  `- started ${startedAt.toISOString()}, took ${fmt(seconds)} s; load average (1/5/15 min) ${loadText}`,
  ...(failure === undefined ? [] : [`- **the run failed**: ${String(failure)}`]),
  "",
  ...sections.flatMap((s) => [`## ${s.title}`, "", table(s), "", ...s.notes.map((n) => `- ${n}`), ""]),
].join("\n");
if (!flag("--no-write") && sections.length > 0) {
  mkdirSync(`${repoRoot}bench/results`, { recursive: true });
  writeFileSync(file, markdown);
  console.log(`\nwrote ${file.slice(repoRoot.length)} (${fmt(seconds)} s)`);
}
process.exit(failure === undefined ? 0 : 1);
