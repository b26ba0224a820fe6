/**
 * b. Indexer catch-up: a backlog already in Kafka → indexer from a cold start → searchable documents,
 * on each backlog of part a (mixed, one month), against the raw `_bulk` ceiling of the same documents.
 */
import { sampleSum, waitFor } from "@wikistream/testkit";
import { nodeFlags } from "../../apps/indexer/src/runtime-flags.ts";
import type { BenchContext } from "../context.ts";
import { fmt, mb, say } from "../format.ts";
import { indexerDocuments } from "../lib/indexer-documents.ts";
import { indexerEnv, indexerNames } from "../lib/names.ts";
import { machineBusySince, machineCpu, processCpuSeconds, processMemory } from "../lib/procfs.ts";
import { bucketQuantile, scrapeHistogram } from "../lib/prometheus.ts";
import { bunVersion, searchableCount } from "../lib/stack.ts";
import { bulkCeiling, type CeilingResult } from "./ceiling.ts";
import type { Backlog } from "./ingest.ts";
import { type Measured, per100k } from "./results.ts";

type Row = (string | number)[];

interface IndexerRun {
  runtime: "node" | "bun";
  pass: number;
  finalCount: number;
  deadLettered: number;
  readySeconds: number;
  firstSearchableSeconds: number;
  seconds: number;
  bulks: string;
  bulkMs: string;
  peakRssMb: number;
  cpuSeconds: number;
  /** CPU from the first ready poll on: without process start, module loading and group join. */
  cpuAfterReadySeconds: number;
  machineBusy: number;
}

/** One indexer `src/main.ts` from spawn until the whole backlog is searchable. */
async function indexerRun(ctx: BenchContext, backlog: Backlog, runtime: "node" | "bun", pass: number) {
  const { opensearch } = ctx;
  const topics = backlog.entry.topics;
  const label = backlog.dataset.name === "mixed" ? "" : "month-";
  const names = indexerNames(topics, `catchup-${label}${runtime}-${pass}`);
  backlog.entry.indexers.push(names);
  say(`catch-up on ${runtime} (${backlog.dataset.name}): ${backlog.records} records waiting in Kafka …`);
  const machine = machineCpu();
  const started = performance.now();
  const proc = await ctx.start("indexer", runtime, indexerEnv(topics, names));
  let readyAt: number | undefined;
  let cpuAtReady = Number.NaN;
  let firstAt: number | undefined;
  try {
    await waitFor(
      `${backlog.records} documents searchable (${runtime})`,
      async () => {
        if (proc.child.exitCode !== null) throw new Error(`indexer exited: ${proc.output().slice(-1500)}`);
        if (readyAt === undefined && (await proc.ready())) {
          readyAt = performance.now();
          cpuAtReady = processCpuSeconds(proc.pid) ?? Number.NaN;
        }
        const count = await searchableCount(opensearch, names.indexPrefix);
        if (count > 0) firstAt ??= performance.now();
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
  const machineBusy = machineBusySince(machine);
  const memory = processMemory(proc.pid);
  const cpuSeconds = processCpuSeconds(proc.pid) ?? Number.NaN;
  const metrics = await proc.getText("/metrics");
  const bulk = scrapeHistogram(metrics, "wikistream_indexer_bulk_request_duration_seconds");
  const bulkDocs = scrapeHistogram(metrics, "wikistream_indexer_bulk_request_documents");
  const deadLettered = sampleSum(metrics, "wikistream_indexer_documents_total", { result: "dead_lettered" });
  await ctx.stop(proc);
  // Exactly once per meta.id: _id = meta.id, so more would mean a bug and fewer a loss.
  await opensearch.indices.refresh({ index: `${names.indexPrefix}-*`, allow_no_indices: true });
  const since = (at: number | undefined) => (at === undefined ? Number.NaN : (at - started) / 1000);
  return {
    runtime,
    pass,
    finalCount: await searchableCount(opensearch, names.indexPrefix),
    deadLettered,
    readySeconds: since(readyAt),
    firstSearchableSeconds: since(firstAt),
    seconds,
    bulks: `${fmt(bulk.count)} × ${fmt(bulkDocs.sum / Math.max(1, bulkDocs.count))}`,
    bulkMs: `${fmt((bulk.sum / Math.max(1, bulk.count)) * 1000)} / ≤ ${fmt(bucketQuantile(bulk, 0.95) * 1000)}`,
    peakRssMb: memory?.peakRssMb ?? Number.NaN,
    cpuSeconds,
    cpuAfterReadySeconds: cpuSeconds - cpuAtReady,
    machineBusy,
  } satisfies IndexerRun;
}

const exact = (count: number, expected: number, note = "") =>
  `${fmt(count)}${count === expected ? " ✓" : " ✗"}${note}`;

function ceilingRow(backlog: Backlog, c: CeilingResult, best: number, pass: number | undefined): Row {
  const rate = c.documents / c.seconds;
  return [
    `${backlog.dataset.name}: raw \`_bulk\`, ${c.bulkSize} × ${c.inFlight} in flight${pass === undefined ? "" : `, run ${pass}`}`,
    fmt(backlog.records),
    exact(c.finalCount, backlog.records, c.failed > 0 ? ` (${c.failed} refused)` : ""),
    "–",
    fmt(c.firstSearchableSeconds, 2),
    fmt(c.seconds, 2),
    fmt(rate),
    fmt(rate / best, 2),
    fmt(mb(backlog.bytes) / c.seconds, 1),
    `${fmt(c.bulks)} × ${fmt(c.documents / Math.max(1, c.bulks))}`,
    `${fmt(c.bulkMs.mean)} / ${fmt(c.bulkMs.p95)}`,
    "(runner)",
    `${fmt(c.cpuSeconds, 1)} s (${fmt((c.cpuSeconds / c.seconds) * 100)} %)`,
    fmt(per100k(c.cpuSeconds, c.documents), 1),
    `${fmt(c.machineBusy * 100)} %`,
  ];
}

function indexerRow(backlog: Backlog, r: IndexerRun, rounds: number, best: number): Row {
  const rate = backlog.records / r.seconds;
  return [
    `${backlog.dataset.name}: ${r.runtime === "node" ? `node ${process.version}` : `bun ${bunVersion()}`}${rounds > 1 ? `, run ${r.pass}` : ""}`,
    fmt(backlog.records),
    exact(r.finalCount, backlog.records, r.deadLettered > 0 ? ` (${r.deadLettered} DLQ)` : ""),
    fmt(r.readySeconds, 1),
    fmt(r.firstSearchableSeconds, 2),
    fmt(r.seconds, 2),
    fmt(rate),
    fmt(rate / best, 2),
    fmt(mb(backlog.bytes) / r.seconds, 1),
    r.bulks,
    r.bulkMs,
    fmt(r.peakRssMb),
    `${fmt(r.cpuSeconds, 1)} s (${fmt((r.cpuSeconds / r.seconds) * 100)} %)`,
    `${fmt(per100k(r.cpuSeconds, backlog.records), 1)} (${fmt(per100k(r.cpuAfterReadySeconds, backlog.records), 1)})`,
    `${fmt(r.machineBusy * 100)} %`,
  ];
}

/** The ceilings first, then the indexers (alternating runtimes), all on the same backlog. */
async function catchUpOn(
  ctx: BenchContext,
  backlog: Backlog,
): Promise<{ rows: Row[]; measured: Measured[] }> {
  const { sizes, quick } = ctx.options;
  const documents = indexerDocuments(backlog.dataset.events);
  if (documents.length !== backlog.records) {
    console.error(`ceiling: ${documents.length} documents for ${backlog.records} records in Kafka`);
  }
  const shapes: [number, number][] = quick
    ? [[1000, 2]]
    : [
        [1000, 2],
        [2000, 4],
      ];
  const rounds = sizes.catchUpRounds;
  const dataset = backlog.dataset.name;
  const rows: Row[] = [];
  const measured: Measured[] = [];
  // On a shared machine one run alone says little: by default two rounds, each the ceilings and then
  // both runtimes, so that every indexer run is compared with a ceiling measured minutes before it.
  for (let pass = 1; pass <= rounds; pass++) {
    const ceilings: CeilingResult[] = [];
    for (const [bulkSize, inFlight] of shapes) {
      ceilings.push(await bulkCeiling(ctx, backlog, documents, bulkSize, inFlight, pass));
    }
    const best = Math.max(...ceilings.map((c) => c.documents / c.seconds));
    rows.push(...ceilings.map((c) => ceilingRow(backlog, c, best, rounds > 1 ? pass : undefined)));
    measured.push(
      ...ceilings.map((c) => ({
        dataset,
        who: "ceiling",
        rate: c.documents / c.seconds,
        peakRssMb: Number.NaN,
        cpuSecondsPer100k: per100k(c.cpuSeconds, c.documents),
        firstSearchableSeconds: c.firstSearchableSeconds,
      })),
    );
    for (const runtime of ["node", "bun"] as const) {
      const r = await indexerRun(ctx, backlog, runtime, pass);
      rows.push(indexerRow(backlog, r, rounds, best));
      measured.push({
        dataset,
        who: r.runtime,
        rate: backlog.records / r.seconds,
        ofCeiling: backlog.records / r.seconds / best,
        peakRssMb: r.peakRssMb,
        cpuSecondsPer100k: per100k(r.cpuSeconds, backlog.records),
        cpuAfterReadyPer100k: per100k(r.cpuAfterReadySeconds, backlog.records),
        firstSearchableSeconds: r.firstSearchableSeconds,
      });
    }
  }
  return { rows, measured };
}

export async function indexerCatchUp(ctx: BenchContext, backlogs: readonly Backlog[]): Promise<Measured[]> {
  const { sizes } = ctx.options;
  const rows: Row[] = [];
  const measured: Measured[] = [];
  for (const backlog of backlogs) {
    const result = await catchUpOn(ctx, backlog);
    rows.push(...result.rows);
    measured.push(...result.measured);
  }
  ctx.report.add({
    title:
      "b. Indexer catch-up: a backlog already in Kafka → indexer from a cold start → searchable documents; the raw `_bulk` ceiling of the same documents",
    columns: [
      "run",
      "backlog records",
      "documents (exact count)",
      "start → ready s",
      "start → first searchable s",
      "start → all searchable s",
      "docs/s",
      "of the `_bulk` ceiling",
      "MB/s",
      "bulk requests × docs",
      "bulk ms mean / p95",
      "peak RSS MB",
      "CPU",
      "CPU-s / 100k docs (after ready)",
      "machine CPU busy",
    ],
    rows,
    notes: [
      ...backlogs.map(
        (b) =>
          `${b.dataset.name}: the backlog part a's ingest wrote (${fmt(b.records)} records in ${fmt(b.seconds, 1)} s, 3 partitions per topic, gzip batches); ${b.dataset.description}.`,
      ),
      `\`apps/indexer/src/main.ts\` spawned as in production (node with the package's V8 flags \`${nodeFlags.join(" ")}\`, bun, alternating, ${sizes.catchUpRounds} round${sizes.catchUpRounds > 1 ? "s" : ""}), with its defaults (bulk 1000 docs / 5 MB, flush 200 ms, refresh 1s, bulk requests in flight as the version measured sets them) except 0 replicas and \`INDEXER_EVENT_MAX_AGE_DAYS=3650\` (the recordings go back to 2020); a new consumer group and index prefix per run, all reading the same backlog.`,
      "Timed from spawn (process start, templates, group join included) until `_count` over its indices, polled every 100 ms without a forced refresh, reaches the backlog: documents a user can search. Then a refresh and an exact recount. First searchable: the first poll that counts a document (an upper bound, up to one poll late).",
      "Raw `_bulk` ceiling: the indexer's own documents for the same events (its validation, `toDocument`, `indexFor`; prepared in memory before the clock starts), sent by a minimal client in the runner (fetch, NDJSON Buffers, N requests in flight, `index` actions with `_id` = meta.id) into its own prefix with the indexer's templates (its `componentTemplates` and `indexTemplates`, the indexer's settings) and the same monthly indices; timed from installing the templates until every document is searchable, polled as for the indexer. Its CPU is the runner's (sending and polling). `of the ceiling` = docs/s ÷ the best ceiling shape of the same round on the same backlog (measured just before it).",
      "Bulk latency: the indexer's mean from its histogram, p95 only as the upper bound of its bucket; the ceiling's measured around each request.",
      "Peak RSS: VmHWM of the process; CPU: user + system seconds of the process, and as a share of one core over the catch-up; CPU-s / 100k docs = that CPU per 100,000 documents, in brackets only what the indexer used after its first ready poll (process start, module loading and group join left out: with small backlogs they dominate); machine CPU busy: all cores, everything on the machine (OpenSearch, Kafka, …), over the catch-up.",
    ],
  });
  return measured;
}
