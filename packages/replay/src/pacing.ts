/** `fast`: as fast as the socket takes it; `original`: the recorded `meta.dt` gaps; a number: gaps / speed. */
export type Pace = "fast" | "original" | number;

/**
 * How long to wait before an event recorded at `dt` when the previous one was recorded at `previousDt`.
 * Out-of-order `meta.dt` (common in the captures) means no wait; long quiet periods are cut to
 * `maxGapMs`, so a replay of a sparse recording stays watchable.
 */
export function delayBefore(
  pace: Pace,
  previousDt: number | undefined,
  dt: number,
  maxGapMs: number,
): number {
  if (pace === "fast" || previousDt === undefined) return 0;
  const gap = Math.max(0, dt - previousDt);
  const speed = pace === "original" ? 1 : pace;
  return Math.min(gap / speed, maxGapMs);
}
