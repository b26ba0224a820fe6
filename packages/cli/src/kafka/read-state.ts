import type { PartitionRange } from "./range.ts";

/** Where each partition stopped; `complete` is false when the idle limit ended a partition early. */
export interface ReadSummary {
  readonly partitions: readonly { partition: number; next: string; to: string; complete: boolean }[];
}

/** One read's position: the partitions still being read and the next offset of each. */
export class RangeProgress {
  readonly #ranges: readonly PartitionRange[];
  /** Non-empty ranges not read to their end yet. */
  readonly #pending: Map<number, PartitionRange>;
  readonly #next: Map<number, string>;
  readonly #done = new Set<number>();

  constructor(ranges: readonly PartitionRange[]) {
    this.#ranges = ranges;
    this.#pending = new Map(ranges.filter((r) => BigInt(r.to) > BigInt(r.from)).map((r) => [r.partition, r]));
    this.#next = new Map(ranges.map((r) => [r.partition, r.from]));
  }

  /** The ranges still to read, e.g. to seek their partitions to the start. */
  get pending(): readonly PartitionRange[] {
    return [...this.#pending.values()];
  }

  /** The range of a partition still being read; undefined once it is complete (or was empty). */
  rangeOf(partition: number): PartitionRange | undefined {
    return this.#pending.get(partition);
  }

  /** Moves a partition past `lastOffset` (never past its end); true when that completed it. */
  advance(partition: number, lastOffset: string): boolean {
    const range = this.#pending.get(partition);
    if (range === undefined) return false;
    const to = BigInt(range.to);
    const last = BigInt(lastOffset);
    this.#next.set(partition, String(last + 1n > to ? to : last + 1n));
    if (last + 1n < to) return false;
    this.#done.add(partition);
    this.#pending.delete(partition);
    return true;
  }

  summary(): ReadSummary {
    return {
      partitions: this.#ranges.map((r) => ({
        partition: r.partition,
        next: this.#next.get(r.partition) ?? r.from,
        to: r.to,
        complete: this.#done.has(r.partition) || BigInt(r.to) <= BigInt(r.from),
      })),
    };
  }
}

/**
 * How a read ends: every partition complete, a failed `onRecords` (rethrown by `wait`), or no
 * progress for `idleMs` (a gap at a partition's end), whichever comes first.
 */
export class ReadEnd {
  readonly #ended: Promise<void>;
  #resolve: () => void = () => {};
  #failure: unknown;
  #lastProgressMs = Date.now();

  constructor() {
    this.#ended = new Promise<void>((resolve) => {
      this.#resolve = resolve;
    });
  }

  finish(): void {
    this.#resolve();
  }

  fail(error: unknown): void {
    this.#failure = error;
    this.#resolve();
  }

  progressed(): void {
    this.#lastProgressMs = Date.now();
  }

  async wait(idleMs: number): Promise<void> {
    const idle = setInterval(() => {
      if (Date.now() - this.#lastProgressMs > idleMs) this.#resolve();
    }, 500);
    try {
      await this.#ended;
    } finally {
      clearInterval(idle);
    }
    if (this.#failure !== undefined) throw this.#failure;
  }
}
