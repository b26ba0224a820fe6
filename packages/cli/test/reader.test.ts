import { describe, expect, it } from "vitest";
import { readRanges, topicRanges } from "../src/kafka/reader.ts";
import { cliFixture } from "./helpers/fixture.ts";
import { realEvents } from "./helpers/services.ts";

// Regression: with eachBatchAutoResolve off and nothing resolved, kafkajs fetched the first batch of a
// partition again and again, so any range larger than one fetch was read forever (verify never ended).

const events = await realEvents("mediawiki.recentchange", 100);
const { names, kafka } = cliFixture(events);

describe("readRanges (real Kafka)", () => {
  it("reads a range spanning many fetches exactly once, then stops", async () => {
    const admin = kafka.admin();
    await admin.connect();
    const ranges = await topicRanges(admin, names.topics.recentchange, {}).finally(() => admin.disconnect());
    const seen: string[] = [];
    const summary = await readRanges(kafka, names.topics.recentchange, ranges, {
      maxBytesPerPartition: 2048, // a few records a fetch
      onRecords: (records) => {
        for (const r of records) seen.push(`${r.partition}:${r.offset}`);
      },
    });
    expect(seen).toHaveLength(events.length);
    expect(new Set(seen).size).toBe(events.length);
    expect(summary.partitions.every((p) => p.complete && p.next === p.to)).toBe(true);
  }, 60_000);
});
