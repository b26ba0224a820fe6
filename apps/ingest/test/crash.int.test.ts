import { multiplyEvents, type RecordedEvent, startReplayServer } from "@wikistream/replay";
import { waitFor } from "@wikistream/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  duplicateCount,
  kafka,
  metaIdOf,
  readBack,
  realEvents,
  recordMetaId,
  topicRegistry,
} from "./harness.ts";
import { type IngestProcess, spawnIngest } from "./process-helpers.ts";

const topics = topicRegistry();
let events: RecordedEvent[] = [];
beforeAll(async () => {
  events = multiplyEvents(await realEvents(), 10);
});
afterAll(() => topics.cleanup());

/** Records the topics hold, summed over partitions (what has been acknowledged so far). */
async function topicSize(names: readonly string[]): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let total = 0;
    for (const topic of names) {
      for (const { high, low } of await admin.fetchTopicOffsets(topic)) total += Number(high) - Number(low);
    }
    return total;
  } finally {
    await admin.disconnect();
  }
}

describe("kill -9 of ingest mid-stream, then a restart", () => {
  it("the restarted process (on Deno: a new host) resumes from Kafka's tail; every event and dead letter once", async () => {
    // ~180 events/s for ~10 s, so the kill lands mid-stream; garbage early on, so the DLQ has work.
    const replay = await startReplayServer({
      events,
      pace: 50,
      maxGapMs: 10,
      faults: [{ kind: "garbage", afterEvents: 100 }],
    });
    const names = topics.next();
    const env = {
      INGEST_STREAM_URL: `${replay.url}/v2/stream`,
      INGEST_STREAMS: "recentchange,page_change",
      INGEST_TOPIC_PREFIX: names.prefix,
      INGEST_DLQ_TOPIC: names.dlqTopic,
      INGEST_BATCH_SIZE: "50",
    };
    let killed: IngestProcess | undefined;
    let restarted: IngestProcess | undefined;
    try {
      killed = spawnIngest("node", env);
      await killed.waitForPublished(400, 30_000);
      killed.child.kill("SIGKILL");
      const [, signal] = await killed.exited;
      expect(signal).toBe("SIGKILL");
      expect(replay.stats.eventsSent).toBeLessThan(events.length / 2);

      restarted = spawnIngest("deno", env);
      let size = 0;
      await waitFor(
        "every event in kafka after the restart",
        () => {
          void topicSize(names.streamTopics).then((n) => (size = n));
          return size >= events.length;
        },
        60_000,
      ).catch((error: unknown) => {
        throw new Error(`${(error as Error).message}\n${restarted?.output().slice(-3000)}`);
      });
      restarted.child.kill("SIGTERM");
      const [code] = await restarted.exited;
      expect(code).toBe(0);
    } finally {
      for (const child of [killed?.child, restarted?.child])
        if (child?.exitCode === null) child.kill("SIGKILL");
      await replay.close();
    }
    // The restart named where to continue: Last-Event-ID, recovered from Kafka, not from the start.
    expect(replay.stats.connections[1]?.lastEventId).toBeDefined();
    const ids = (await readBack(names.streamTopics)).map(recordMetaId);
    expect(new Set(ids)).toEqual(new Set(events.map(metaIdOf)));
    const dead = await readBack([names.dlqTopic]);
    expect(dead.map((r) => JSON.parse(r.value).raw)).toEqual(replay.stats.injected[0]?.payloads);
    console.log(JSON.stringify({ events: events.length, duplicates: duplicateCount(ids) }));
    expect(duplicateCount(ids)).toBe(0);
  }, 120_000);
});
