import { ReplayError } from "./errors.ts";

/**
 * The `since` query parameter as EventStreams reads it: a ms epoch number, else anything
 * `Date.parse` accepts. Absent → undefined; unparseable → `invalid_timestamp` (HTTP 400).
 */
export function parseSince(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  const asNumber = trimmed === "" ? Number.NaN : Number(trimmed);
  const timestamp = Number.isNaN(asNumber) ? Date.parse(trimmed) : asNumber;
  if (!Number.isFinite(timestamp)) {
    throw new ReplayError(
      "invalid_timestamp",
      `since timestamp is not a UTC milliseconds unix epoch and was not parseable: '${value}'`,
    );
  }
  return timestamp;
}
