/** What a partition's fetching should do now. */
export type FetchDecision = "pause" | "resume" | "keep";

/**
 * Pause while the uncommitted window (records after the committable point, finished or not) reaches
 * the limit or anything waits for a retry; resume at or below half the limit once nothing waits.
 * Counting only unfinished records would never pause behind one stuck record (say, a dead letter
 * Kafka refuses) while the window grows without bound and nothing commits. Pure.
 */
export function fetchDecision(partition: {
  paused: boolean;
  /** Records after the committable point, finished or not. */
  window: number;
  awaitingRetry: number;
  /** INDEXER_MAX_PENDING_PER_PARTITION. */
  maxWindow: number;
  /** The pipeline holds more bytes than INDEXER_MAX_BUFFERED_BYTES (every partition pauses). */
  overBudget?: boolean;
}): FetchDecision {
  const { paused, window, awaitingRetry, maxWindow, overBudget = false } = partition;
  if (!paused && (window >= maxWindow || awaitingRetry > 0 || overBudget)) return "pause";
  if (paused && awaitingRetry === 0 && !overBudget && window <= Math.floor(maxWindow / 2)) return "resume";
  return "keep";
}
