/**
 * Keeps an app's garbage Buffers from piling up. Both apps allocate their data outside the JavaScript
 * heap (fetched and decompressed record batches, bulk bodies, encoded records), and V8 frees such
 * external memory only at a major collection, which it starts once 64 MB of it has grown since the
 * last one; records held for a bulk in flight survive the young generation, so nearly all of it waits
 * for that. The indexer's catch-up had ~27 MB of live Buffers and ~90 MB at the peak. Asking the
 * runtime for a major collection each time external memory has grown by the budget bounds that peak
 * by bytes: indexer catch-up peak on Node 230–244 → 176–189 MB with 16 MiB, for ~1 CPU-s more per
 * 100k documents (each collection marks the ~30–60 MB heap; bench/results/2026-12-02-2core-external-memory.md).
 */

/** What to do with one reading of external memory. */
export type ExternalMemoryStep =
  /** Grown by the budget since the last collection: collect now. */
  | { kind: "collect" }
  /** Below the level after the last collection (the runtime collected on its own): measure from here. */
  | { kind: "rebase"; baseline: number }
  | { kind: "wait" };

/** Pure: the step for `external` bytes, given the level after the last collection and the budget. */
export function decideExternalMemory(external: number, baseline: number, budget: number): ExternalMemoryStep {
  if (external - baseline >= budget) return { kind: "collect" };
  if (external < baseline) return { kind: "rebase", baseline: external };
  return { kind: "wait" };
}

export interface ExternalMemoryCollectorOptions {
  /** Bytes of growth after which to collect; 0 turns the collector off. */
  budgetBytes: number;
  /** External memory now (process.memoryUsage().external). */
  read: () => number;
  /** A major collection; resolves once it ran. */
  collect: () => Promise<void>;
  /** How often to read; a reading costs microseconds. */
  intervalMs?: number;
  /** A collection that threw: reported, and the collector stops asking. */
  onError?: (error: unknown) => void;
}

/** Reads external memory on a timer and collects when decideExternalMemory says so; start(), stop(). */
export class ExternalMemoryCollector {
  readonly #options: ExternalMemoryCollectorOptions;
  #baseline = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  #collecting = false;
  #collections = 0;

  constructor(options: ExternalMemoryCollectorOptions) {
    this.#options = options;
  }

  /** Collections asked for so far. */
  get collections(): number {
    return this.#collections;
  }

  start(): void {
    if (this.#timer !== undefined || this.#options.budgetBytes <= 0) return;
    this.#baseline = this.#options.read();
    this.#timer = setInterval(() => void this.#tick(), this.#options.intervalMs ?? 50);
    // Never what keeps a process alive.
    (this.#timer as { unref?: () => void }).unref?.();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #tick(): Promise<void> {
    if (this.#collecting) return;
    const step = decideExternalMemory(this.#options.read(), this.#baseline, this.#options.budgetBytes);
    if (step.kind === "rebase") this.#baseline = step.baseline;
    if (step.kind !== "collect") return;
    this.#collecting = true;
    this.#collections += 1;
    try {
      await this.#options.collect();
      this.#baseline = this.#options.read();
    } catch (error) {
      this.stop();
      this.#options.onError?.(error);
    } finally {
      this.#collecting = false;
    }
  }
}
