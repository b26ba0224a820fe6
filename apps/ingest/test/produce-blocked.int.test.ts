import { startReplayServer } from "@wikistream/replay";
import { waitFor } from "@wikistream/testkit";
import { ConfigResourceTypes } from "kafkajs";
import { describe, expect, it } from "vitest";
import { createHttpApp } from "../src/http/server.ts";
import { ingestReading, kafka, publishedIds } from "./harness.ts";
import { createTopic, withAdmin } from "./kafka-helpers.ts";
import { recordingSuite } from "./suite.ts";

// Issue 10, item 7: a produce error retrying cannot fix used to be retried at the backoff ceiling
// forever while ingest looked fine. Real Kafka refuses every record of a topic whose
// message.timestamp.before.max.ms is 0 with INVALID_TIMESTAMP, until the config is fixed.
const suite = recordingSuite();

const beforeMaxMsConfig = "message.timestamp.before.max.ms";

function alterBeforeMaxMs(topic: string, value: string): Promise<void> {
  const configEntries = [{ name: beforeMaxMsConfig, value }];
  return withAdmin(kafka, async (admin) => {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries }],
    });
  });
}

describe("produce errors retrying cannot fix, against real Kafka", () => {
  it("INVALID_TIMESTAMP no longer retries silently at the backoff ceiling: not ready, blocked{code} in /status and /metrics, and a fixed topic recovers without a restart", async () => {
    const names = suite.topics.next();
    const refusing = names.streamTopics[0]!;
    await createTopic(kafka, refusing, 3, { [beforeMaxMsConfig]: "0" });
    const replay = await startReplayServer({ events: suite.events, keepaliveMs: 100 });
    const { ingest, metrics, logs } = ingestReading(replay, names);
    const http = createHttpApp({ registry: metrics.registry, ready: ingest.ready, status: ingest.status });
    try {
      await ingest.start();
      await waitFor(
        "ingest blocked",
        () => ingest.status().produceBlocked?.code === "INVALID_TIMESTAMP",
        30_000,
      );
      expect(ingest.ready()).toBe(false);
      const readyz = await http.request("/readyz");
      expect(readyz.status).toBe(503);
      expect(await readyz.json()).toMatchObject({ produceBlocked: "INVALID_TIMESTAMP" });
      expect((await http.request("/healthz")).status).toBe(200);
      const text = await (await http.request("/metrics")).text();
      expect(text).toContain('wikistream_ingest_produce_blocked{code="INVALID_TIMESTAMP"} 1');
      expect(logs.some((l) => l.level === "error" && l.code === "INVALID_TIMESTAMP")).toBe(true);

      await alterBeforeMaxMs(refusing, "9223372036854775807");
      const distinct = suite.expected.size;
      await waitFor("every event published", () => ingest.status().counts.published >= distinct, 45_000);
      expect(ingest.status().produceBlocked).toBeUndefined();
      await waitFor("ready again", () => ingest.ready(), 10_000);
      const after = await (await http.request("/metrics")).text();
      expect(after).toContain('wikistream_ingest_produce_blocked{code="INVALID_TIMESTAMP"} 0');
      expect(logs.some((l) => l.msg.startsWith("kafka accepts records again"))).toBe(true);
    } finally {
      await ingest.stop();
      await replay.close();
    }
    const ids = await publishedIds(names);
    expect(new Set(ids)).toEqual(suite.expected);
  }, 90_000);
});
