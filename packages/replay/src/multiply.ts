import { createHash, randomUUID } from "node:crypto";
import { ReplayError } from "./errors.ts";
import type { RecordedEvent, RecordedPayload } from "./recorded-event.ts";

/**
 * A copy of a real event that differs only in `meta.id`. The recorded text is kept byte for byte where
 * the old id occurs exactly once in it; otherwise the text is re-serialised from the parsed event.
 */
export function withMetaId(original: RecordedEvent, id: string): RecordedEvent {
  const oldId = original.event.meta?.id;
  const event: RecordedPayload = { ...original.event, meta: { ...original.event.meta, id } };
  let data: string | undefined;
  if (typeof oldId === "string" && oldId !== "") {
    const quoted = JSON.stringify(oldId);
    const first = original.data.indexOf(quoted);
    if (first >= 0 && original.data.indexOf(quoted, first + 1) < 0) {
      data = original.data.slice(0, first) + JSON.stringify(id) + original.data.slice(first + quoted.length);
    }
  }
  const copy: RecordedEvent = {
    stream: original.stream,
    data: data ?? JSON.stringify(event),
    event,
    dt: original.dt,
  };
  return original.origin === undefined ? copy : { ...copy, origin: original.origin };
}

/**
 * `factor` copies of the real events for load tests, each with a fresh random `meta.id` (copy 0 too,
 * so the originals can be sent alongside). Order: the whole sequence, `factor` times. Nothing else is
 * changed: volume comes from real shapes, never from invented fields.
 */
export function multiplyEvents(events: readonly RecordedEvent[], factor: number): RecordedEvent[] {
  if (!Number.isInteger(factor) || factor < 0) {
    throw new ReplayError("invalid_option", `multiplyEvents: factor must be an integer >= 0, got ${factor}`);
  }
  const out: RecordedEvent[] = [];
  for (let copy = 0; copy < factor; copy += 1) {
    for (const event of events) out.push(withMetaId(event, randomUUID()));
  }
  return out;
}

/**
 * A UUID (v4 layout) derived from a seed: looping replays need fresh ids that are still the same
 * for the same offset, so a client resuming mid-loop sees the events it would have seen.
 */
export function derivedUuid(seed: string): string {
  const bytes = createHash("sha256").update(seed).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
