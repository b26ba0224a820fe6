import { recordHeaders } from "@wikistream/events";
import { describe, expect, it } from "vitest";
import { harness, itemsAnswer, type Op, ok, real, records, TOPIC } from "../test/helpers/pipeline-harness.ts";
import { OpenSearchUnavailableError } from "./errors.ts";

// Per-record outcomes: indexed, retried, split, and what becomes committable. Skipped and
// dead-lettered records: pipeline-dead-letters.test.ts. Partitions, generations and backpressure:
// pipeline-partitions.test.ts.

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
});
