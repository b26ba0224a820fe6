import { createProducer } from "@wikistream/kafka";
import type { Kafka, Producer } from "kafkajs";
import type { TestNames } from "./names.ts";
import type { RealEvent } from "./recordings.ts";

// The page key the ingest app uses: events of one page stay in order on one partition.
function pageKey(event: Record<string, unknown>): string {
  const meta = event.meta as { id: string; domain?: string };
  if (typeof event.title === "string") return `${String(event.wiki ?? meta.domain)}:${event.title}`;
  const page = event.page as { page_id?: number } | undefined;
  if (typeof event.wiki_id === "string" && typeof page?.page_id === "number")
    return `${event.wiki_id}:${page.page_id}`;
  return meta.id;
}

function keyOf(event: RealEvent): string {
  try {
    return pageKey(JSON.parse(event.data));
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
          "wikistream-stream": event.stream,
          "wikistream-meta-id": event.metaId,
          ...(event.sourceId ? { "wikistream-sse-id": event.sourceId } : {}),
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
