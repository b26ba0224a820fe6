/**
 * Commit tracker for one partition. Records are added in offset order as they are consumed and
 * finished in any order (indexed, dead-lettered or skipped). The committable offset is one past the
 * highest offset below which everything is finished: never past a record still in flight or in retry.
 * Offsets need not be contiguous (transaction markers and compaction leave gaps).
 */
export class OffsetTracker {
  // Every record after the committable point, in offset order, and whether it is finished (1) or not
  // (0), side by side: no Map keyed by bigint (hashing a bigint per record cost more than the search).
  readonly #order: bigint[] = [];
  readonly #done: number[] = [];
  #head = 0;
  /** Where the last finish was: a bulk finishes a partition's records in order, so the next is next. */
  #hint = -1;
  #lastAdded: bigint | undefined;
  #committable: bigint | undefined;
  #unfinished = 0;

  /**
   * Whether a record at `offset` was already added: offsets only increase within a generation, so one
   * at or before the last added one is a re-fetched copy of a record already on its way.
   */
  taken(offset: bigint): boolean {
    return this.#lastAdded !== undefined && offset <= this.#lastAdded;
  }

  /** Registers a consumed record; offsets must increase (check taken() first). */
  add(offset: bigint): void {
    if (this.taken(offset)) {
      throw new RangeError(`offset ${offset} added after ${this.#lastAdded}`);
    }
    this.#lastAdded = offset;
    this.#order.push(offset);
    this.#done.push(0);
    this.#unfinished += 1;
  }

  /** Marks a record finished; unknown offsets (already finished, or from before a reset) are ignored. */
  finish(offset: bigint): boolean {
    const at = this.#indexOf(offset);
    if (at < 0 || this.#done[at] === 1) return false;
    this.#done[at] = 1;
    this.#hint = at;
    this.#unfinished -= 1;
    // Advance the contiguous finished prefix.
    const head = this.#head;
    while (this.#head < this.#order.length && this.#done[this.#head] === 1) this.#head += 1;
    if (this.#head > head) this.#committable = this.#order[this.#head - 1]! + 1n;
    if (this.#head > 1024 && this.#head * 2 > this.#order.length) {
      this.#order.splice(0, this.#head);
      this.#done.splice(0, this.#head);
      this.#head = 0;
      this.#hint = -1;
    }
    return true;
  }

  /** The index of `offset` after the committable point, or -1: the one after the last finish, else a binary search. */
  #indexOf(offset: bigint): number {
    const order = this.#order;
    const next = this.#hint + 1;
    if (next >= this.#head && next < order.length && order[next] === offset) return next;
    let low = this.#head;
    let high = order.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const value = order[mid]!;
      if (value === offset) return mid;
      if (value < offset) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
  }

  /** The offset to commit (the next one to read), or undefined while nothing is finished. */
  committable(): bigint | undefined {
    return this.#committable;
  }

  /**
   * Records after the committable point, finished or not: what this tracker holds in memory, and what
   * a restart would re-read. One stuck record keeps it growing while `unfinished` stays small.
   */
  get window(): number {
    return this.#order.length - this.#head;
  }

  /** Records added and not yet finished (what /status and the metrics call pending). */
  get unfinished(): number {
    return this.#unfinished;
  }
}
