/** The benchmark's data: real recorded events, multiplied with fresh meta.ids. Nothing is invented. */
import {
  loadAllRecordings,
  loadRecording,
  multiplyEvents,
  type RecordedEvent,
  recordingPath,
} from "@wikistream/replay";

/** A set of events the parts run on: its name in the tables, the real events, and their copies. */
export interface Dataset {
  /** `mixed` or `one month`. */
  name: string;
  /** What it is, for the notes. */
  description: string;
  real: RecordedEvent[];
  events: RecordedEvent[];
}

/** The real recordings (~187 events) and `copies` copies of them, each with a fresh meta.id. */
export async function realEvents(
  copies: number,
): Promise<{ real: RecordedEvent[]; events: RecordedEvent[] }> {
  const real = await loadAllRecordings();
  return { real, events: multiplyEvents(real, copies) };
}

/** The mixed set: every recording (2020–2026, 11 months of meta.dt), so bulks fan out to many indices. */
export async function mixedDataset(copies: number): Promise<Dataset> {
  const { real, events } = await realEvents(copies);
  return {
    name: "mixed",
    description: `${real.length} real events of every recording (meta.dt over ${monthsSpanned(real)} months) × ${copies} copies`,
    real,
    events,
  };
}

/** A real outage backlog falls in one or two months: 2,673 enwiki events from one 28-minute window. */
export const MONTH_CAPTURE = "more/recentchange-enwiki-2026-07.ndjson";

export async function monthDataset(copies: number): Promise<Dataset> {
  const real = await loadRecording(recordingPath(MONTH_CAPTURE));
  return {
    name: "one month",
    description: `${real.length} real events of \`${MONTH_CAPTURE}\` (meta.dt in ${monthsSpanned(real)} month${monthsSpanned(real) > 1 ? "s" : ""}) × ${copies} copies`,
    real,
    events: multiplyEvents(real, copies),
  };
}

/** Distinct calendar months (UTC) of the events' meta.dt: the monthly indices a bulk fans out to. */
export function monthsSpanned(events: readonly RecordedEvent[]): number {
  return new Set(events.map((e) => new Date(e.dt).toISOString().slice(0, 7))).size;
}

/** Bytes of the event JSON, as sent over SSE and stored as the Kafka record value. */
export function dataBytes(events: readonly RecordedEvent[]): number {
  return events.reduce((sum, e) => sum + Buffer.byteLength(e.data), 0);
}
