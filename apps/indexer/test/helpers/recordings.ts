import {
  loadRecording,
  multiplyEvents,
  REAL_RECORDINGS,
  type RecordedEvent,
  recordingPath,
} from "@wikistream/replay";

// The real recordings are read by @wikistream/replay; this adds only what the indexer's tests use.

export type RecordedStream = "mediawiki.recentchange" | "mediawiki.page_change.v1";

/** A real EventStreams event (read in place from the shared folder), with its meta.id and file name. */
export interface RealEvent extends RecordedEvent {
  readonly stream: RecordedStream;
  readonly metaId: string;
  readonly file: string;
}

function adapt(event: RecordedEvent, file: string): RealEvent {
  const { stream } = event;
  if (stream !== "mediawiki.recentchange" && stream !== "mediawiki.page_change.v1") {
    throw new Error(`${file}: unexpected stream ${stream}`);
  }
  return { ...event, stream, metaId: String(event.event.meta?.id), file };
}

// Loaded once per process; the four recordings of real traffic (SOURCES.md), in this order.
const realEvents: readonly RealEvent[] = (
  await Promise.all(
    Object.keys(REAL_RECORDINGS).map(async (file) =>
      (await loadRecording(recordingPath(file))).map((event) => adapt(event, file)),
    ),
  )
).flat();

/** Every real event of the four recordings, in file order. */
export function loadRealEvents(): RealEvent[] {
  return [...realEvents];
}

/** `copies` copies of each real event, each with a fresh random meta.id: volume from real shapes. */
export function multiply(events: readonly RealEvent[], copies: number): RealEvent[] {
  return multiplyEvents(events, copies).map((copy, i) => {
    const original = events[i % events.length]!;
    // Produced with the SSE id of the event it copies, as the ingest app would.
    return adapt(
      original.sourceId === undefined ? copy : { ...copy, sourceId: original.sourceId },
      original.file,
    );
  });
}

/** A real event with one field changed (fault tests: a mapping failure, a canary); metaId is kept. */
export function withChange(event: RealEvent, change: (value: Record<string, unknown>) => void): RealEvent {
  const parsed = JSON.parse(event.data) as Record<string, unknown>;
  change(parsed);
  return { ...event, data: JSON.stringify(parsed), event: parsed };
}
