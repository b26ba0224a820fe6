/** Histograms read from Prometheus exposition text (counters: `sampleSum` in @wikistream/testkit). */

/** A histogram summed over every label set. */
export interface ScrapedHistogram {
  count: number;
  sum: number;
  /** Cumulative counts per upper bound, ascending. */
  buckets: [number, number][];
}

export function scrapeHistogram(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): ScrapedHistogram {
  const buckets = new Map<number, number>();
  let count = 0;
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (line.startsWith(`${name}_bucket`)) {
      const le = /le="([^"]+)"/.exec(line)?.[1];
      const bound = le === "+Inf" ? Number.POSITIVE_INFINITY : Number(le);
      buckets.set(bound, (buckets.get(bound) ?? 0) + value);
    } else if (line.startsWith(`${name}_count`)) count += value;
    else if (line.startsWith(`${name}_sum`)) sum += value;
  }
  return { count, sum, buckets: [...buckets].sort((a, b) => a[0] - b[0]) };
}

/** The upper bound of the bucket holding quantile q: "p95 ≤ this", all a histogram can say. */
export function bucketQuantile(histogram: ScrapedHistogram, q: number): number {
  const target = q * histogram.count;
  for (const [bound, cumulative] of histogram.buckets) if (cumulative >= target) return bound;
  return Number.NaN;
}
