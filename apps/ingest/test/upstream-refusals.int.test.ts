import { createServer } from "node:net";
import { type RecordedEvent, startReplayServer } from "@wikistream/replay";
import { waitFor } from "@wikistream/testkit";
import { beforeAll, describe, expect, it } from "vitest";
import { counterValue, ingestReading, realEvents, recentchangeOnly } from "./harness.ts";
import { recordingSuite } from "./suite.ts";

// What EventStreams refuses (a missing user agent, a resume id naming streams no longer asked for)
// is fatal and says which variable fixes it; an unreachable stream is retried and said once.
const suite = recordingSuite();
let enwiki: RecordedEvent[] = [];
beforeAll(async () => {
  enwiki = await realEvents(["recentchange-enwiki-2023-07.ndjson"]);
});

describe("refusals and an unreachable upstream", () => {
  it("a 403 is fatal and says to set INGEST_USER_AGENT", async () => {
    const replay = await startReplayServer({
      events: enwiki,
      faults: [{ kind: "status", status: 403, body: "Please set a user-agent and respect our robot policy" }],
    });
    const names = suite.topics.next(["mediawiki.recentchange"]);
    const { ingest, metrics } = ingestReading(replay, names, recentchangeOnly);
    try {
      await ingest.start();
      await expect(ingest.done).rejects.toThrow(/HTTP 403.*INGEST_USER_AGENT/);
      expect(ingest.status()).toMatchObject({
        state: "failed",
        error: expect.stringContaining("INGEST_USER_AGENT"),
      });
      expect(await counterValue(metrics.reconnects, { reason: "http_4xx" })).toBe(1);
      expect(replay.connections).toBe(1);
    } finally {
      await ingest.stop();
      await replay.close();
    }
  }, 30_000);

  it("a Last-Event-ID the server refuses (INGEST_STREAMS changed since) is fatal and says why", async () => {
    const { events: all } = suite;
    const replay = await startReplayServer({ events: all });
    const names = suite.topics.next();
    const both = ingestReading(replay, names).ingest;
    try {
      await both.start();
      await waitFor("every event published", () => both.status().counts.published === all.length, 30_000);
    } finally {
      await both.stop();
    }
    // Same topics, one stream fewer: the resume id names page_change topics the server now refuses.
    const { ingest, metrics } = ingestReading(replay, names, recentchangeOnly);
    try {
      await ingest.start();
      await expect(ingest.done).rejects.toThrow(
        /HTTP 400.*Last-Event-ID recovered from Kafka.*INGEST_STREAMS/,
      );
      expect(await counterValue(metrics.reconnects, { reason: "http_4xx" })).toBe(1);
    } finally {
      await ingest.stop();
      await replay.close();
    }
  }, 60_000);

  it("an unreachable stream is reported once, with how to run from a recording, and retried", async () => {
    const port = await closedPort();
    const names = suite.topics.next(["mediawiki.recentchange"]);
    const { ingest, metrics, logs } = ingestReading({ url: `http://127.0.0.1:${port}` }, names, {
      ...recentchangeOnly,
      INGEST_RECONNECT_INITIAL_MS: "20",
      INGEST_RECONNECT_MAX_MS: "40",
    });
    try {
      await ingest.start();
      await waitFor("retries", () => logs.filter((l) => l.msg.includes("disconnected")).length >= 4, 10_000);
      expect(await counterValue(metrics.reconnects, { reason: "unreachable" })).toBeGreaterThanOrEqual(4);
      const told = logs.filter((l) => l.msg.includes("unreachable"));
      expect(told).toHaveLength(1);
      expect(told[0]).toMatchObject({
        level: "error",
        msg: expect.stringContaining("npm start -- --replay"),
      });
      expect(ingest.status().state).toBe("running");
    } finally {
      await ingest.stop();
    }
  }, 30_000);
});

/** A local port with nothing listening on it: connecting is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
