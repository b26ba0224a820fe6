import { bytesOf, type Deliverable } from "./types.ts";

/**
 * Items waiting out a retry delay, each group on its own timer, and the bytes they hold (part of what
 * the pipeline bounds fetching by). Closing drops them: they were not committed, Kafka re-delivers.
 */
export class RetryHold<T extends Deliverable> {
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #bytes = 0;
  #closed = false;

  get bytes(): number {
    return this.#bytes;
  }

  /** Holds `items` for `delayMs`, then hands them to `due` (never after close). */
  hold(items: readonly T[], delayMs: number, due: (items: readonly T[]) => void): void {
    const bytes = bytesOf(items);
    this.#bytes += bytes;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#bytes -= bytes;
      if (this.#closed) return;
      due(items);
    }, delayMs);
    this.#timers.add(timer);
  }

  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#bytes = 0;
  }
}
