export interface BatchLimits {
  /** Operations per bulk request at most. */
  maxDocs: number;
  /** Request body bytes at most (a single larger operation still goes out, alone). */
  maxBytes: number;
  /** How long the oldest queued operation may wait for a fuller batch (while a request is in flight). */
  lingerMs: number;
  /**
   * With nothing in flight, a partial batch is due at once instead of after `lingerMs` (Nagle-like:
   * the linger only gathers what arrives while a request is out). Default false.
   */
  sendWhenIdle?: boolean;
}

/**
 * FIFO of operations waiting for a bulk request. A batch is due when it is full by count or by bytes,
 * when nothing is in flight (`idle`, with `sendWhenIdle`), when its oldest operation has
 * waited `lingerMs`, or when forced (drain, rebalance). Pure: the caller passes the clock, whether a
 * request is in flight, and runs the timer.
 */
export class Batcher<T extends { readonly bytes: number }> {
  readonly #limits: BatchLimits;
  #queue: { item: T; at: number }[] = [];
  #head = 0;
  #bytes = 0;

  constructor(limits: BatchLimits) {
    this.#limits = limits;
  }

  get size(): number {
    return this.#queue.length - this.#head;
  }

  get bytes(): number {
    return this.#bytes;
  }

  add(item: T, now: number): void {
    this.#queue.push({ item, at: now });
    this.#bytes += item.bytes;
  }

  #full(maxDocs: number): boolean {
    return this.size >= maxDocs || this.#bytes >= this.#limits.maxBytes;
  }

  /**
   * Milliseconds until a batch is due by linger; 0 if one is due now; undefined when empty. `maxDocs`
   * below the limit makes smaller batches (the sender's slow start); `idle`: no request in flight.
   */
  dueIn(now: number, maxDocs = this.#limits.maxDocs, idle = false): number | undefined {
    if (this.size === 0) return undefined;
    if (this.#full(Math.min(maxDocs, this.#limits.maxDocs))) return 0;
    if (idle && this.#limits.sendWhenIdle === true) return 0;
    return Math.max(0, this.#queue[this.#head]!.at + this.#limits.lingerMs - now);
  }

  /** The next batch if one is due (or `force` and anything is queued). */
  take(now: number, force = false, maxDocs = this.#limits.maxDocs, idle = false): T[] | undefined {
    if (this.size === 0) return undefined;
    if (!force && this.dueIn(now, maxDocs, idle) !== 0) return undefined;
    const docs = Math.min(maxDocs, this.#limits.maxDocs);
    const batch: T[] = [];
    let bytes = 0;
    while (this.#head < this.#queue.length && batch.length < docs) {
      const { item } = this.#queue[this.#head]!;
      if (batch.length > 0 && bytes + item.bytes > this.#limits.maxBytes) break;
      batch.push(item);
      bytes += item.bytes;
      this.#head += 1;
    }
    this.#bytes -= bytes;
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return batch;
  }

  /** Removes queued items that match, e.g. those of partitions this consumer no longer owns. */
  remove(predicate: (item: T) => boolean): T[] {
    const removed: T[] = [];
    const kept: { item: T; at: number }[] = [];
    for (let i = this.#head; i < this.#queue.length; i += 1) {
      const entry = this.#queue[i]!;
      if (predicate(entry.item)) {
        removed.push(entry.item);
        this.#bytes -= entry.item.bytes;
      } else kept.push(entry);
    }
    this.#queue = kept;
    this.#head = 0;
    return removed;
  }
}
