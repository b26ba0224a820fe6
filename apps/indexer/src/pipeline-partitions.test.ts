import { waitFor } from "@wikistream/testkit";
import { describe, expect, it } from "vitest";
import {
  gatedBulk,
  harness,
  itemsAnswer,
  ok,
  parse,
  pipelineOptions,
  real,
  records,
  TOPIC,
} from "../test/helpers/pipeline-harness.ts";
import { DeadLetterPublishError } from "./errors.ts";
import { createIndexerMetrics } from "./metrics.ts";
import { Pipeline } from "./pipeline.ts";

// Partitions, generations and backpressure; per-record outcomes: pipeline.test.ts.

describe("pipeline", () => {
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

  it("pauses every partition while the documents held reach maxBufferedBytes, resumes at half", async () => {
    const { bulk, release } = gatedBulk();
    const events: string[] = [];
    const p = new Pipeline(
      pipelineOptions({
        bulk,
        control: {
          pause: (_t, partition) => events.push(`pause ${partition}`),
          resume: (_t, partition) => events.push(`resume ${partition}`),
        },
        limits: { maxDocs: 100, maxBytes: 10_000_000, lingerMs: 0 },
        concurrency: 1,
        maxBufferedBytes: 4096,
      }),
    );
    p.assign({ [TOPIC]: [0, 1] });
    p.accept(TOPIC, 0, records(real.slice(0, 2), 0), 2n);
    expect(events).toEqual([]);
    p.accept(TOPIC, 1, records(real.slice(2, 8), 1), 6n);
    expect(events.sort()).toEqual(["pause 0", "pause 1"]);
    release();
    expect(await p.drain(2000)).toBe(true);
    expect(events.filter((e) => e.startsWith("resume")).sort()).toEqual(["resume 0", "resume 1"]);
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
