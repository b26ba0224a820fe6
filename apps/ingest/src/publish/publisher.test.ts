import { recordHeaders as headers } from "@wikistream/events";
import { describe, expect, it } from "vitest";
import { Publisher } from "./publisher.ts";
import { fakeProducer, kafkaError, options, record } from "./publisher-fixtures.ts";

describe("Publisher", () => {
  it("gives each batch the resume point from before it: since for the first, then the last acked id", async () => {
    const { producer, sent } = fakeProducer(async () => []);
    const publisher = new Publisher({ ...options, producer });
    for (const n of [1, 2, 3]) await publisher.enqueue(record(n));
    publisher.start();
    await publisher.stop();
    expect(sent.map((b) => b.topicMessages?.[0]?.messages.length)).toEqual([2, 1]);
    const resumeHeaders = sent.map((b) => b.topicMessages?.[0]?.messages[0]?.headers);
    expect(resumeHeaders[0]).toMatchObject({ [headers.resumeSince]: String(1_700_000_000_001 - 1000) });
    expect(resumeHeaders[1]).toMatchObject({ [headers.resumeId]: "id-2" });
    expect(publisher.lastAckedSseId).toBe("id-3");
  });

  it("retries a failed batch until Kafka takes it, without losing or reordering records", async () => {
    let failures = 2;
    const { producer, sent } = fakeProducer(async () => {
      if (failures-- > 0) throw new Error("broker down");
      return [];
    });
    const publisher = new Publisher({ ...options, producer, retryInitialMs: 1, retryMaxMs: 2 });
    publisher.start();
    await publisher.enqueue(record(1));
    await publisher.stop();
    expect(sent).toHaveLength(3);
    expect(publisher.lastAckedSseId).toBe("id-1");
  });

  it("stops reading when the buffer is full, and a waiting enqueue leaves when its signal aborts", async () => {
    const { producer } = fakeProducer(() => new Promise(() => {}));
    const publisher = new Publisher({ ...options, producer });
    publisher.start();
    for (const n of [1, 2, 3]) await publisher.enqueue(record(n));
    const reading = new AbortController();
    const blocked = publisher.enqueue(record(4), reading.signal);
    let settled = false;
    void blocked.catch(() => {}).finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    expect(publisher.depth).toBe(3);
    reading.abort(new Error("stopping"));
    await expect(blocked).rejects.toThrow("stopping");
    await publisher.stop({ drainTimeoutMs: 10 });
  });

  it("stops reading once the records held reach bufferBytes, below bufferSize, and cuts batches at batchBytes", async () => {
    let release: () => void = () => {};
    const { producer, sent } = fakeProducer(() => new Promise<void>((resolve) => (release = resolve)));
    const big = (n: number) => ({ ...record(n), value: "x".repeat(99), key: "k" }); // 100 each
    const publisher = new Publisher({
      ...options,
      producer,
      batchSize: 10,
      bufferSize: 10,
      bufferBytes: 300,
      batchBytes: 200,
    });
    for (const n of [1, 2, 3]) await publisher.enqueue(big(n));
    publisher.start();
    let fourthHeld = false;
    const fourth = publisher.enqueue(big(4)).then(() => (fourthHeld = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect({ fourthHeld, depth: publisher.depth, heldBytes: publisher.heldBytes }).toEqual({
      fourthHeld: false,
      depth: 3,
      heldBytes: 300,
    });
    release();
    await fourth;
    expect(sent[0]?.topicMessages?.[0]?.messages.map((m) => m.key)).toEqual(["k", "k"]);
    const stopped = publisher.stop();
    for (let i = 0; i < 5; i++) {
      release();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await stopped;
    const sizes = sent.map((b) => b.topicMessages?.[0]?.messages.length ?? 0);
    expect(sizes[0]).toBe(2);
    expect(Math.max(...sizes)).toBe(2);
    expect(sizes.reduce((a, b) => a + b)).toBe(4);
    expect(publisher.lastAckedSseId).toBe("id-4");
  });

  it("gives up at the drain deadline while Kafka does not answer, and reports what stayed unpublished", async () => {
    const { producer } = fakeProducer(() => new Promise(() => {}));
    const publisher = new Publisher({ ...options, producer });
    publisher.start();
    for (const n of [1, 2, 3]) await publisher.enqueue(record(n));
    const started = performance.now();
    expect(await publisher.stop({ drainTimeoutMs: 50 })).toEqual({ unpublished: 3 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(publisher.lastAckedSseId).toBeUndefined();
  });

  it("reports a non-retriable error as such, and keeps the batch (an operator can fix the cause)", async () => {
    let failures = 1;
    const { producer, sent } = fakeProducer(async () => {
      if (failures-- > 0) throw kafkaError("TOPIC_AUTHORIZATION_FAILED", false);
      return [];
    });
    const kinds: string[] = [];
    const publisher = new Publisher({
      ...options,
      producer,
      retryMaxMs: 1,
      onSendError: (_error, _records, kind) => kinds.push(kind),
    });
    publisher.start();
    await publisher.enqueue(record(1));
    await publisher.stop();
    expect(kinds).toEqual(["non_retriable"]);
    expect(sent).toHaveLength(2);
  });

  it("a sequence error is resent at once by a new producer; when the new one fails alike, it blocks until an ack", async () => {
    let failures = 3;
    const { producer, sent } = fakeProducer(async () => {
      if (failures-- > 0) throw kafkaError("OUT_OF_ORDER_SEQUENCE_NUMBER", false);
      return [];
    });
    let renewals = 0;
    const blocked: string[] = [];
    const acked: number[] = [];
    const publisher = new Publisher({
      ...options,
      producer,
      retryInitialMs: 1,
      retryMaxMs: 2,
      renewProducer: async () => {
        renewals++;
        return producer;
      },
      onBlocked: (code) => blocked.push(code),
      onAcked: (records) => acked.push(records.length),
    });
    publisher.start();
    await publisher.enqueue(record(1));
    await publisher.flush();
    await publisher.stop();
    // 1st: renew and resend at once; 2nd (same batch, renewed): blocked; 3rd: renew again; 4th: acked.
    expect(sent).toHaveLength(4);
    expect(blocked).toEqual(["OUT_OF_ORDER_SEQUENCE_NUMBER"]);
    expect(renewals).toBe(2);
    expect(acked).toEqual([1]);
  });

  it("reports an error retrying cannot fix as blocked on every attempt, and keeps the batch", async () => {
    let failures = 2;
    const { producer, sent } = fakeProducer(async () => {
      if (failures-- > 0) throw kafkaError("TOPIC_AUTHORIZATION_FAILED", false);
      return [];
    });
    const blocked: string[] = [];
    const publisher = new Publisher({
      ...options,
      producer,
      retryInitialMs: 1,
      retryMaxMs: 2,
      onBlocked: (code) => blocked.push(code),
    });
    publisher.start();
    await publisher.enqueue(record(1));
    await publisher.flush();
    await publisher.stop();
    expect(blocked).toEqual(["TOPIC_AUTHORIZATION_FAILED", "TOPIC_AUTHORIZATION_FAILED"]);
    expect(sent).toHaveLength(3);
    expect(publisher.lastAckedSseId).toBe("id-1");
  });
});
