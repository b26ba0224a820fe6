import { silentLogger } from "@wikistream/log";
import type { Producer, ProducerBatch } from "kafkajs";
import type { OutboundRecord } from "../records/record.ts";

// Fixtures shared by the publisher's unit tests.
/** A kafkajs protocol error as the broker's response produces it, wrapped the way kafkajs' retrier does. */
export function kafkaError(type: string, retriable: boolean): Error {
  const cause = Object.assign(new Error(type), { name: "KafkaJSProtocolError", type, retriable });
  return Object.assign(new Error(type), { name: "KafkaJSNonRetriableError", retriable: false, cause });
}

export const record = (n: number): OutboundRecord => ({
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
export function fakeProducer(send: (batch: ProducerBatch) => Promise<unknown>) {
  const sent: ProducerBatch[] = [];
  const producer = {
    sendBatch: (batch: ProducerBatch) => {
      sent.push(batch);
      return send(batch);
    },
  } as unknown as Producer;
  return { producer, sent };
}

export const options = { acks: -1 as const, batchSize: 2, lingerMs: 0, bufferSize: 3, logger: silentLogger };
