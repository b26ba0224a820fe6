import { recordHeaders } from "@wikistream/events";
import { silentLogger } from "@wikistream/log";
import { waitFor } from "@wikistream/testkit";
import { describe, expect, it } from "vitest";
import { loadRealEvents, type RealEvent, withChange } from "../test/helpers/recordings.ts";
import type { BulkClient } from "./bulk/bulk-client.ts";
import type { BulkAnswer } from "./bulk/classify.ts";
import type { RecordDeadLetter } from "./dlq/letter.ts";
import type { DeadLetterPublisher } from "./dlq/publisher.ts";
import { DeadLetterPublishError, DeadLetterTooLargeError, OpenSearchUnavailableError } from "./errors.ts";
import { createIndexerMetrics } from "./metrics.ts";
import { Pipeline, type PipelineOptions } from "./pipeline.ts";
import { defaultTransforms } from "./prepare/transform.ts";
import type { ConsumedRecord } from "./record.ts";

// The bulk client and the dead-letter producer are fakes here: they inject the faults. The real
// ones are exercised against OpenSearch and Kafka in test/.

const encoder = new TextEncoder();
const real = loadRealEvents().filter((e) => e.stream === "mediawiki.recentchange");
const TOPIC = "wikistream.mediawiki.recentchange";

function records(events: readonly RealEvent[], partition = 0, first = 0): ConsumedRecord[] {
  return events.map((event, i) => ({
    topic: TOPIC,
    partition,
    offset: String(first + i),
    key: null,
    value: encoder.encode(event.data),
    headers: { [recordHeaders.stream]: event.stream, [recordHeaders.metaId]: event.metaId },
    timestamp: "0",
  }));
}

type Op = { id: string; index: string };
function parse(body: string): Op[] {
  const lines = body.trimEnd().split("\n");
  const ops: Op[] = [];
  for (let i = 0; i < lines.length; i += 2) {
    const action = JSON.parse(lines[i]!).index as { _id: string; _index: string };
    ops.push({ id: action._id, index: action._index });
  }
  return ops;
}
const itemsAnswer = (statuses: number[]): BulkAnswer => ({
  kind: "response",
  status: 200,
  body: {
    errors: statuses.some((s) => s >= 300),
    items: statuses.map((status) => ({
      index: {
        status,
        ...(status >= 300
          ? {
              error: {
                type: status === 400 ? "mapper_parsing_exception" : "es_rejected_execution_exception",
                reason: "r",
              },
            }
          : {}),
      },
    })),
  },
});

const ok = (ops: Op[]) => itemsAnswer(ops.map(() => 201));

/** Options shared by every pipeline here; each test overrides what it exercises. */
function pipelineOptions(
  overrides: Partial<PipelineOptions> & Pick<PipelineOptions, "bulk">,
): PipelineOptions {
  return {
    deadLetters: { publish: async () => {} },
    control: { pause: () => {}, resume: () => {} },
    metrics: createIndexerMetrics({ defaultMetrics: false }),
    logger: silentLogger,
    naming: { prefix: "ws", bucket: "month" },
    topicPrefix: "wikistream.",
    transforms: defaultTransforms,
    limits: { maxDocs: 50, maxBytes: 1_000_000, lingerMs: 0 },
    concurrency: 2,
    maxUncommittedPerPartition: 10_000,
    retry: { initialMs: 1, maxMs: 5, maxItemAttempts: 3 },
    ...overrides,
  };
}

/** A bulk client that answers 201 to every operation, but only once `release()` is called. */
function gatedBulk() {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const bulk: BulkClient = {
    async send(body) {
      await gate;
      return ok(parse(body));
    },
  };
  return { bulk, release };
}

function harness(answer: (ops: Op[], call: number) => BulkAnswer, overrides: Partial<PipelineOptions> = {}) {
  const indexed = new Map<string, number>();
  const letters: RecordDeadLetter[] = [];
  const paused: string[] = [];
  const events: string[] = [];
  let calls = 0;
  const bulk: BulkClient = {
    async send(body) {
      const ops = parse(body);
      const result = answer(ops, calls++);
      if (result.kind === "response" && result.status === 200) {
        const items = (result.body as { items: { index: { status: number } }[] }).items;
        ops.forEach((op, i) => {
          if (items[i]!.index.status < 300) indexed.set(op.id, (indexed.get(op.id) ?? 0) + 1);
        });
      }
      return result;
    },
  };
  const deadLetters: DeadLetterPublisher = {
    async publish(batch) {
      letters.push(...batch);
    },
  };
  const metrics = createIndexerMetrics({ defaultMetrics: false });
  const pipeline = new Pipeline(
    pipelineOptions({
      bulk,
      deadLetters,
      control: {
        pause: (t, p) => {
          paused.push(`${t}|${p}`);
          events.push("pause");
        },
        resume: (t, p) => {
          paused.splice(paused.indexOf(`${t}|${p}`), 1);
          events.push("resume");
        },
      },
      metrics,
      ...overrides,
    }),
  );
  pipeline.assign({ [TOPIC]: [0, 1] });
  const counter = async (name: string) => {
    const metric = await metrics.registry.getSingleMetric(name)?.get();
    return metric?.values ?? [];
  };
  return { pipeline, indexed, letters, paused, events, metrics, counter, calls: () => calls };
}

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

  it("pauses a partition with too many pending records and resumes it below half", async () => {
    const { bulk, release } = gatedBulk();
    const events: string[] = [];
    const p = new Pipeline(
      pipelineOptions({
        bulk,
        control: { pause: () => events.push("pause"), resume: () => events.push("resume") },
        limits: { maxDocs: 100, maxBytes: 10_000_000, lingerMs: 0 },
        concurrency: 1,
        maxUncommittedPerPartition: 10,
      }),
    );
    p.assign({ [TOPIC]: [0] });
    p.accept(TOPIC, 0, records(real.slice(0, 12)), 12n);
    expect(events).toEqual(["pause"]);
    release();
    expect(await p.drain(2000)).toBe(true);
    expect(events).toEqual(["pause", "resume"]);
    p.close();
  });

  it("drops the previous generation's work on reassignment and ignores its late answers", async () => {
    const { bulk, release } = gatedBulk();
    const p = new Pipeline(
      pipelineOptions({
        bulk,
        limits: { maxDocs: 5, maxBytes: 10_000_000, lingerMs: 0 },
        concurrency: 1,
        maxUncommittedPerPartition: 1000,
      }),
    );
    p.assign({ [TOPIC]: [0] });
    p.accept(TOPIC, 0, records(real.slice(0, 20)), 20n);
    expect(p.stats()).toMatchObject({ inFlight: 1, queued: 15, pending: 20 });
    p.assign({ [TOPIC]: [1] });
    expect(p.stats()).toMatchObject({ queued: 0, pending: 0, partitions: 1 });
    release();
    expect(await p.drain(2000)).toBe(true);
    expect(p.committable()).toEqual([]);
    p.close();
  });

  it("regression: a partition revoked while paused stayed paused in kafkajs when assigned back", async () => {
    const resumed: string[] = [];
    const p = new Pipeline(
      pipelineOptions({
        bulk: gatedBulk().bulk, // never released: the requests stay in flight
        control: { pause: () => {}, resume: (t, partition) => resumed.push(`${t}|${partition}`) },
        limits: { maxDocs: 100, maxBytes: 10_000_000, lingerMs: 0 },
        concurrency: 1,
        maxUncommittedPerPartition: 2,
      }),
    );
    p.assign({ [TOPIC]: [0, 1] });
    p.accept(TOPIC, 0, records(real.slice(0, 3)), 3n);
    expect(p.stats().paused).toBe(1);
    p.assign({ [TOPIC]: [1] }); // partition 0 revoked while paused
    expect(resumed).toEqual([`${TOPIC}|0`]);
    p.close();
  });

  it("regression: one record whose dead letter never publishes grew the uncommitted window unpaused", async () => {
    const events: string[] = [];
    const broken = { ...real[0]!, data: "{not json" };
    const p = new Pipeline(
      pipelineOptions({
        bulk: { send: async (body) => ok(parse(body)) },
        deadLetters: {
          async publish() {
            throw new DeadLetterPublishError("broker refuses");
          },
        },
        control: { pause: () => events.push("pause"), resume: () => events.push("resume") },
        retry: { initialMs: 1000, maxMs: 1000, maxItemAttempts: 3 },
        maxUncommittedPerPartition: 10,
      }),
    );
    p.assign({ [TOPIC]: [0] });
    p.accept(TOPIC, 0, records([broken, ...real.slice(1, 6)]), 12n);
    await waitFor("one pending record", () => p.stats().pending === 1, 2000, 5);
    expect(events).toEqual([]);
    // Only one record is unfinished, but 12 sit after the committable point: the partition pauses.
    p.accept(TOPIC, 0, records(real.slice(6, 12), 0, 6), 12n);
    await waitFor("one pending record", () => p.stats().pending === 1, 2000, 5);
    expect(events).toEqual(["pause"]);
    expect(p.committable()).toEqual([]);
    p.close();
  });

  it("regression: a record re-fetched in the same generation was skipped with only a debug log", async () => {
    const h = harness(ok);
    h.pipeline.accept(TOPIC, 0, records(real.slice(0, 3)), 3n);
    h.pipeline.accept(TOPIC, 0, records(real.slice(1, 3), 0, 1), 3n);
    expect(await h.pipeline.drain(2000)).toBe(true);
    expect(h.indexed.size).toBe(3);
    expect(await h.counter("wikistream_indexer_documents_total")).toContainEqual(
      expect.objectContaining({ labels: { result: "skipped", reason: "already_taken" }, value: 2 }),
    );
    expect(h.pipeline.stats().counts.skipped).toBe(2);
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

describe("pipeline after a consumer crash", () => {
  it("regression: a pause throwing after a crash turned a bulk answer into an unhandled rejection", async () => {
    let crashed = false;
    const metrics = createIndexerMetrics({ defaultMetrics: false });
    const p = new Pipeline(
      pipelineOptions({
        bulk: {
          async send(body) {
            crashed = true;
            return itemsAnswer(parse(body).map(() => 429));
          },
        },
        control: {
          pause: () => {
            if (crashed) throw new Error("Consumer group was not initialized");
          },
          resume: () => {},
        },
        metrics,
        retry: { initialMs: 10_000, maxMs: 10_000, maxItemAttempts: 3 },
      }),
    );
    p.assign({ [TOPIC]: [0] });
    p.accept(TOPIC, 0, records(real.slice(0, 3)), 3n);
    await waitFor("the crashed answer handled", () => p.stats().inFlight === 0 && crashed, 2000, 5);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const errors = (await metrics.registry.getSingleMetric("wikistream_indexer_errors_total")?.get())?.values;
    expect(errors).toContainEqual(expect.objectContaining({ labels: { code: "unknown" }, value: 1 }));
    p.close();
  });
});
