/**
 * Where Kafka is, for the children: they import this and not stack.ts, so that the OpenSearch client
 * (a few MB of RSS and a second of CPU to load) is not counted in the memory of ingest or the bare
 * producer. KAFKA_BROKERS points every part at another stack; the default is the local stack's port.
 */
import { createKafka } from "@wikistream/kafka";
import { silentLogger } from "@wikistream/log";

export const brokers = process.env.KAFKA_BROKERS ?? "127.0.0.1:9092";

export function benchKafka(clientId: string) {
  return createKafka({ brokers: brokers.split(","), clientId, logger: silentLogger });
}
