/** c. End-to-end freshness at live rate: replay → ingest → Kafka → indexer → searchable. */
import { type RecordedEvent, startReplayServer } from "@wikistream/replay";
import { sleep } from "@wikistream/resilience";
import { waitFor } from "@wikistream/testkit";
import type { BenchContext } from "../context.ts";
import { fmt, say } from "../format.ts";
import type { AppProcess } from "../lib/apps.ts";
import { realEvents } from "../lib/events.ts";
import { indexerEnv, indexerNames, runTopics } from "../lib/names.ts";
import { machineBusySince, machineCpu, processCpuSeconds, processMemory } from "../lib/procfs.ts";
import { summarize } from "../lib/stats.ts";
import { recordTimes } from "./record-times.ts";
import { sendRecorder } from "./send-recorder.ts";

export async function freshness(ctx: BenchContext): Promise<void> {
  const { sizes, cores } = ctx.options;
  const { real, events: multiplied } = await realEvents(sizes.freshnessCopies);
  // The replay paces by each event's recorded time (RecordedEvent.dt, parsed from meta.dt). A uniform
  // grid of those times gives a steady rate; the JSON sent (meta.dt included) is unchanged.
  const gapMs = 1000 / sizes.freshnessRate;
  const base = Date.now();
  const events: RecordedEvent[] = multiplied.map((e, i) => ({ ...e, dt: base + i * gapMs }));
  const entry = ctx.track(runTopics());
  const names = indexerNames(entry.topics, "fresh");
  entry.indexers.push(names);
  say(`freshness: ${events.length} events at ${sizes.freshnessRate}/s through ingest + indexer processes …`);

  const machine = machineCpu();
  const indexer = await ctx.start("indexer", "node", indexerEnv(entry.topics, names));
  await waitFor("indexer ready", () => indexer.ready(), 60_000, 100);
  const replay = await startReplayServer({ events, pace: "original" });
  const proxy = await sendRecorder(replay.url);
  const searchable = new Map<string, number>();
  let polls = 0;
  let pollErrors = 0;
  let ingest: AppProcess | undefined;
  let sendSeconds = Number.NaN;
  try {
    ingest = await ctx.start("ingest", "node", {
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
        const response = await ctx.opensearch
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
  await ctx.stop(ingest);
  await ctx.stop(indexer);

  const latencies: number[] = [];
  const steady: number[] = [];
  // Split at the record's Kafka timestamp (wall clock, ms): ingest's share, then the rest.
  const created = await recordTimes(
    [entry.topics.recentchange, entry.topics.pageChange],
    `${names.groupId}-times`,
    searchable.size,
  );
  const ingestShare: number[] = [];
  const afterKafka: number[] = [];
  const t0 = proxy.log.sent.get(proxy.log.order[0] ?? "") ?? 0;
  let steadySent = 0;
  for (const id of proxy.log.order) {
    const sent = proxy.log.sent.get(id)!;
    if (sent - t0 >= 5000) steadySent++;
    const seen = searchable.get(id);
    if (seen === undefined) continue;
    latencies.push(seen - sent);
    if (sent - t0 < 5000) continue;
    steady.push(seen - sent);
    const at = created.get(id);
    if (at === undefined) continue;
    const atPerf = at - performance.timeOrigin;
    ingestShare.push(atPerf - sent);
    afterKafka.push(seen - atPerf);
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
  ctx.report.add({
    title: `c. End-to-end freshness at ~${fmt(proxy.log.order.length / sendSeconds)} events/s: replay → ingest → Kafka → indexer → searchable`,
    columns: ["events", "searchable / sent", "p50 ms", "p95 ms", "p99 ms", "max ms"],
    rows: [
      row("all", all, proxy.log.order.length),
      row("sent after the first 5 s", warm, steadySent),
      row("… of which ingest: frame sent → record handed to kafkajs", summarize(ingestShare), steadySent),
      row("… and the rest: record handed to kafkajs → searchable", summarize(afterKafka), steadySent),
    ],
    notes: [
      `${real.length} real events × ${sizes.freshnessCopies} copies (fresh meta.ids), sent at ${fmt(proxy.log.order.length / sendSeconds)} events/s measured (paced for ${sizes.freshnessRate}/s; the replay server's per-event timer sleeps run a little long) over ${fmt(sendSeconds, 1)} s; ingest and indexer are \`src/main.ts\` processes on Node with their defaults (ingest batch 500 / linger 50 ms; indexer flush 200 ms, refresh 1s).`,
      "Latency = time a document is first returned by an `ids` search (no forced refresh; polled every 100 ms for every sent, not yet seen meta.id) − time the frame was written to the ingest's socket (a pass-through proxy in front of the replay server notes it). Same clock, one process. An upper bound: up to one poll interval (~100 ms + query time) late.",
      "The indexer's own freshness histogram (ack time − meta.dt) cannot be used with recordings: their meta.dt is months or years old.",
      "The first 5 s include creating the time-bucketed indices the events fall into; the second row leaves them out.",
      "The last two rows split the second at the record's Kafka timestamp (CreateTime: kafkajs sets it when ingest calls sendBatch, after its linger; read back from the topic afterwards): ingest's share (SSE parse, validation, linger), then produce, fetch, the indexer's batching, the bulk request and the refresh. Each row's percentiles are its own (they do not add up).",
      `Ingest: peak RSS ${fmt(ingestMemory?.peakRssMb ?? Number.NaN)} MB, CPU ${fmt(ingestCpu, 1)} s; indexer: peak RSS ${fmt(indexerMemory?.peakRssMb ?? Number.NaN)} MB, CPU ${fmt(indexerCpu, 1)} s; ${polls} search polls (${pollErrors} failed and were repeated); machine CPU busy ${fmt(busy * 100)} % of ${cores} cores.`,
    ],
  });
}
