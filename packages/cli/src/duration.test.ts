import { describe, expect, it } from "vitest";
import { parseDuration, parseInstant } from "./duration.ts";

describe("parseDuration", () => {
  it("reads s, m, h, d and w", () => {
    expect(parseDuration("90d", "--older-than")).toBe(90 * 86_400_000);
    expect(parseDuration("12h", "--x")).toBe(12 * 3_600_000);
    expect(parseDuration("2w", "--x")).toBe(14 * 86_400_000);
  });
  it("names the flag when the value is not a duration", () => {
    expect(() => parseDuration("90", "--older-than")).toThrow(/--older-than: expected a duration/);
  });
});

describe("parseInstant", () => {
  const now = Date.parse("2026-10-01T00:00:00Z");
  it("takes a zoned ISO time, a date as UTC midnight, or a duration ago", () => {
    expect(parseInstant("2026-09-01T12:00:00Z", "--since", now)).toBe(Date.parse("2026-09-01T12:00:00Z"));
    expect(parseInstant("2026-09-01", "--since", now)).toBe(Date.parse("2026-09-01T00:00:00Z"));
    expect(parseInstant("1d", "--since", now)).toBe(Date.parse("2026-09-30T00:00:00Z"));
  });
  it("refuses a time without a zone (it would depend on TZ)", () => {
    expect(() => parseInstant("2026-09-01T12:00:00", "--until", now)).toThrow(/--until: expected/);
  });
});
