import { loadRecording, multiplyEvents, type RecordedEvent, recordingPath } from "@wikistream/replay";

export interface PacedRecording {
  events: RecordedEvent[];
  /** meta.ids that must each become exactly one document (canaries are dropped by ingest). */
  expected: Set<string>;
  /** How long the replay takes at the asked rate. */
  durationMs: number;
}

const tickMs = 100;

/**
 * 2,673 real enwiki events from one 28-minute window: what a real stream holds during a fault, one
 * monthly index. (The mixed recordings span 2020–2026, and their ~30 monthly indices, each with a
 * replica, made index creation on the small 3-node OpenSearch the bottleneck, not the fault.)
 */
const MONTH_CAPTURE = "more/recentchange-enwiki-2026-07.ndjson";

/**
 * The one-month capture, `copies` times with fresh meta.ids, replayed at a steady `perSecond`: each
 * tick of 100 ms releases a group of events. Only the replay's pacing clock (`dt`) is rewritten; the
 * events' own text, meta.dt included, stays as recorded.
 */
export async function pacedRecording(copiesOf: number, perSecond: number): Promise<PacedRecording> {
  const copies = multiplyEvents(await loadRecording(recordingPath(MONTH_CAPTURE)), copiesOf);
  const perTick = Math.max(1, Math.round((perSecond * tickMs) / 1000));
  const start = Date.UTC(2026, 0, 1);
  const events = copies.map((event, i) => ({ ...event, dt: start + Math.floor(i / perTick) * tickMs }));
  const expected = new Set<string>();
  for (const { event } of events) {
    if (event.meta?.domain !== "canary" && typeof event.meta?.id === "string") expected.add(event.meta.id);
  }
  return { events, expected, durationMs: Math.ceil(events.length / perTick) * tickMs };
}
