/** b. Indexer catch-up: a backlog already in Kafka → indexer from a cold start → searchable documents. */
import { sampleSum, waitFor } from "@wikistream/testkit";
import type { BenchContext } from "../context.ts";
import { fmt, mb, say } from "../format.ts";
import { indexerEnv, indexerNames } from "../lib/names.ts";
import { machineBusySince, machineCpu, processCpuSeconds, processMemory } from "../lib/procfs.ts";
import { bucketQuantile, scrapeHistogram } from "../lib/prometheus.ts";
import { bunVersion, searchableCount } from "../lib/stack.ts";
import type { Backlog } from "./ingest.ts";

export async function indexerCatchUp(ctx: BenchContext, backlog: Backlog): Promise<void> {
  const { sizes } = ctx.options;
  const { opensearch } = ctx;
  const topics = backlog.entry.topics;
  const rows: (string | number)[][] = [];
  // Alternating runtimes, twice by default: on a shared machine one run alone says little.
  const runs = Array.from({ length: sizes.catchUpRounds }, (_, i) =>
    (["node", "bun"] as const).map((runtime) => ({ runtime, pass: i + 1 })),
  ).flat();
  for (const { runtime, pass } of runs) {
    const names = indexerNames(topics, `catchup-${runtime}-${pass}`);
    backlog.entry.indexers.push(names);
    say(`catch-up on ${runtime}: ${backlog.records} records waiting in Kafka …`);
    const machine = machineCpu();
    const started = performance.now();
    const proc = await ctx.start("indexer", runtime, indexerEnv(topics, names));
    let readyAt: number | undefined;
    let count = 0;
    try {
      await waitFor(
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
    const deadLettered = sampleSum(metrics, "wikistream_indexer_documents_total", {
      result: "dead_lettered",
    });
    await ctx.stop(proc);
    // Exactly once per meta.id: _id = meta.id, so more would mean a bug and fewer a loss.
    await opensearch.indices.refresh({ index: `${names.indexPrefix}-*`, allow_no_indices: true });
    const finalCount = await searchableCount(opensearch, names.indexPrefix);
    const startup = readyAt === undefined ? Number.NaN : (readyAt - started) / 1000;
    rows.push([
      `${runtime === "node" ? `node ${process.version}` : `bun ${bunVersion()}`}${sizes.catchUpRounds > 1 ? `, run ${pass}` : ""}`,
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
  ctx.report.add({
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
