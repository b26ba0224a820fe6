/**
 * a. Ingest throughput: replay server (pace fast) → ingest (createIngest, in its own process) → Kafka.
 * Its first run's topics are the backlog of part b.
 */
import { fileURLToPath } from "node:url";
import { startReplayServer } from "@wikistream/replay";
import type { ChildOptions } from "../children/ingest-child.ts";
import type { BenchContext, Tracked } from "../context.ts";
import { fmt, mb, say } from "../format.ts";
import { runChild } from "../lib/child.ts";
import { dataBytes, realEvents } from "../lib/events.ts";
import { runTopics } from "../lib/names.ts";
import { machineBusySince, machineCpu } from "../lib/procfs.ts";

const ingestChild = fileURLToPath(new URL("../children/ingest-child.ts", import.meta.url));

/** Runs bench/children/ingest-child.ts and returns its result. */
export function runIngestChild(options: ChildOptions, timeoutMs: number): Promise<Record<string, unknown>> {
  return runChild(ingestChild, options, timeoutMs);
}

/** Records waiting in Kafka for part b: what one ingest run wrote. */
export interface Backlog {
  entry: Tracked;
  records: number;
  bytes: number;
  seconds: number;
}

export async function ingestThroughput(ctx: BenchContext): Promise<Backlog> {
  const { sizes, quick, cores } = ctx.options;
  const { real, events } = await realEvents(sizes.copies);
  const bytes = dataBytes(events);
  const configs = quick ? [{ batchSize: 500 }] : [{ batchSize: 500 }, { batchSize: 2000 }];
  const rows: (string | number)[][] = [];
  let backlog: Backlog | undefined;
  for (const { batchSize } of configs) {
    const entry = ctx.track(runTopics());
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
    backlog ??= { entry, records: counts.published, bytes, seconds };
  }
  ctx.report.add({
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
