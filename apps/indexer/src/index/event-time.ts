/**
 * The event time that picks a document's index (index/names.ts). Two rules keep that choice a pure,
 * bounded function of the record:
 * - a `meta.dt` without a time zone is UTC: `Date.parse("2026-09-30T23:30:00")` reads local time, so
 *   the process's TZ would change the month, and a redelivered document would land in another index
 *   beside its first copy;
 * - an event time older than the horizon, or further ahead than the allowed skew, picks no index at
 *   all: the record is dead-lettered (`event_time_out_of_range`) instead of creating one more index,
 *   since any year 0000–9999 would otherwise make one, and enough of them exhaust the shard limit.
 */

// A zone at the end: Z, or +hh:mm / +hhmm / +hh.
const zoned = /(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$/;
// A time of day after the date: the schema requires one (`YYYY-MM-DDT…`).
const hasTime = /T\d{2}:\d{2}/;

/** Epoch milliseconds of a `meta.dt`, a zoneless one read as UTC; NaN when unparseable. */
export function eventTimeMs(dt: string): number {
  return Date.parse(hasTime.test(dt) && !zoned.test(dt) ? `${dt}Z` : dt);
}

export interface EventTimeBounds {
  /** Oldest accepted event, as an age in milliseconds before now. */
  readonly maxAgeMs: number;
  /** Furthest accepted event ahead of now (clock skew), in milliseconds. */
  readonly maxFutureMs: number;
}

export type EventTimeCheck =
  | { readonly kind: "in_range" }
  | { readonly kind: "out_of_range"; readonly direction: "past" | "future"; readonly detail: string };

/** Whether an event time may pick an index now. Pure (given `now`). */
export function checkEventTime(timeMs: number, now: number, bounds: EventTimeBounds): EventTimeCheck {
  const earliest = now - bounds.maxAgeMs;
  const latest = now + bounds.maxFutureMs;
  if (!Number.isFinite(timeMs)) {
    return { kind: "out_of_range", direction: "past", detail: "meta.dt is not a date" };
  }
  if (timeMs < earliest) {
    const days = Math.round(bounds.maxAgeMs / 86_400_000);
    return {
      kind: "out_of_range",
      direction: "past",
      detail: `meta.dt ${iso(timeMs)} is before ${iso(earliest)}, older than INDEXER_EVENT_MAX_AGE_DAYS=${days}`,
    };
  }
  if (timeMs > latest) {
    return {
      kind: "out_of_range",
      direction: "future",
      detail: `meta.dt ${iso(timeMs)} is after ${iso(latest)}, further ahead than INDEXER_EVENT_MAX_FUTURE_MS=${bounds.maxFutureMs}`,
    };
  }
  return { kind: "in_range" };
}

function iso(timeMs: number): string {
  // Years outside 0000–9999 have no ISO form: say the number.
  const date = new Date(timeMs);
  return Number.isNaN(date.getTime()) ? String(timeMs) : date.toISOString();
}
