import { type ConcurrencyLimit, FixedConcurrency, isOverloaded } from "./concurrency.ts";
import type { SendOutcome } from "./types.ts";

/** Documents in the first batch (see SendWindow#batchDocs). */
const FIRST_BATCH_DOCS = 100;

/**
 * How much the sender may send now: sends in flight against the concurrency limit, the batch size
 * (slow start), and the whole-request backoff gate. No timers and no items: BulkSender acts, this
 * only counts and answers.
 */
export class SendWindow {
  readonly #concurrency: ConcurrencyLimit;
  readonly #maxDocs: number;
  #inFlight = 0;
  /** Bytes of the batches in flight. */
  #inFlightBytes = 0;
  /**
   * Documents per batch now: slow start from FIRST_BATCH_DOCS, doubled by every answer that is not
   * pushback, up to the limit. A small first request reaches OpenSearch (and creates its index) sooner.
   */
  #batchDocs: number;
  /** A batch was due while every slot was taken, since the last answer (the limit held it back). */
  #blocked = false;
  /** Nothing is sent before this time (a failed request's backoff). */
  #notBefore = 0;
  /** Whole requests failed in a row. */
  #requestAttempt = 0;

  constructor(concurrency: number | ConcurrencyLimit, maxDocs: number) {
    this.#concurrency = typeof concurrency === "number" ? new FixedConcurrency(concurrency) : concurrency;
    this.#maxDocs = maxDocs;
    this.#batchDocs = Math.min(FIRST_BATCH_DOCS, maxDocs);
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get inFlightBytes(): number {
    return this.#inFlightBytes;
  }

  /** Sends allowed in flight now. */
  get limit(): number {
    return this.#concurrency.limit;
  }

  /** True while another send may start (the backoff gate aside: see waitAt). */
  get hasRoom(): boolean {
    return this.#inFlight < this.#concurrency.limit;
  }

  get batchDocs(): number {
    return this.#batchDocs;
  }

  /** Whole requests failed in a row before the next (the request backoff's attempt). */
  get requestAttempt(): number {
    return this.#requestAttempt;
  }

  /** Milliseconds from `at` until the backoff gate opens; 0 when sending is allowed. */
  waitAt(at: number): number {
    return Math.max(0, this.#notBefore - at);
  }

  /** A batch was due while every slot was taken: the next answer reports the limit saturated. */
  markBlocked(): void {
    this.#blocked = true;
  }

  opened(bytes: number): void {
    this.#inFlight += 1;
    this.#inFlightBytes += bytes;
  }

  closed(bytes: number): void {
    this.#inFlight -= 1;
    this.#inFlightBytes -= bytes;
  }

  /** A send was answered after `rttMs`: the concurrency limit learns, the batch grows unless pushed back. */
  answered(outcome: SendOutcome, rttMs: number): void {
    const saturated = this.#blocked;
    this.#blocked = false;
    const overloaded = isOverloaded(outcome);
    this.#concurrency.observe({ rttMs, overloaded, saturated });
    if (!overloaded) this.#batchDocs = Math.min(this.#batchDocs * 2, this.#maxDocs);
  }

  requestBackoff(change: "reset" | "advance" | "keep"): void {
    if (change === "reset") this.#requestAttempt = 0;
    if (change === "advance") this.#requestAttempt += 1;
  }

  /** Nothing is sent before `until`. */
  backOff(until: number): void {
    this.#notBefore = Math.max(this.#notBefore, until);
  }
}
