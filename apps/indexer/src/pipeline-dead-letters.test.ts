import { describe, expect, it } from "vitest";
import { encoder, harness, itemsAnswer, ok, real, records, TOPIC } from "../test/helpers/pipeline-harness.ts";
import { withChange } from "../test/helpers/recordings.ts";
import type { RecordDeadLetter } from "./dlq/letter.ts";
import { DeadLetterPublishError, DeadLetterRefusedError, DeadLetterTooLargeError } from "./errors.ts";
import { defaultTransforms } from "./prepare/transform.ts";

// Skipped and dead-lettered records: at which stage, and that each counts as finished only once Kafka
// acknowledged its letter. Indexing and retries: pipeline.test.ts.

describe("pipeline: skips and dead letters", () => {
  it("skips canary events and dead-letters undecodable and untransformable records", async () => {
    const canary = withChange(real[0]!, (e) => {
      (e.meta as Record<string, unknown>).domain = "canary";
    });
    const broken = { ...real[1]!, data: "{not json" };
    const h = harness(ok, {
      transforms: {
        ...defaultTransforms,
        "mediawiki.recentchange": [
          ...defaultTransforms["mediawiki.recentchange"],
          {
            name: "fails_on_third",
            apply: (event) => {
              if (event.meta.id === real[2]!.metaId) throw new Error("cannot");
              return {};
            },
          },
        ],
      },
    });
    h.pipeline.accept(TOPIC, 0, records([canary, broken, real[2]!, real[3]!]), 4n);
    expect(await h.pipeline.drain(2000)).toBe(true);
    expect(h.indexed.size).toBe(1);
    expect(h.letters.map((l) => [l.stage, l.reason])).toEqual([
      ["decode", "invalid_json"],
      ["transform", "transform_failed"],
    ]);
    expect(h.pipeline.committable()[0]!.offset).toBe(4n);
    expect(await h.counter("wikistream_indexer_documents_total")).toContainEqual(
      expect.objectContaining({ labels: { result: "skipped", reason: "canary" }, value: 1 }),
    );
    h.pipeline.close();
  });

  it("regression: a meta.dt in year 0001 or 9999 picked (and created) an index; now it is dead-lettered", async () => {
    const ancient = withChange(real[0]!, (e) => {
      (e.meta as Record<string, unknown>).dt = "0001-01-01T00:00:00Z";
    });
    const future = withChange(real[1]!, (e) => {
      (e.meta as Record<string, unknown>).dt = "9999-12-31T23:59:59Z";
    });
    const h = harness(ok, {
      eventTime: { maxAgeMs: 100 * 365 * 86_400_000, maxFutureMs: 600_000 },
    });
    h.pipeline.accept(TOPIC, 0, records([ancient, future, real[2]!]), 3n);
    expect(await h.pipeline.drain(2000)).toBe(true);
    expect([...h.indexed.keys()]).toEqual([real[2]!.metaId]);
    expect(h.letters.map((l) => [l.stage, l.reason, l.detail.split(" is ")[0]])).toEqual([
      ["route", "event_time_out_of_range", "meta.dt 0001-01-01T00:00:00.000Z"],
      ["route", "event_time_out_of_range", "meta.dt 9999-12-31T23:59:59.000Z"],
    ]);
    expect(h.pipeline.committable()[0]!.offset).toBe(3n);
    h.pipeline.close();
  });

  it("holds a dead-lettered record unfinished until Kafka acknowledged the letter", async () => {
    let failures = 2;
    const letters: RecordDeadLetter[] = [];
    const h = harness((ops) => itemsAnswer(ops.map(() => 400)), {
      deadLetters: {
        async publish(batch) {
          if (failures-- > 0) throw new DeadLetterPublishError("broker down");
          letters.push(...batch);
        },
      },
    });
    h.pipeline.accept(TOPIC, 0, records(real.slice(0, 2)), 2n);
    expect(await h.pipeline.drain(2000)).toBe(true);
    expect(letters).toHaveLength(2);
    expect(h.pipeline.committable()[0]!.offset).toBe(2n);
    h.pipeline.close();
  });

  it("regression: a dead-letter topic refusing letters for good left the indexer ready; now it says why until a send passes", async () => {
    let refusals = 3;
    const blockedDuring: (string | undefined)[] = [];
    const h = harness((ops) => itemsAnswer(ops.map(() => 400)), {
      deadLetters: {
        async publish() {
          if (refusals-- > 0) {
            throw new DeadLetterRefusedError("not authorized", {
              context: { kafkaCode: "TOPIC_AUTHORIZATION_FAILED" },
            });
          }
        },
      },
    });
    h.pipeline.accept(TOPIC, 0, records(real.slice(0, 2)), 2n);
    const probe = setInterval(() => blockedDuring.push(h.pipeline.deadLettersBlockedBy), 1);
    expect(await h.pipeline.drain(5000)).toBe(true);
    clearInterval(probe);
    expect(blockedDuring).toContain("TOPIC_AUTHORIZATION_FAILED");
    expect(h.pipeline.deadLettersBlockedBy).toBeUndefined();
    expect(h.pipeline.committable()[0]!.offset).toBe(2n);
    expect(await h.counter("wikistream_indexer_errors_total")).toContainEqual(
      expect.objectContaining({ labels: { code: "dlq_publish_refused" }, value: 3 }),
    );
    h.pipeline.close();
  });

  it("regression: a rejection storm sent every dead letter in one send that Kafka refused forever", async () => {
    const sends: number[] = [];
    const letters: RecordDeadLetter[] = [];
    const h = harness((ops) => itemsAnswer(ops.map(() => 400)), {
      limits: { maxDocs: 1000, maxBytes: 100_000_000, lingerMs: 0 },
      deadLetterLimits: { maxLetters: 8, maxBytes: 1_000_000 },
      deadLetters: {
        async publish(batch) {
          sends.push(batch.length);
          // Kafka takes at most 3 letters a send, and never the first record's letter untruncated.
          const whole = batch.find((l) => l.record.offset === "0" && l.truncated === undefined);
          if (batch.length > 3 || whole) throw new DeadLetterTooLargeError("MESSAGE_TOO_LARGE");
          letters.push(...batch);
        },
      },
    });
    h.pipeline.accept(TOPIC, 0, records(real.slice(0, 20)), 20n);
    expect(await h.pipeline.drain(2000)).toBe(true);
    expect(letters).toHaveLength(20);
    expect(Math.max(...sends)).toBeLessThanOrEqual(8);
    expect(letters.find((l) => l.record.offset === "0")!.truncated).toEqual({
      valueBytes: encoder.encode(real[0]!.data).byteLength,
    });
    expect(h.pipeline.committable()[0]!.offset).toBe(20n);
    expect(await h.counter("wikistream_indexer_errors_total")).toContainEqual(
      expect.objectContaining({ labels: { code: "dlq_letter_truncated" }, value: 1 }),
    );
    h.pipeline.close();
  });
});
