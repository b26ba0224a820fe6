import { type ReplayServer, startReplayServer } from "@wikistream/replay";
import { waitFor } from "@wikistream/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { counterValue, ingestReading, kafka, type TestTopics } from "./harness.ts";
import { emptyTopics } from "./kafka-helpers.ts";
import { processEnv, spawnIngest } from "./process-helpers.ts";
import { recordingSuite } from "./suite.ts";

// Issue 10, item 8: topics emptied by retention (or recreated) while EventStreams still holds the
// events must never make ingest start silently from the live edge.
const suite = recordingSuite();
let replay: ReplayServer;
let emptied: TestTopics;

beforeAll(async () => {
  replay = await startReplayServer({ events: suite.events, keepaliveMs: 100 });
  emptied = suite.topics.next();
  const { ingest } = ingestReading(replay, emptied);
  await ingest.start();
  try {
    const distinct = suite.expected.size;
    await waitFor("every event published", () => ingest.status().counts.published >= distinct, 45_000);
  } finally {
    await ingest.stop();
  }
  await emptyTopics(kafka, [...emptied.streamTopics, emptied.dlqTopic]);
}, 90_000);
afterAll(() => replay.close());

describe("start policy when the resume point is gone, against real Kafka", () => {
  it("emptied topics no longer make ingest start silently at the live edge: resume refuses, naming INGEST_START_POLICY", async () => {
    const { ingest, metrics } = ingestReading(replay, emptied);
    await expect(ingest.start()).rejects.toThrow(
      /INGEST_START_POLICY=resume: the resume point is gone: partition \d of topic .* held records up to offset \d+ and holds none now/,
    );
    expect(ingest.status()).toMatchObject({ state: "failed" });
    expect(await counterValue(metrics.starts, { policy: "resume", from: "refused" })).toBe(1);
    expect(replay.stats.connections).toHaveLength(1); // only the first run's connection
    await ingest.stop();
  }, 30_000);

  it("the process exits 1 with one line naming the variable and the fix", async () => {
    const child = spawnIngest("node", processEnv(replay, emptied));
    const [code] = await child.exited;
    expect(code).toBe(1);
    // Besides the JSON log line, the runner prints one plain line for the operator.
    const lines = child
      .output()
      .split("\n")
      .filter((line) => line.startsWith("ingest: "));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("INGEST_START_POLICY=resume: the resume point is gone");
    expect(lines[0]).toContain("INGEST_START_POLICY=since with INGEST_SINCE=");
    expect(lines[0]).toContain("INGEST_START_POLICY=latest");
  }, 30_000);

  it("INGEST_START_POLICY=latest starts at the live edge, loudly, and counts it", async () => {
    const { ingest, metrics, logs } = ingestReading(replay, emptied, { INGEST_START_POLICY: "latest" });
    await ingest.start();
    try {
      expect(ingest.status().startedFrom).toEqual({
        policy: "latest",
        from: "latest",
        lastEventId: undefined,
        since: undefined,
      });
      expect(
        logs.find((l) => l.level === "warn" && l.msg.startsWith("INGEST_START_POLICY=latest")),
      ).toBeDefined();
      expect(await counterValue(metrics.starts, { policy: "latest", from: "latest" })).toBe(1);
    } finally {
      await ingest.stop();
    }
  }, 30_000);

  it("INGEST_START_POLICY=since re-reads from INGEST_SINCE, whatever Kafka holds", async () => {
    const since = "2022-12-11T04:26:00Z";
    const { ingest, metrics } = ingestReading(replay, emptied, {
      INGEST_START_POLICY: "since",
      INGEST_SINCE: since,
    });
    await ingest.start();
    try {
      expect(ingest.status().startedFrom).toMatchObject({ policy: "since", from: "since", since });
      await waitFor(
        "the stream requested with since",
        () => replay.stats.connections.some((c) => c.since === since),
        10_000,
      );
      expect(await counterValue(metrics.starts, { policy: "since", from: "since" })).toBe(1);
    } finally {
      await ingest.stop();
    }
  }, 30_000);
});
