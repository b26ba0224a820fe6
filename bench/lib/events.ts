/** The benchmark's data: real recorded events, multiplied with fresh meta.ids. Nothing is invented. */
import { loadAllRecordings, multiplyEvents, type RecordedEvent } from "@wikistream/replay";

/** The real recordings (~187 events) and `copies` copies of them, each with a fresh meta.id. */
export async function realEvents(
  copies: number,
): Promise<{ real: RecordedEvent[]; events: RecordedEvent[] }> {
  const real = await loadAllRecordings();
  return { real, events: multiplyEvents(real, copies) };
}

/** Bytes of the event JSON, as sent over SSE and stored as the Kafka record value. */
export function dataBytes(events: readonly RecordedEvent[]): number {
  return events.reduce((sum, e) => sum + Buffer.byteLength(e.data), 0);
}
