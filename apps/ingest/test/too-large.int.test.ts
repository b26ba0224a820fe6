import { randomBytes } from "node:crypto";
import { startReplayServer } from "@wikistream/replay";
import { waitFor } from "@wikistream/testkit";
import { describe, expect, it } from "vitest";
import {
  counterValue,
  deadLetters,
  ingestReading,
  metaIdOf,
  publishedIds,
  recentchangeOnly,
} from "./harness.ts";
import { recordingSuite } from "./suite.ts";

const suite = recordingSuite({ files: ["recentchange-enwiki-2023-07.ndjson"] });

describe("a record larger than Kafka accepts, against real Kafka", () => {
  it("a record larger than Kafka accepts is dead-lettered (too_large) instead of stalling the stream", async () => {
    const { events: enwiki } = suite;
    // Random base64 barely compresses: 3 MB stays above the broker's 1 MB default even gzipped.
    const huge = randomBytes(2_250_000).toString("base64");
    const events = enwiki.slice(0, 30).map((recorded, index) => {
      if (index !== 10) return recorded;
      const event = { ...recorded.event, comment: huge };
      return { ...recorded, event, data: JSON.stringify(event) };
    });
    const replay = await startReplayServer({ events });
    const names = suite.topics.next(["mediawiki.recentchange"]);
    // A 3 MB frame passes the reader only with a limit above it; the default (1 MiB) dead-letters it
    // as event_too_large before Kafka sees it (bounded-reader.int.test.ts).
    const env = { ...recentchangeOnly, INGEST_MAX_EVENT_BYTES: String(4 * 1_048_576) };
    const { ingest, metrics } = ingestReading(replay, names, env);
    try {
      await ingest.start();
      await waitFor(
        "every other event published and the huge one dead-lettered",
        () => ingest.status().counts.published === 29 && ingest.status().counts.deadLettered === 1,
        30_000,
      );
    } finally {
      await ingest.stop();
      await replay.close();
    }
    const [letter] = await deadLetters(names);
    expect(letter).toMatchObject({ reason: "too_large", raw: events[10]!.data.slice(0, 16_384) });
    expect(await counterValue(metrics.produceErrors, { code: "MESSAGE_TOO_LARGE" })).toBeGreaterThan(0);
    const ids = await publishedIds(names);
    // A split batch may have landed on some partitions before; downstream _id = meta.id absorbs that.
    expect(new Set(ids)).toEqual(new Set(events.filter((_, i) => i !== 10).map(metaIdOf)));
  }, 60_000);
});
