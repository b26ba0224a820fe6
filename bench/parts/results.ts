/** What the parts measured, kept for the comparison against the baselines (parts/baselines.ts). */

/** One process run over a dataset: ingest or the bare producer (part a), an indexer or the ceiling (b). */
export interface Measured {
  dataset: string;
  /** `ingest`, `bare producer`, `node`, `bun`, `ceiling`. */
  who: string;
  /** Events (a) or documents (b) per second. */
  rate: number;
  /** Part b, indexers only: rate ÷ the best ceiling of the same round. */
  ofCeiling?: number;
  peakRssMb: number;
  cpuSecondsPer100k: number;
  /** Part b, indexers only: CPU after the process reported ready, per 100k. */
  cpuAfterReadyPer100k?: number;
  /** Part b only: spawn → first document searchable. */
  firstSearchableSeconds?: number;
}

export const per100k = (cpuSeconds: number, count: number) => (cpuSeconds / Math.max(1, count)) * 100_000;
