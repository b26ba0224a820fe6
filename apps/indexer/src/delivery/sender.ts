import { Batcher, type BatchLimits } from "./batch.ts";
import type { ConcurrencyLimit } from "./concurrency.ts";
import { type DeliveryPlan, type DeliveryStep, planDelivery } from "./plan.ts";
import { RetryHold } from "./retry-hold.ts";
import { SendWindow } from "./send-window.ts";
import { bytesOf, type CodedError, type Deliverable, type RetryPolicy, type SendBatch } from "./types.ts";

/** What the sender reports; the pipeline turns these into offsets, dead letters, metrics and logs. */
export interface SenderEvents<T> {
  /** Items indexed, those of one answer together (one call per bulk, not per item). */
  delivered(items: readonly T[], at: number): void;
  deadLetter(item: T, reason: string, detail: string, status: number): void;
  /** Items enter a retry wait (their partitions pause meanwhile)… */
  retryScheduled(items: readonly T[], reason: string): void;
  /** …and leave it, one by one, when the wait is over. */
  retryDue(item: T): void;
  /** A whole request failed or was refused. */
  requestError(error: CodedError): void;
  /** After a failed request nothing is sent for `delayMs`. */
  backingOff(error: CodedError, delayMs: number, documents: number): void;
  /** Requests in flight changed; `settled` follows every answer. */
  inFlight(count: number): void;
  settled(): void;
  /** A callback or timer threw (never a delivery outcome): counted and logged, never unhandled. */
  unexpected(what: string, error: unknown): void;
}

export interface SenderOptions<T> {
  send: SendBatch<T>;
  limits: BatchLimits;
  /** Sends in flight at most: a number, or a limit that adapts to the answers (AdaptiveConcurrency). */
  concurrency: number | ConcurrencyLimit;
  retry: RetryPolicy;
  now: () => number;
  /** False for an item whose work no longer counts (its partition was reassigned): never sent. */
  isLive: (item: T) => boolean;
  events: SenderEvents<T>;
  random?: () => number;
}

/**
 * Acts on delivery plans: batches items (count, bytes, linger), sends within the SendWindow
 * (concurrency, batch size, backoff gate), asks planDelivery() what each answer means and does it:
 * reports delivered and dead-lettered items, holds items for their retry delay (RetryHold) and queues
 * them again, sends the halves of a refused batch, and after a failed request sends nothing until the
 * backoff delay has passed. Knows nothing about what it delivers to: `send` does.
 */
export class BulkSender<T extends Deliverable> {
  readonly #options: SenderOptions<T>;
  readonly #batcher: Batcher<T>;
  readonly #window: SendWindow;
  readonly #retries = new RetryHold<T>();
  /** Halves of refused batches, sent before anything the batcher holds. */
  readonly #splitBatches: T[][] = [];
  #wakeTimer: ReturnType<typeof setTimeout> | undefined;
  /** Send partial batches too, until the queue is empty (flush). */
  #flushing = false;
  #closed = false;

  constructor(options: SenderOptions<T>) {
    this.#options = options;
    this.#batcher = new Batcher<T>(options.limits);
    this.#window = new SendWindow(options.concurrency, options.limits.maxDocs);
  }

  add(item: T, at: number): void {
    this.#batcher.add(item, at);
  }

  /** Sends the batches that are due (full, or lingered long enough), within the concurrency. */
  sendDue(): void {
    if (this.#closed) return;
    const at = this.#options.now();
    const window = this.#window;
    while (window.hasRoom) {
      const wait = window.waitAt(at);
      if (wait > 0) {
        this.#wakeIn(wait);
        return;
      }
      const batch = this.#nextBatch(at);
      if (!batch) break;
      this.#send(batch).catch((error: unknown) => this.#options.events.unexpected("bulk send", error));
    }
    if (this.#batcher.size === 0 && this.#splitBatches.length === 0) this.#flushing = false;
    const due = this.#batcher.dueIn(at, window.batchDocs, window.inFlight === 0);
    if (window.hasRoom) {
      if (due !== undefined) this.#wakeIn(Math.max(1, due));
    } else if (due === 0 || this.#splitBatches.length > 0) window.markBlocked();
  }

  /** Sends everything queued now, partial batches included, instead of waiting for the linger time. */
  flush(): void {
    this.#flushing = true;
    this.sendDue();
  }

  /** Drops queued items that are no longer live (a previous generation's); returns how many. */
  dropStale(): number {
    return this.#batcher.remove((item) => !this.#options.isLive(item)).length;
  }

  get inFlight(): number {
    return this.#window.inFlight;
  }

  /** Sends allowed in flight now. */
  get concurrencyLimit(): number {
    return this.#window.limit;
  }

  /**
   * Bytes of every item the sender holds: queued, in flight, or waiting out a retry delay. What the
   * pipeline bounds fetching by (INDEXER_MAX_BUFFERED_BYTES).
   */
  get heldBytes(): number {
    let split = 0;
    for (const batch of this.#splitBatches) split += bytesOf(batch);
    return this.#batcher.bytes + split + this.#window.inFlightBytes + this.#retries.bytes;
  }

  get queued(): number {
    return this.#batcher.size + this.#splitBatches.reduce((sum, batch) => sum + batch.length, 0);
  }

  close(): void {
    this.#closed = true;
    this.#retries.close();
    if (this.#wakeTimer !== undefined) clearTimeout(this.#wakeTimer);
  }

  #wakeIn(delay: number): void {
    if (this.#wakeTimer !== undefined || this.#closed) return;
    this.#wakeTimer = setTimeout(() => {
      this.#wakeTimer = undefined;
      this.#guard("pump", () => this.sendDue());
    }, delay);
  }

  #guard(what: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.#options.events.unexpected(what, error);
    }
  }

  #nextBatch(at: number): T[] | undefined {
    while (true) {
      const batch =
        this.#splitBatches.shift() ??
        this.#batcher.take(at, this.#flushing, this.#window.batchDocs, this.#window.inFlight === 0);
      if (!batch) return undefined;
      const live = batch.filter(this.#options.isLive);
      if (live.length > 0) return live;
    }
  }

  // Synchronous up to the send itself, so that the window counts it before sendDue() looks again.
  async #send(batch: T[]): Promise<void> {
    const { events } = this.#options;
    const bytes = bytesOf(batch);
    this.#window.opened(bytes);
    events.inFlight(this.#window.inFlight);
    try {
      const started = this.#options.now();
      const outcome = await this.#options.send(batch);
      if (this.#closed) return;
      this.#window.answered(outcome, this.#options.now() - started);
      const plan = planDelivery(outcome, batch, {
        policy: this.#options.retry,
        requestAttempt: this.#window.requestAttempt,
        ...(this.#options.random ? { random: this.#options.random } : {}),
      });
      this.#act(plan, batch.length);
    } finally {
      this.#window.closed(bytes);
      events.inFlight(this.#window.inFlight);
      events.settled();
      this.sendDue();
    }
  }

  #act(plan: DeliveryPlan<T>, documents: number): void {
    this.#window.requestBackoff(plan.requestBackoff);
    if (plan.error) this.#options.events.requestError(plan.error);
    const at = this.#options.now();
    for (const step of plan.steps) this.#do(step, at, documents);
  }

  #do(step: DeliveryStep<T>, at: number, documents: number): void {
    const { events } = this.#options;
    switch (step.kind) {
      case "index":
        events.delivered(step.items, at);
        return;
      case "dead_letter":
        events.deadLetter(step.item, step.reason, step.detail, step.status);
        return;
      case "retry_later":
        if (step.countsAsAttempt) for (const item of step.items) item.attempts += 1;
        this.#retryLater(step.items, step.delayMs, step.reason);
        return;
      case "split":
        this.#splitBatches.push(...step.batches);
        return;
      case "back_off":
        this.#window.backOff(at + step.delayMs);
        events.backingOff(step.error, step.delayMs, documents);
        return;
    }
  }

  /** Holds items for `delayMs` (their partitions paused meanwhile), then queues them again. */
  #retryLater(items: readonly T[], delayMs: number, reason: string): void {
    const { events } = this.#options;
    events.retryScheduled(items, reason);
    this.#retries.hold(items, delayMs, (due) =>
      this.#guard("retry timer", () => {
        const at = this.#options.now();
        for (const item of due) {
          events.retryDue(item);
          if (this.#options.isLive(item)) this.#batcher.add(item, at);
        }
        this.sendDue();
      }),
    );
  }
}
