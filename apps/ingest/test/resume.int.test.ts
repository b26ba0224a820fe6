import { startReplayServer } from "@wikistream/replay";
import { waitFor } from "@wikistream/testkit";
import { describe, expect, it } from "vitest";
import {
  deadLetters,
  duplicateCount,
  ingestReading,
  metaIdOf,
  publishedIds,
  realEvents,
  recentchangeOnly,
} from "./harness.ts";
import { recordingSuite } from "./suite.ts";

// Where a restart starts: from Kafka's own tail (resume id or time), from INGEST_SINCE when Kafka is
// empty, and never past an event (a shared millisecond, the standby DC's topic after a switchover).
const suite = recordingSuite({ files: ["recentchange-enwiki-2023-07.ndjson"] });

describe("where ingest starts, against real Kafka", () => {
  it("a restart does not dead-letter the same bad frame twice (the DLQ is part of the resume tail)", async () => {
    const { events: enwiki } = suite;
    // A real event made invalid, served last, so it is in the batch a restart reads again.
    const last = enwiki.at(-1)!;
    const broken = { ...last.event, meta: { ...last.event.meta, id: "not-a-uuid" } };
    const events = [...enwiki, { ...last, event: broken, data: JSON.stringify(broken) }];
    const replay = await startReplayServer({ events });
    const names = suite.topics.next(["mediawiki.recentchange"]);
    const first = ingestReading(replay, names, recentchangeOnly).ingest;
    const second = ingestReading(replay, names, recentchangeOnly).ingest;
    try {
      await first.start();
      await waitFor(
        "the first run to publish everything",
        () => first.status().counts.published === enwiki.length && first.status().counts.deadLettered === 1,
        30_000,
      );
      await first.stop();
      await second.start();
      // The re-read batch is recognised: its events by meta.id, the bad frame by its frame id.
      await waitFor("the re-read batch", () => second.status().counts.duplicates >= 1, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      await first.stop();
      await second.stop();
      await replay.close();
    }
    expect(replay.stats.connections[1]?.lastEventId).toBeDefined();
    const dead = await deadLetters<{ raw: string }>(names);
    expect(dead.map((letter) => letter.raw)).toEqual([events.at(-1)!.data]);
    expect(second.status().counts.deadLettered).toBe(0);
    const ids = await publishedIds(names);
    expect(new Set(ids)).toEqual(new Set(enwiki.map(metaIdOf)));
    expect(duplicateCount(ids)).toBe(0);
  }, 60_000);

  it("events sharing a millisecond are not skipped when resuming from a timestamp id (as production sends)", async () => {
    // The 2022 capture: three events, one millisecond, so all three carry the same timestamp id.
    const events = await realEvents(["recentchange-raw-2022-12.sse"]);
    const replay = await startReplayServer({
      events,
      idMode: "timestamp",
      faults: [{ kind: "close", afterEvents: 1 }],
    });
    const names = suite.topics.next(["mediawiki.recentchange"]);
    const { ingest } = ingestReading(replay, names, recentchangeOnly);
    try {
      await ingest.start();
      await waitFor("all three events", () => ingest.status().counts.published === events.length, 30_000);
    } finally {
      await ingest.stop();
      await replay.close();
    }
    const [sent] = JSON.parse(replay.stats.connections[1]!.lastEventId!) as { timestamp: number }[];
    expect(sent?.timestamp).toBe(events[0]!.dt);
    expect(ingest.status().counts.duplicates).toBe(1);
    const ids = await publishedIds(names);
    expect(ids.sort()).toEqual(events.map(metaIdOf).sort());
  }, 30_000);

  it("events in the standby DC's topic after a switchover are not skipped (its -1 entry means latest)", async () => {
    const { events: enwiki } = suite;
    // Production semantics: timestamp ids listing the standby DC at -1, and -1 read as "latest".
    const half = Math.floor(enwiki.length / 2);
    const production = { idMode: "timestamp", minusOneMeans: "latest", onEnd: "hold" } as const;
    const eqiad = await startReplayServer({
      ...production,
      events: enwiki.slice(0, half),
      datacenter: "eqiad",
      standbyDatacenter: "codfw",
    });
    // After the switchover, the new events are in the codfw topics only.
    const codfw = await startReplayServer({
      ...production,
      events: enwiki.slice(half),
      datacenter: "codfw",
      standbyDatacenter: "eqiad",
    });
    const names = suite.topics.next(["mediawiki.recentchange"]);
    const first = ingestReading(eqiad, names, recentchangeOnly).ingest;
    const second = ingestReading(codfw, names, recentchangeOnly).ingest;
    try {
      await first.start();
      await waitFor("the eqiad half", () => first.status().counts.published === half, 30_000);
      await first.stop();
      await second.start();
      await waitFor(
        "the events written to codfw during the gap",
        () => second.status().counts.published === enwiki.length - half,
        30_000,
      );
    } finally {
      await first.stop();
      await second.stop();
      await eqiad.close();
      await codfw.close();
    }
    const sent = JSON.parse(codfw.stats.connections[0]!.lastEventId!) as Record<string, unknown>[];
    const standby = sent.find((entry) => entry.topic === "codfw.mediawiki.recentchange");
    expect(standby).toMatchObject({ timestamp: expect.any(Number) });
    expect(standby).not.toHaveProperty("offset");
    const ids = await publishedIds(names);
    expect(new Set(ids)).toEqual(new Set(enwiki.map(metaIdOf)));
    expect(duplicateCount(ids)).toBe(0);
  }, 60_000);

  it("with nothing in Kafka starts from INGEST_SINCE; once Kafka holds records, from their resume id", async () => {
    const { events: enwiki } = suite;
    const since = enwiki[60]!.event.meta!.dt as string;
    const from = enwiki.findIndex((e) => e.dt >= Date.parse(since));
    const expected = new Set(enwiki.slice(from).map(metaIdOf));
    const replay = await startReplayServer({ events: enwiki });
    const names = suite.topics.next(["mediawiki.recentchange"]);
    const env = { ...recentchangeOnly, INGEST_SINCE: since };
    const first = ingestReading(replay, names, env).ingest;
    const second = ingestReading(replay, names, env).ingest;
    try {
      await first.start();
      expect(first.status().startedFrom).toEqual({
        policy: "resume",
        from: "since",
        lastEventId: undefined,
        since,
      });
      await waitFor(
        "events since INGEST_SINCE",
        () => first.status().counts.published === expected.size,
        30_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      await first.stop();
      await second.start();
      expect(second.status().startedFrom.lastEventId).toBeDefined();
      expect(second.status().startedFrom.since).toBeUndefined();
      await waitFor("the second run to connect", () => replay.connections >= 2, 10_000);
    } finally {
      await first.stop();
      await second.stop();
      await replay.close();
    }
    expect(replay.stats.connections[0]?.since).toBe(since);
    expect(replay.stats.connections[1]).toMatchObject({ since: undefined, lastEventId: expect.any(String) });
    const ids = await publishedIds(names);
    expect(from).toBeGreaterThan(10);
    expect(new Set(ids)).toEqual(expected);
  }, 60_000);
});
