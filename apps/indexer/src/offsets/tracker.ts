/**
 * Commit tracker for one partition. Records are added in offset order as they are consumed and
 * finished in any order (indexed, dead-lettered or skipped). The committable offset is one past the
 * highest offset below which everything is finished: never past a record still in flight or in retry.
 * Offsets need not be contiguous (transaction markers and compaction leave gaps).
 */
export class OffsetTracker {
  /** Offset → finished, for every record after the committable point. */
  readonly #finished = new Map<bigint, boolean>();
  readonly #order: bigint[] = [];
  #head = 0;
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
    this.#finished.set(offset, false);
    this.#order.push(offset);
    this.#unfinished += 1;
  }

  /** Marks a record finished; unknown offsets (already finished, or from before a reset) are ignored. */
  finish(offset: bigint): boolean {
    if (this.#finished.get(offset) !== false) return false;
    this.#finished.set(offset, true);
    this.#unfinished -= 1;
    // Advance the contiguous finished prefix.
    while (this.#head < this.#order.length) {
      const next = this.#order[this.#head]!;
      if (this.#finished.get(next) !== true) break;
      this.#finished.delete(next);
      this.#committable = next + 1n;
      this.#head += 1;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#order.length) {
      this.#order.splice(0, this.#head);
      this.#head = 0;
    }
    return true;
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
