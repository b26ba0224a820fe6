import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bulkOperation } from "../bulk/bulk-request.ts";
import { eventTime } from "../prepare/transforms/common.ts";
import { checkEventTime, eventTimeMs } from "./event-time.ts";

const day = 86_400_000;
const meta = (dt: string) => ({ id: "6a5d6b1e-1c7e-4f0a-9d3c-2b9a6f4e8c11", dt });
const naming = { prefix: "wikistream", bucket: "month" } as const;

describe("eventTimeMs", () => {
  let tz: string | undefined;
  beforeEach(() => {
    tz = process.env.TZ;
  });
  afterEach(() => {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });

  it("regression: a meta.dt without a time zone was read in the process's TZ, so TZ changed the target index", () => {
    // Node re-reads TZ when it is set: the same record, two processes in different zones.
    const indices = new Set<string>();
    const times = new Set<string>();
    for (const zone of ["UTC", "Pacific/Kiritimati", "America/Los_Angeles"]) {
      process.env.TZ = zone;
      indices.add(bulkOperation("mediawiki.recentchange", {}, meta("2026-09-30T23:30:00"), naming).index);
      times.add(String(eventTime.apply({ meta: meta("2026-09-30T23:30:00") }).event_time));
    }
    expect([...indices]).toEqual(["wikistream-recentchange-2026.09"]);
    expect([...times]).toEqual(["2026-09-30T23:30:00.000Z"]);
  });

  it("reads zoneless times as UTC and keeps explicit zones", () => {
    process.env.TZ = "Asia/Kolkata";
    expect(eventTimeMs("2026-09-30T23:30:00")).toBe(Date.UTC(2026, 8, 30, 23, 30));
    expect(eventTimeMs("2026-09-30T23:30:00.250")).toBe(Date.UTC(2026, 8, 30, 23, 30, 0, 250));
    expect(eventTimeMs("2026-09-30T23:30:00Z")).toBe(Date.UTC(2026, 8, 30, 23, 30));
    expect(eventTimeMs("2026-09-30T23:30:00+00:00")).toBe(Date.UTC(2026, 8, 30, 23, 30));
    expect(eventTimeMs("2026-10-01T01:30:00+02:00")).toBe(Date.UTC(2026, 8, 30, 23, 30));
    expect(eventTimeMs("2026-09-30T18:30:00-0500")).toBe(Date.UTC(2026, 8, 30, 23, 30));
    expect(eventTimeMs("not a date")).toBeNaN();
  });
});

describe("checkEventTime", () => {
  const now = Date.UTC(2026, 11, 1, 12);
  const bounds = { maxAgeMs: 1830 * day, maxFutureMs: 600_000 };

  it("regression: any year 0000–9999 picked an index; outside the horizon or the skew nothing does", () => {
    for (const dt of ["0000-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "2020-12-01T00:00:00Z"]) {
      expect(checkEventTime(eventTimeMs(dt), now, bounds)).toMatchObject({
        kind: "out_of_range",
        direction: "past",
        detail: expect.stringContaining("INDEXER_EVENT_MAX_AGE_DAYS=1830"),
      });
    }
    for (const dt of ["9999-12-31T23:59:59Z", "2026-12-01T12:10:01Z"]) {
      expect(checkEventTime(eventTimeMs(dt), now, bounds)).toMatchObject({
        kind: "out_of_range",
        direction: "future",
        detail: expect.stringContaining("INDEXER_EVENT_MAX_FUTURE_MS=600000"),
      });
    }
    expect(checkEventTime(Number.NaN, now, bounds)).toMatchObject({ kind: "out_of_range" });
  });

  it("accepts the horizon's edges, a replayed backlog and a small clock skew", () => {
    for (const dt of ["2022-12-05T00:00:00Z", "2026-12-01T11:59:59Z", "2026-12-01T12:10:00Z"]) {
      expect(checkEventTime(eventTimeMs(dt), now, bounds)).toEqual({ kind: "in_range" });
    }
    expect(checkEventTime(now - bounds.maxAgeMs, now, bounds)).toEqual({ kind: "in_range" });
  });
});
