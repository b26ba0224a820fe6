/**
 * Ids (meta.id of events, frame ids of dead letters) that must not be published again: those found
 * in Kafka's tail at start (what a resume re-reads) and the most recent ones this process took (what
 * a reconnect re-reads after rewinding a timestamp id). Bounded: the overlap is a batch or two.
 */
export class SeenIds {
  readonly #fromKafka: ReadonlySet<string>;
  readonly #recent = new Set<string>();
  /** The recent ids in a ring, oldest at #next once it is full: forgetting one is O(1). */
  readonly #ring: (string | undefined)[];
  #next = 0;

  constructor(fromKafka: ReadonlySet<string>, capacity = 10_000) {
    this.#fromKafka = fromKafka;
    this.#ring = new Array<string | undefined>(capacity).fill(undefined);
  }

  has(id: string): boolean {
    return this.#fromKafka.has(id) || this.#recent.has(id);
  }

  add(id: string): void {
    if (this.#recent.has(id)) return;
    // Not `values().next()` on the Set: after many deletes at its front V8 walks every deleted entry.
    const oldest = this.#ring[this.#next];
    if (oldest !== undefined) this.#recent.delete(oldest);
    this.#ring[this.#next] = id;
    this.#recent.add(id);
    this.#next = (this.#next + 1) % this.#ring.length;
  }
}
