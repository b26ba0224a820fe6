import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

export type RecordedStream = "mediawiki.recentchange" | "mediawiki.page_change.v1";

/** A real EventStreams event, read in place from the shared folder (never copied into the repo). */
export interface RealEvent {
  readonly stream: RecordedStream;
  /** The JSON text exactly as recorded. */
  readonly data: string;
  readonly metaId: string;
  readonly file: string;
  /** The SSE `id:` the event was recorded with (raw .sse captures only). */
  readonly sseId?: string;
}

// apps/indexer/test/helpers → /work/shared/data/wikimedia (or $WIKISTREAM_SHARED_DATA).
export const sharedDataDir =
  process.env.WIKISTREAM_SHARED_DATA ??
  resolve(fileURLToPath(import.meta.url), "../../../../../../shared/data/wikimedia");

/** The four recordings of real traffic (SOURCES.md), with their stream. */
export const realRecordings: Record<string, RecordedStream> = {
  "recentchange-raw-2022-12.sse": "mediawiki.recentchange",
  "recentchange-enwiki-2023-07.ndjson": "mediawiki.recentchange",
  "recentchange-assorted.ndjson": "mediawiki.recentchange",
  "page-change-raw-2026-09-part1.sse": "mediawiki.page_change.v1",
};

/** The JSON payloads of a recording: NDJSON lines, or the `data:` lines of a raw SSE capture. */
export function payloads(file: string): string[] {
  const text = readFileSync(resolve(sharedDataDir, file), "utf8");
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  return file.endsWith(".sse")
    ? lines.filter((line) => line.startsWith("data: ")).map((line) => line.slice("data: ".length))
    : lines;
}

/** The `id:` line before each `data:` line of a raw SSE capture. */
function sseIds(file: string): (string | undefined)[] {
  if (!file.endsWith(".sse")) return [];
  const ids: (string | undefined)[] = [];
  let current: string | undefined;
  for (const line of readFileSync(resolve(sharedDataDir, file), "utf8").split("\n")) {
    if (line.startsWith("id: ")) current = line.slice("id: ".length);
    else if (line.startsWith("data: ")) {
      ids.push(current);
      current = undefined;
    }
  }
  return ids;
}

/** Every real event of the four recordings, in file order. */
export function loadRealEvents(): RealEvent[] {
  return Object.entries(realRecordings).flatMap(([file, stream]) => {
    const ids = sseIds(file);
    return payloads(file).map((data, i) => {
      const sseId = ids[i];
      return {
        stream,
        data,
        metaId: (JSON.parse(data) as { meta: { id: string } }).meta.id,
        file,
        ...(sseId === undefined ? {} : { sseId }),
      };
    });
  });
}

/** `copies` copies of each real event, each with a fresh random meta.id: volume from real shapes. */
export function multiply(events: readonly RealEvent[], copies: number): RealEvent[] {
  const out: RealEvent[] = [];
  for (let copy = 0; copy < copies; copy += 1) {
    for (const event of events) out.push(withMetaId(event, randomUUID()));
  }
  return out;
}

/** A copy of a real event that differs only in meta.id (the recorded text is kept otherwise). */
export function withMetaId(event: RealEvent, id: string): RealEvent {
  const quoted = JSON.stringify(event.metaId);
  const at = event.data.indexOf(quoted);
  if (at < 0 || event.data.indexOf(quoted, at + 1) >= 0) {
    const parsed = JSON.parse(event.data) as { meta: Record<string, unknown> };
    return { ...event, data: JSON.stringify({ ...parsed, meta: { ...parsed.meta, id } }), metaId: id };
  }
  return {
    ...event,
    data: event.data.slice(0, at) + JSON.stringify(id) + event.data.slice(at + quoted.length),
    metaId: id,
  };
}

/** A real event with one field changed (fault tests: a mapping failure, a canary). */
export function withChange(event: RealEvent, change: (value: Record<string, unknown>) => void): RealEvent {
  const parsed = JSON.parse(event.data) as Record<string, unknown>;
  change(parsed);
  return { ...event, data: JSON.stringify(parsed) };
}
