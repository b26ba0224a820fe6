/**
 * Ids (meta.id of events, frame ids of dead letters) that must not be published again: those found
 * in Kafka's tail at start (what a resume re-reads) and the most recent ones this process took (what
 * a reconnect re-reads after rewinding a timestamp id). Bounded: the overlap is a batch or two.
 */
export function createSeenIds(fromKafka: ReadonlySet<string>, capacity = 10_000) {
  const recent = new Set<string>();
  return {
    has(id: string): boolean {
      return fromKafka.has(id) || recent.has(id);
    },
    add(id: string): void {
      recent.add(id);
      // A Set iterates in insertion order, so the first value is the oldest.
      if (recent.size > capacity) recent.delete(recent.values().next().value as string);
    },
  };
}

export type SeenIds = ReturnType<typeof createSeenIds>;
