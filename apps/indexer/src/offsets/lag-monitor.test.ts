import { silentLogger } from "@wikistream/log";
import type { Kafka } from "kafkajs";
import { describe, expect, it } from "vitest";
import { createIndexerMetrics } from "../metrics.ts";
import { LagMonitor, lagOf } from "./lag-monitor.ts";

describe("lagOf", () => {
  it("is the high watermark minus the committed offset; everything retained when nothing is committed", () => {
    expect(lagOf({ high: "120", low: "0", committed: "100" })).toBe(20);
    expect(lagOf({ high: "120", low: "30", committed: "-1" })).toBe(90);
    expect(lagOf({ high: "120", low: "0", committed: "120" })).toBe(0);
    // A committed offset past a truncated log's end never reads as negative.
    expect(lagOf({ high: "5", low: "0", committed: "9" })).toBe(0);
  });
});

describe("LagMonitor", () => {
  it("regression: the lag came from the last fetched batch and froze while partitions were paused; now it is the broker's", async () => {
    // Nothing is fetched at all here (every partition paused): only the broker's offsets move.
    let high = 100;
    const admin = {
      connect: async () => {},
      disconnect: async () => {},
      fetchOffsets: async () => [
        {
          topic: "t",
          partitions: [
            { partition: 0, offset: "40" },
            { partition: 1, offset: "-1" },
          ],
        },
      ],
      fetchTopicOffsets: async () => [
        { partition: 0, offset: String(high), high: String(high), low: "0" },
        { partition: 1, offset: "7", high: "7", low: "2" },
      ],
    };
    const metrics = createIndexerMetrics({ defaultMetrics: false });
    const monitor = new LagMonitor({
      kafka: { admin: () => admin } as unknown as Kafka,
      groupId: "g",
      topics: ["t"],
      intervalMs: 60_000,
      metrics,
      logger: silentLogger,
    });
    const lag = async () => (await metrics.lag.get()).values.map((v) => [v.labels.partition, v.value]);
    await monitor.check();
    expect(await lag()).toEqual([
      ["0", 60],
      ["1", 5],
    ]);
    high = 250;
    await monitor.check();
    expect(await lag()).toEqual([
      ["0", 210],
      ["1", 5],
    ]);
    expect(monitor.total()).toBe(215);
    await monitor.stop();
  });

  it("counts a failed reading and keeps the last values", async () => {
    const metrics = createIndexerMetrics({ defaultMetrics: false });
    const monitor = new LagMonitor({
      kafka: {
        admin: () => ({
          connect: async () => {
            throw Object.assign(new Error("Connection error"), { type: "NETWORK_EXCEPTION" });
          },
        }),
      } as unknown as Kafka,
      groupId: "g",
      topics: ["t"],
      intervalMs: 60_000,
      metrics,
      logger: silentLogger,
    });
    await monitor.check();
    expect(monitor.total()).toBeUndefined();
    const errors = (await metrics.errors.get()).values.map((v) => [v.labels.code, v.value]);
    expect(errors).toEqual([["lag_fetch_failed", 1]]);
    await monitor.stop();
  });
});
