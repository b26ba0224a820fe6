import { UsageError } from "./errors.ts";

const unitMs = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** `90d`, `12h`, `30m`, `45s`, `2w` → milliseconds; `flag` names the option in the error. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+)([smhdw])$/.exec(text.trim());
  if (!match) throw new UsageError(`${flag}: expected a duration such as 90d, 12h or 30m, got "${text}"`);
  return Number(match[1]) * unitMs[match[2] as keyof typeof unitMs];
}

/**
 * A point in time: an ISO 8601 instant (`2026-09-01T00:00:00Z`, or a date, taken as UTC midnight) or a
 * duration before `now` (`2h` = two hours ago).
 */
export function parseInstant(text: string, flag: string, now: number): number {
  if (/^\d+[smhdw]$/.test(text.trim())) return now - parseDuration(text, flag);
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  const ms = /[zZ]|[+-]\d{2}:?\d{2}$/.test(iso) ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new UsageError(
      `${flag}: expected an ISO 8601 time with a zone (2026-09-01T12:00:00Z), a date or a duration ago (2h), got "${text}"`,
    );
  }
  return ms;
}
