import type { SendOutcome } from "./types.ts";

/** What one answered send says about the sink's capacity. */
export interface SendObservation {
  /** Send → answer. */
  readonly rttMs: number;
  /** The sink pushed back: the request failed or was throttled, or items were answered 429/503. */
  readonly overloaded: boolean;
  /** Batches were due while every slot was taken: the limit, not the input, set the pace. */
  readonly saturated: boolean;
}

/** How many sends may be in flight now; told about every answer. */
export interface ConcurrencyLimit {
  readonly limit: number;
  observe(observation: SendObservation): void;
}

/** Whether an answer is the sink pushing back (as opposed to refusing something for good). */
export function isOverloaded(outcome: SendOutcome): boolean {
  if (outcome.kind === "request_failed") return true;
  return outcome.kind === "partial_failure" && outcome.retries.some((retry) => !retry.bounded);
}

/** A fixed number of sends in flight. */
export class FixedConcurrency implements ConcurrencyLimit {
  readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
  }

  observe(_observation: SendObservation): void {}
}

export interface AdaptiveOptions {
  /** At most this many in flight (INDEXER_BULK_CONCURRENCY). */
  max: number;
  /** An answer slower than the mean by more than this factor counts as congestion (default 1). */
  rttTolerance?: number;
}

/**
 * AIMD on sends in flight, as Vector's adaptive request concurrency does: start at one; while the limit
 * is what holds batches back and answers come no slower than usual, add one per window of answers
 * (additive increase); on pushback halve it, on an answer much slower than the mean take a tenth off
 * (multiplicative decrease). The mean is an exponentially weighted moving average of answer times.
 */
export class AdaptiveConcurrency implements ConcurrencyLimit {
  readonly #max: number;
  readonly #tolerance: number;
  #limit = 1;
  /** Fractional progress towards the next increase (1 / limit per answer). */
  #credit = 0;
  #meanRttMs: number | undefined;

  constructor(options: AdaptiveOptions) {
    this.#max = Math.max(1, Math.floor(options.max));
    this.#tolerance = options.rttTolerance ?? 1;
  }

  get limit(): number {
    return Math.max(1, Math.floor(this.#limit));
  }

  observe({ rttMs, overloaded, saturated }: SendObservation): void {
    const mean = this.#meanRttMs;
    this.#meanRttMs = mean === undefined ? rttMs : mean * 0.8 + rttMs * 0.2;
    if (overloaded) {
      this.#decrease(0.5);
      return;
    }
    if (mean !== undefined && rttMs > mean * (1 + this.#tolerance)) {
      this.#decrease(0.9);
      return;
    }
    if (!saturated || this.#limit >= this.#max) return;
    this.#credit += 1 / this.#limit;
    if (this.#credit >= 1) {
      this.#credit = 0;
      this.#limit = Math.min(this.#max, this.#limit + 1);
    }
  }

  #decrease(factor: number): void {
    this.#credit = 0;
    this.#limit = Math.max(1, this.#limit * factor);
  }
}
