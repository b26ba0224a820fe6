import { loadAllRecordings, multiplyEvents, type RecordedEvent } from "@wikistream/replay";

export interface PacedRecording {
  events: RecordedEvent[];
  /** meta.ids that must each become exactly one document (canaries are dropped by ingest). */
  expected: Set<string>;
  /** How long the replay takes at the asked rate. */
  durationMs: number;
}

const tickMs = 100;

/**
 * The real recordings, `factor` times with fresh meta.ids, replayed at a steady `perSecond`: each tick
 * of 100 ms releases a group of events. Only the replay's pacing clock (`dt`) is rewritten; the
 * events' own text, meta.dt included, stays as recorded.
 */
export async function pacedRecording(factor: number, perSecond: number): Promise<PacedRecording> {
  const copies = multiplyEvents(await loadAllRecordings(), factor);
  const perTick = Math.max(1, Math.round((perSecond * tickMs) / 1000));
  const start = Date.UTC(2026, 0, 1);
  const events = copies.map((event, i) => ({ ...event, dt: start + Math.floor(i / perTick) * tickMs }));
  const expected = new Set<string>();
  for (const { event } of events) {
    if (event.meta?.domain !== "canary" && typeof event.meta?.id === "string") expected.add(event.meta.id);
  }
  return { events, expected, durationMs: Math.ceil(events.length / perTick) * tickMs };
}
