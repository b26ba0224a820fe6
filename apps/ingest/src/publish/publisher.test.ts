import { silentLogger } from "@wikistream/log";
import type { Producer, ProducerBatch } from "kafkajs";
import { describe, expect, it } from "vitest";
import { createPublisher } from "./publisher.ts";
import { headers, type OutboundRecord } from "./record.ts";

const record = (n: number): OutboundRecord => ({
  topic: "t",
  key: `k${n}`,
  value: `{"n":${n}}`,
  headers: {},
  sseId: `id-${n}`,
  metaId: `m${n}`,
  eventTimeMs: 1_700_000_000_000 + n,
  stream: "mediawiki.recentchange",
});

/** A producer whose sendBatch is scripted: fault injection for Kafka being down or slow. */
function fakeProducer(send: (batch: ProducerBatch) => Promise<unknown>) {
  const sent: ProducerBatch[] = [];
  const producer = {
    sendBatch: (batch: ProducerBatch) => {
      sent.push(batch);
      return send(batch);
    },
  } as unknown as Producer;
  return { producer, sent };
}

const options = { acks: -1 as const, batchSize: 2, lingerMs: 0, bufferSize: 3, logger: silentLogger };

describe("createPublisher", () => {
  it("gives each batch the resume point from before it: since for the first, then the last acked id", async () => {
    const { producer, sent } = fakeProducer(async () => []);
    const publisher = createPublisher({ ...options, producer });
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
    const publisher = createPublisher({ ...options, producer, retryInitialMs: 1, retryMaxMs: 2 });
    publisher.start();
    await publisher.enqueue(record(1));
    await publisher.stop();
    expect(sent).toHaveLength(3);
    expect(publisher.lastAckedSseId).toBe("id-1");
  });

  it("stops reading when the buffer is full, and a waiting enqueue leaves when its signal aborts", async () => {
    const { producer } = fakeProducer(() => new Promise(() => {}));
    const publisher = createPublisher({ ...options, producer });
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

  it("gives up at the drain deadline while Kafka does not answer, and reports what stayed unpublished", async () => {
    const { producer } = fakeProducer(() => new Promise(() => {}));
    const publisher = createPublisher({ ...options, producer });
    publisher.start();
    for (const n of [1, 2, 3]) await publisher.enqueue(record(n));
    const started = performance.now();
    expect(await publisher.stop({ drainTimeoutMs: 50 })).toEqual({ unpublished: 3 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(publisher.lastAckedSseId).toBeUndefined();
  });
});
