import { recordHeaders } from "@wikistream/events";
import { describe, expect, it } from "vitest";
import {
  encoder,
  harness,
  itemsAnswer,
  type Op,
  ok,
  real,
  records,
  TOPIC,
} from "../test/helpers/pipeline-harness.ts";
import { withChange } from "../test/helpers/recordings.ts";
import type { RecordDeadLetter } from "./dlq/letter.ts";
import {
  DeadLetterPublishError,
  DeadLetterRefusedError,
  DeadLetterTooLargeError,
  OpenSearchUnavailableError,
} from "./errors.ts";
import { defaultTransforms } from "./prepare/transform.ts";

// Per-record outcomes: indexed, retried, dead-lettered, skipped, and what becomes committable.
// Partitions, generations and backpressure: pipeline-partitions.test.ts.

describe("pipeline", () => {
  it("indexes every record once and makes the whole batch committable", async () => {
    const h = harness(ok);
    h.pipeline.accept(TOPIC, 0, records(real), 1000n);
    expect(await h.pipeline.drain(2000)).toBe(true);
    expect(h.indexed.size).toBe(real.length);
    expect([...h.indexed.values()].every((n) => n === 1)).toBe(true);
    expect(h.pipeline.committable()).toEqual([{ topic: TOPIC, partition: 0, offset: BigInt(real.length) }]);
    h.pipeline.markCommitted(h.pipeline.committable());
    expect(h.pipeline.committable()).toEqual([]);
    h.pipeline.close();
  });

  it("sends each operation to the index of its meta.dt with _id = meta.id", async () => {
    const seen: Op[] = [];
    const h = harness((ops) => {
      seen.push(...ops);
      return ok(ops);
    });
    h.pipeline.accept(TOPIC, 0, records(real.slice(0, 5)), 5n);
    await h.pipeline.drain(2000);
    expect(seen.map((op) => op.id)).toEqual(real.slice(0, 5).map((e) => e.metaId));
    expect(seen[0]!.index).toBe("ws-recentchange-2022.12");
    h.pipeline.close();
  });

  it("retries only the items answered 429, pausing the partition meanwhile", async () => {
    const h = harness((ops, call) =>
      call === 0 ? itemsAnswer(ops.map((_, i) => (i % 2 ? 429 : 201))) : ok(ops),
    );
    h.pipeline.accept(TOPIC, 0, records(real.slice(0, 10)), 10n);
    expect(await h.pipeline.drain(2000)).toBe(true);
    expect(h.indexed.size).toBe(10);
    expect(h.events).toEqual(["pause", "resume"]);
    expect(h.paused).toEqual([]);
    expect(await h.counter("wikistream_indexer_documents_total")).toContainEqual(
      expect.objectContaining({ labels: { result: "retried", reason: "throttled" }, value: 5 }),
    );
    expect(h.pipeline.committable()[0]!.offset).toBe(10n);
    h.pipeline.close();
  });

  it("never makes an offset committable past a record still waiting for its retry", async () => {
    const h = harness(
      (ops, call) => (call === 0 ? itemsAnswer(ops.map((_, i) => (i === 2 ? 503 : 201))) : ok(ops)),
      {
        retry: { initialMs: 10_000, maxMs: 10_000, maxItemAttempts: 5 },
      },
    );
    h.pipeline.accept(TOPIC, 0, records(real.slice(0, 6)), 6n);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(h.pipeline.committable()).toEqual([{ topic: TOPIC, partition: 0, offset: 2n }]);
    expect(h.pipeline.stats().pending).toBe(1);
    h.pipeline.close();
  });

  it("dead-letters mapping rejections with OpenSearch's reason and moves on", async () => {
    const h = harness((ops) => itemsAnswer(ops.map((_, i) => (i === 1 ? 400 : 201))));
    h.pipeline.accept(TOPIC, 0, records(real.slice(0, 3)), 3n);
    expect(await h.pipeline.drain(2000)).toBe(true);
    expect(h.letters).toHaveLength(1);
    expect(h.letters[0]).toMatchObject({ stage: "index", reason: "mapper_parsing_exception", status: 400 });
    expect(h.letters[0]!.record.offset).toBe("1");
    expect(h.pipeline.committable()[0]!.offset).toBe(3n);
    h.pipeline.close();
  });

  it("dead-letters an item that keeps failing with 5xx after maxItemAttempts, never loops", async () => {
    const h = harness((ops) => itemsAnswer(ops.map((op) => (op.id === real[0]!.metaId ? 500 : 201))));
    h.pipeline.accept(TOPIC, 0, records(real.slice(0, 4)), 4n);
    expect(await h.pipeline.drain(2000)).toBe(true);
    expect(h.letters.map((l) => l.reason)).toEqual(["retries_exhausted"]);
    expect(h.calls()).toBe(3);
    h.pipeline.close();
  });

  it("retries items answered 503 (shards recovering) without limit", async () => {
    const h = harness((ops, call) => (call < 6 ? itemsAnswer(ops.map(() => 503)) : ok(ops)));
    h.pipeline.accept(TOPIC, 0, records(real.slice(0, 3)), 3n);
    expect(await h.pipeline.drain(2000)).toBe(true);
    expect(h.indexed.size).toBe(3);
    expect(h.letters).toEqual([]);
    h.pipeline.close();
  });

  it("backs off and resends the whole request when OpenSearch does not answer", async () => {
    const h = harness((ops, call) =>
      call < 3 ? { kind: "no_response", error: new OpenSearchUnavailableError("ECONNREFUSED") } : ok(ops),
    );
    h.pipeline.accept(TOPIC, 0, records(real.slice(0, 20)), 20n);
    expect(await h.pipeline.drain(2000)).toBe(true);
    expect(h.indexed.size).toBe(20);
    expect(h.letters).toEqual([]);
    expect(await h.counter("wikistream_indexer_errors_total")).toContainEqual(
      expect.objectContaining({ labels: { code: "opensearch_unavailable" }, value: 3 }),
    );
    h.pipeline.close();
  });

  it("splits a request refused as a whole until the offending operation is alone", async () => {
    const poison = real[7]!.metaId;
    const h = harness((ops) =>
      ops.some((op) => op.id === poison)
        ? { kind: "response", status: 413, body: { error: { type: "too_long", reason: "too large" } } }
        : ok(ops),
    );
    h.pipeline.accept(TOPIC, 0, records(real.slice(0, 16)), 16n);
    expect(await h.pipeline.drain(2000)).toBe(true);
    expect(h.indexed.size).toBe(15);
    expect(h.letters.map((l) => [l.reason, l.record.headers[recordHeaders.metaId]])).toEqual([
      ["request_rejected", poison],
    ]);
    h.pipeline.close();
  });

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
