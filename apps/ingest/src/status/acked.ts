import type { StreamName } from "@wikistream/events";
import type { IngestMetrics } from "../metrics.ts";
import type { OutboundRecord } from "../records/record.ts";
import type { Tally } from "./tally.ts";

export interface AckSummary {
  /** Events per stream topic. */
  published: Map<string, number>;
  deadLettered: number;
  /** The newest meta.dt (ms) per stream, for the seconds-behind gauge. */
  newest: Map<StreamName, number>;
}

/** What one acknowledged batch holds: events by topic, dead letters, and how recent its events are. */
export function summariseAck(records: readonly OutboundRecord[], dlqTopic: string): AckSummary {
  const summary: AckSummary = { published: new Map(), deadLettered: 0, newest: new Map() };
  for (const record of records) {
    if (record.topic === dlqTopic) {
      summary.deadLettered++;
      continue;
    }
    summary.published.set(record.topic, (summary.published.get(record.topic) ?? 0) + 1);
    if (record.stream && record.eventTimeMs !== undefined) {
      const newest = Math.max(summary.newest.get(record.stream) ?? 0, record.eventTimeMs);
      summary.newest.set(record.stream, newest);
    }
  }
  return summary;
}

/** Counts an acknowledged batch in the metrics and in `/status`. */
export function countAck(
  to: { metrics: IngestMetrics; tally: Tally },
  summary: AckSummary,
  now: number,
): void {
  let published = 0;
  for (const [topic, count] of summary.published) {
    to.metrics.eventsPublished.inc({ topic }, count);
    published += count;
  }
  to.tally.published(published);
  to.tally.deadLettered(summary.deadLettered);
  for (const [stream, time] of summary.newest) to.metrics.secondsBehind.set({ stream }, (now - time) / 1000);
}
