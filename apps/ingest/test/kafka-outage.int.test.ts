import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { multiplyEvents, type RecordedEvent, startReplayServer } from "@wikistream/replay";
import { waitFor } from "@wikistream/testkit";
import { beforeAll, describe, expect, it } from "vitest";
import {
  counterValue,
  duplicateCount,
  ingestReading,
  metaIdOf,
  publishedIds,
  realEvents,
  recentchangeOnly,
} from "./harness.ts";
import { recordingSuite } from "./suite.ts";

// Stops the shared local Kafka for OUTAGE_MS (the 30 s) and starts it again, always: other
// engineers' tests use the same broker.
const OUTAGE_MS = 30_000;
const stackScript = fileURLToPath(new URL("../../../deploy/local/stack.sh", import.meta.url));
const run = promisify(execFile);
const kafkaStack = (command: "up" | "down") =>
  run("bash", [stackScript, command, "kafka"], { timeout: 120_000 });

// ~12,000 real events with fresh meta.ids: more than the socket buffers between replay and ingest
// hold, so a stop of reading shows as a stop of sending.
const suite = recordingSuite({
  prepare: (events) => multiplyEvents(events, 64),
  beforeCleanup: () => kafkaStack("up"),
});
let enwiki: RecordedEvent[] = [];
beforeAll(async () => {
  enwiki = await realEvents(["recentchange-enwiki-2023-07.ndjson"]);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("Kafka stopped for 30 s and restarted", () => {
  // One scenario on one timeline, longer than a screen on purpose: the samples and timings taken
  // during the outage and both ingests' states are what the checks at the end read.
  it("ingest keeps running, stops reading once its bounded buffer is full, and publishes everything after", async () => {
    const { events } = suite;
    // ~500 events/s, so the stream would go on well past the outage if ingest kept reading.
    const replay = await startReplayServer({ events, pace: 200, maxGapMs: 3, keepaliveMs: 200 });
    const names = suite.topics.next();
    const bufferSize = 200;
    const main = ingestReading(replay, names, {
      INGEST_BUFFER_SIZE: String(bufferSize),
      INGEST_BATCH_SIZE: "50",
      // Far below the outage: a stall reported while *we* hold the reader would show up here.
      INGEST_STALL_TIMEOUT_MS: "2000",
    });
    // A second ingest, stopped during the outage: stop() must give up at its drain deadline, and a
    // restart after the outage must still find everything.
    const slowReplay = await startReplayServer({ events: enwiki, pace: 20, maxGapMs: 100 });
    const slowNames = suite.topics.next(["mediawiki.recentchange"]);
    const stopped = ingestReading(slowReplay, slowNames, recentchangeOnly).ingest;
    const restarted = ingestReading(slowReplay, slowNames, recentchangeOnly).ingest;

    const sent: { at: number; sent: number; depth: number }[] = [];
    let stopDuringOutageMs = Number.NaN;
    let readyDuringOutage = true;
    const timings: Record<string, number> = {};
    try {
      await main.ingest.start();
      await stopped.start();
      await waitFor("publishing to be under way", () => main.ingest.status().counts.published >= 500, 30_000);
      await waitFor("the second ingest to publish", () => stopped.status().counts.published >= 10, 30_000);

      const down = performance.now();
      await kafkaStack("down");
      try {
        // Stop the second ingest while Kafka is away: it must return soon after its drain deadline.
        const stopStarted = performance.now();
        await stopped.stop({ drainTimeoutMs: 2000 });
        stopDuringOutageMs = performance.now() - stopStarted;
        while (performance.now() - down < OUTAGE_MS) {
          await sleep(500);
          sent.push({
            at: performance.now() - down,
            sent: replay.stats.eventsSent,
            depth: main.ingest.status().bufferDepth,
          });
        }
        readyDuringOutage = main.ingest.ready();
      } finally {
        const upStarted = performance.now();
        await kafkaStack("up");
        timings.restartMs = performance.now() - upStarted;
      }
      const back = performance.now();
      const before = main.ingest.status().counts.published;
      await waitFor("publishing to resume", () => main.ingest.status().counts.published > before, 60_000);
      timings.firstAckAfterRestartMs = performance.now() - back;
      await waitFor(
        "everything published after kafka came back",
        () => main.ingest.status().counts.published >= events.length,
        90_000,
      );
      timings.catchUpMs = performance.now() - back;
      await restarted.start();
      await waitFor(
        "the restarted ingest to publish the rest",
        () => stopped.status().counts.published + restarted.status().counts.published >= enwiki.length,
        30_000,
      );
    } finally {
      await main.ingest.stop();
      await stopped.stop();
      await restarted.stop();
      await replay.close();
      await slowReplay.close();
    }
    const failures = main.logs.filter((l) => l.msg.startsWith("kafka produce failed")).length;
    console.log(
      JSON.stringify({
        stopDuringOutageMs,
        ...timings,
        failedAttempts: failures,
        sent: sent.filter((_, i) => i % 4 === 0),
      }),
    );

    // Reading stopped: the server could send nothing more for the last 10 s of the outage, although
    // the recording was far from over.
    const last = sent.at(-1)!;
    const tenBefore = sent.find((s) => s.at >= last.at - 10_000)!;
    expect(last.sent - tenBefore.sent).toBe(0);
    expect(last.sent).toBeLessThan(events.length / 2);
    // Memory stayed bounded: never more than the buffer held.
    expect(Math.max(...sent.map((s) => s.depth))).toBeLessThanOrEqual(bufferSize);
    expect(readyDuringOutage).toBe(false);
    expect(await counterValue(main.metrics.produceErrors)).toBeGreaterThan(0);
    expect(await counterValue(main.metrics.reconnects, { reason: "stalled" })).toBe(0);
    expect(stopDuringOutageMs).toBeLessThan(10_000);

    const ids = await publishedIds(names);
    expect(new Set(ids)).toEqual(new Set(events.map(metaIdOf)));
    const slowIds = await publishedIds(slowNames);
    expect(new Set(slowIds)).toEqual(new Set(enwiki.map(metaIdOf)));
    console.log(JSON.stringify({ duplicates: duplicateCount(ids), slowDuplicates: duplicateCount(slowIds) }));
  }, 200_000);
});
