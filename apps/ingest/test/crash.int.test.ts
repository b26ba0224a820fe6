import { multiplyEvents, startReplayServer } from "@wikistream/replay";
import { waitFor } from "@wikistream/testkit";
import { describe, expect, it } from "vitest";
import { deadLetters, duplicateCount, kafka, publishedIds } from "./harness.ts";
import { topicSize } from "./kafka-helpers.ts";
import { type IngestProcess, processEnv, spawnIngest } from "./process-helpers.ts";
import { recordingSuite } from "./suite.ts";

const suite = recordingSuite({ prepare: (events) => multiplyEvents(events, 10) });

describe("kill -9 of ingest mid-stream, then a restart", () => {
  it("the restarted process (on Deno: a new host) resumes from Kafka's tail; every event and dead letter once", async () => {
    // ~180 events/s for ~10 s, so the kill lands mid-stream; garbage early on, so the DLQ has work.
    const { events } = suite;
    const replay = await startReplayServer({
      events,
      pace: 50,
      maxGapMs: 10,
      faults: [{ kind: "garbage", afterEvents: 100 }],
    });
    const names = suite.topics.next();
    const env = processEnv(replay, names, { INGEST_BATCH_SIZE: "50" });
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
          void topicSize(kafka, names.streamTopics).then((n) => (size = n));
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
    const ids = await publishedIds(names);
    expect(new Set(ids)).toEqual(suite.expected);
    const dead = await deadLetters<{ raw: string }>(names);
    expect(dead.map((letter) => letter.raw)).toEqual(replay.stats.injected[0]?.payloads);
    console.log(JSON.stringify({ events: events.length, duplicates: duplicateCount(ids) }));
    expect(duplicateCount(ids)).toBe(0);
  }, 120_000);
});
