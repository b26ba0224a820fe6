/** d. Ingest memory under backpressure: Kafka unreachable for ingest, the stream held. */
import { startReplayServer } from "@wikistream/replay";
import type { BenchContext } from "../context.ts";
import { fmt, say } from "../format.ts";
import { realEvents } from "../lib/events.ts";
import { runTopics } from "../lib/names.ts";
import { runIngestChild } from "./ingest.ts";

export async function backpressure(ctx: BenchContext): Promise<void> {
  const { sizes } = ctx.options;
  const { real, events } = await realEvents(sizes.heldCopies);
  const rows: (string | number)[][] = [];
  for (const bufferSize of sizes.heldBuffers) {
    const entry = ctx.track(runTopics());
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
          debug: ctx.options.debug,
        },
        240_000,
        ctx.options.ingestNodeOptions,
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
  ctx.report.add({
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
