import { type KeyedEvent, recordHeaders, recordKey } from "@wikistream/events";
import { createProducer } from "@wikistream/kafka";
import type { Kafka, Producer } from "kafkajs";
import type { TestNames } from "./names.ts";
import type { RealEvent } from "./recordings.ts";

/** The page key the ingest app uses: events of one page stay in order on one partition. */
function keyOf(event: RealEvent): string {
  try {
    return recordKey(event.stream, JSON.parse(event.data) as KeyedEvent);
  } catch {
    return event.metaId; // a deliberately broken record
  }
}

/** Produces real events as the ingest app does: value = the JSON text, page key, contract headers. */
export async function produceEvents(producer: Producer, names: TestNames, events: readonly RealEvent[]) {
  const topicOf = (e: RealEvent) =>
    e.stream === "mediawiki.recentchange" ? names.topics.recentchange : names.topics.pageChange;
  for (let start = 0; start < events.length; start += 1000) {
    const chunk = events.slice(start, start + 1000);
    const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
    for (const event of chunk) {
      const messages = byTopic.get(topicOf(event)) ?? [];
      messages.push({
        key: keyOf(event),
        value: event.data,
        headers: {
          [recordHeaders.stream]: event.stream,
          [recordHeaders.metaId]: event.metaId,
          ...(event.sourceId ? { [recordHeaders.sseId]: event.sourceId } : {}),
        },
      });
      byTopic.set(topicOf(event), messages);
    }
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }
}

export async function connectedProducer(kafka: Kafka): Promise<Producer> {
  const { producer } = createProducer(kafka);
  await producer.connect();
  return producer;
}
