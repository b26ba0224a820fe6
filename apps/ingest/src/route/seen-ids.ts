/**
 * Ids (meta.id of events, frame ids of dead letters) that must not be published again: those found
 * in Kafka's tail at start (what a resume re-reads) and the most recent ones this process took (what
 * a reconnect re-reads after rewinding a timestamp id). Bounded: the overlap is a batch or two.
 */
export class SeenIds {
  readonly #fromKafka: ReadonlySet<string>;
  readonly #recent = new Set<string>();
  readonly #capacity: number;

  constructor(fromKafka: ReadonlySet<string>, capacity = 10_000) {
    this.#fromKafka = fromKafka;
    this.#capacity = capacity;
  }

  has(id: string): boolean {
    return this.#fromKafka.has(id) || this.#recent.has(id);
  }

  add(id: string): void {
    this.#recent.add(id);
    // A Set iterates in insertion order, so the first value is the oldest.
    if (this.#recent.size > this.#capacity) this.#recent.delete(this.#recent.values().next().value as string);
  }
}
