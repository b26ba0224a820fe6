import { recordHeaders as headers } from "@wikistream/events";
import { describe, expect, it } from "vitest";
import { Publisher } from "./publisher.ts";
import { fakeProducer, kafkaError, options, record } from "./publisher-fixtures.ts";

describe("Publisher: records Kafka refuses as too large", () => {
  it("a batch Kafka refuses as too large is split in halves and sent in order, not retried forever", async () => {
    // Any message of more than one record is too large; each part keeps the resume point of the batch.
    const { producer, sent } = fakeProducer(async (batch) => {
      if ((batch.topicMessages?.[0]?.messages.length ?? 0) > 1) throw kafkaError("MESSAGE_TOO_LARGE", false);
      return [];
    });
    const errors: string[] = [];
    const publisher = new Publisher({
      ...options,
      producer,
      batchSize: 4,
      bufferSize: 10,
      startId: "id-0",
      onSendError: (_error, records, kind) => errors.push(`${kind}:${records.length}`),
    });
    for (const n of [1, 2, 3, 4, 5]) await publisher.enqueue(record(n));
    publisher.start();
    await publisher.stop({ drainTimeoutMs: 2000 });
    const delivered = sent.filter((b) => b.topicMessages?.[0]?.messages.length === 1);
    expect(delivered.map((b) => b.topicMessages?.[0]?.messages[0]?.key)).toEqual([
      "k1",
      "k2",
      "k3",
      "k4",
      "k5",
    ]);
    const resumeIds = delivered.map((b) => b.topicMessages?.[0]?.messages[0]?.headers?.[headers.resumeId]);
    expect(resumeIds).toEqual(["id-0", "id-0", "id-0", "id-0", "id-4"]);
    expect(errors).toEqual(["too_large:4", "too_large:2", "too_large:2"]);
    expect(publisher.lastAckedSseId).toBe("id-5");
  });

  it("a single record still too large goes to the dead-letter topic instead of stalling the stream", async () => {
    const { producer, sent } = fakeProducer(async (batch) => {
      const messages = batch.topicMessages?.[0]?.messages ?? [];
      if (messages.some((m) => m.key === "k2")) throw kafkaError("RECORD_LIST_TOO_LARGE", false);
      return [];
    });
    const tooLarge: string[] = [];
    const publisher = new Publisher({
      ...options,
      producer,
      batchSize: 3,
      bufferSize: 3,
      deadLetterTooLarge: async (r, code) => {
        tooLarge.push(`${r.key}:${code}`);
        return { ...r, topic: "dlq", key: "too_large", value: "{}" };
      },
    });
    for (const n of [1, 2, 3]) await publisher.enqueue(record(n));
    publisher.start();
    await publisher.stop({ drainTimeoutMs: 2000 });
    expect(tooLarge).toEqual(["k2:RECORD_LIST_TOO_LARGE"]);
    // The whole batch, its first half, then k1 alone; k2 alone is refused and replaced by its dead letter.
    const sends = sent.map((b) =>
      b.topicMessages?.flatMap((t) => t.messages.map((m) => `${t.topic}/${m.key}`)),
    );
    expect(sends.slice(2)).toEqual([["t/k1"], ["t/k2"], ["dlq/too_large"], ["t/k3"]]);
    expect(publisher.lastAckedSseId).toBe("id-3");
  });
});
