/**
 * The Last-Event-ID to send for the newest id we hold. EventStreams' ids carry, per topic-partition,
 * either a Kafka `offset` (exact) or a `timestamp` = message time + 1 ms (production, for multi-DC).
 * Resuming from a timestamp skips the other events of that same millisecond, and several events do
 * share one (all three frames of the 2022 capture). One millisecond earlier re-reads them; ingest
 * recognises the ones it already holds by meta.id and drops them, so nothing is skipped or doubled.
 * Offsets win over timestamps (KafkaSSE), so entries with an offset >= 0 are left alone.
 *
 * An entry with a negative offset (-1) means "latest" to KafkaSSE: the standby DC's topic is always -1
 * in production ids, and so is a stream quiet since the connection began. Sent back as is, whatever
 * reaches that topic during the gap (a DC switchover, a quiet stream waking up) would be skipped. Such an
 * entry is rewritten as a timestamp, one millisecond before the oldest timestamp of the id's other
 * entries, without an `offset` key (KafkaSSE resolves a timestamp only for entries that have none).
 */
export function rewindEventId(id: string): string {
  let entries: unknown;
  try {
    entries = JSON.parse(id);
  } catch {
    return id; // not ours to fix: the server answers a malformed id with a 400, which is reported
  }
  if (!Array.isArray(entries)) return id;
  const timestamps = entries.flatMap((entry: unknown) => {
    const timestamp = timestampOf(entry);
    return timestamp === undefined ? [] : [timestamp];
  });
  // No timestamp to anchor on (offset ids, e.g. the replay server's offset mode): -1 stays as it is.
  // Offset 0 instead would re-read the topic's whole retention, and dropping the entry would leave the
  // position to the server; production ids always carry timestamps, so this case is not production's.
  const floor = timestamps.length === 0 ? undefined : Math.min(...timestamps) - 1;
  let changed = false;
  const rewound = entries.map((entry: unknown) => {
    if (typeof entry !== "object" || entry === null) return entry;
    if ("offset" in entry) {
      const { offset, topic, partition } = entry as {
        offset?: unknown;
        topic?: unknown;
        partition?: unknown;
      };
      if (typeof offset !== "number" || offset >= 0 || floor === undefined) return entry;
      changed = true;
      return { topic, partition, timestamp: floor };
    }
    const timestamp = timestampOf(entry);
    if (timestamp === undefined) return entry;
    changed = true;
    return { ...entry, timestamp: timestamp - 1 };
  });
  return changed ? JSON.stringify(rewound) : id;
}

/** The timestamp of an entry KafkaSSE would position by time (one without `offset`), if usable. */
function timestampOf(entry: unknown): number | undefined {
  if (typeof entry !== "object" || entry === null || "offset" in entry) return undefined;
  const timestamp = Number((entry as { timestamp?: unknown }).timestamp);
  return Number.isSafeInteger(timestamp) && timestamp > 0 ? timestamp : undefined;
}
