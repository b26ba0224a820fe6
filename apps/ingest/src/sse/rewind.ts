/**
 * The Last-Event-ID to send for the newest id we hold. EventStreams' ids carry, per topic-partition,
 * either a Kafka `offset` (exact) or a `timestamp` = message time + 1 ms (production, for multi-DC).
 * Resuming from a timestamp skips the other events of that same millisecond, and several events do
 * share one (all three frames of the 2022 capture). One millisecond earlier re-reads them; ingest
 * recognises the ones it already holds by meta.id and drops them, so nothing is skipped or doubled.
 * Offsets win over timestamps (KafkaSSE), so entries with an offset are left alone.
 */
export function rewindEventId(id: string): string {
  let entries: unknown;
  try {
    entries = JSON.parse(id);
  } catch {
    return id; // not ours to fix: the server answers a malformed id with a 400, which is reported
  }
  if (!Array.isArray(entries)) return id;
  let changed = false;
  const rewound = entries.map((entry: unknown) => {
    if (typeof entry !== "object" || entry === null || "offset" in entry) return entry;
    const timestamp = Number((entry as { timestamp?: unknown }).timestamp);
    if (!Number.isSafeInteger(timestamp) || timestamp <= 0) return entry;
    changed = true;
    return { ...entry, timestamp: timestamp - 1 };
  });
  return changed ? JSON.stringify(rewound) : id;
}
