import { createLogger } from "@wikistream/log";
import type { Producer } from "kafkajs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createKafka, createProducer } from "../src/index.ts";

// Regression (issue 11, CPU per document): kafkajs 2.2.4's request queue rescheduled its own check
// after every answer even with nothing pending, at a negative delay that Node runs after 1 ms, so
// each broker connection polled itself 1,000 times a second forever. patches/kafkajs+2.2.4.patch
// stops scheduling when nothing waits. Counted, not timed: the timers set while a connected producer
// sits idle (unpatched: hundreds in 300 ms; patched: none, as no request is outstanding).
const brokers = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");
const topic = `wikistream-test-idle-${process.pid}-${Date.now()}`;
const logger = createLogger({ level: "error", base: { test: "idle-connection" } });

let producer: Producer;

beforeAll(async () => {
  const kafka = createKafka({ brokers, clientId: "wikistream-test-idle", logger });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  ({ producer } = createProducer(kafka));
  await producer.connect();
  // An answer from the broker is what started the loop upstream.
  await producer.send({ topic, messages: [{ key: "k", value: "v" }] });
});
afterAll(async () => {
  await producer?.disconnect();
  const admin = createKafka({ brokers, clientId: "wikistream-test-idle", logger }).admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).finally(() => admin.disconnect());
});

it("a connected producer with nothing to send sets no timers", async () => {
  const original = globalThis.setTimeout;
  let timersSet = 0;
  const counting = ((...args: Parameters<typeof setTimeout>) => {
    timersSet++;
    return original(...args);
  }) as typeof setTimeout;
  await new Promise((resolve) => original(resolve, 50)); // the send's own timers have settled
  globalThis.setTimeout = counting;
  try {
    await new Promise((resolve) => original(resolve, 300));
  } finally {
    globalThis.setTimeout = original;
  }
  expect(timersSet).toBeLessThan(5);
});
