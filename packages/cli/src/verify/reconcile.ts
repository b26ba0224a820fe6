/** One partition's records as verify reads them: meta.ids from the `wikistream-meta-id` header only. */
export interface PartitionIds {
  readonly topic: string;
  readonly partition: number;
  readonly from: string;
  readonly to: string;
  readonly records: number;
  /** Records without the header (not events of the contract); counted, never looked up. */
  readonly withoutId: number;
  readonly ids: ReadonlySet<string>;
}

export interface PartitionResult {
  readonly topic: string;
  readonly partition: number;
  readonly from: string;
  readonly to: string;
  readonly records: number;
  readonly withoutId: number;
  /** Distinct meta.ids among the records (a redelivered record counts once). */
  readonly ids: number;
  /** Distinct ids that have a document. */
  readonly documents: number;
  /** Ids with no document that were not dead-lettered either: lost. */
  readonly missing: readonly string[];
  /** Ids with no document that the indexer dead-lettered: accounted for, see `wikistream dlq`. */
  readonly deadLettered: number;
  /** Ids with more than one document (in two indices): should never happen, see indices.ts. */
  readonly unexpected: readonly string[];
}

export type VerifyOutcome = "match" | "mismatch";

/**
 * Compares the ids of each partition with the documents found (id → number of documents) and the ids
 * the DLQ holds for the topic. Pure.
 */
export function reconcile(
  partitions: readonly PartitionIds[],
  documents: ReadonlyMap<string, number>,
  deadLettered: ReadonlySet<string>,
): { outcome: VerifyOutcome; partitions: PartitionResult[] } {
  const results = partitions.map((p): PartitionResult => {
    const missing: string[] = [];
    const unexpected: string[] = [];
    let found = 0;
    let dead = 0;
    for (const id of p.ids) {
      const count = documents.get(id) ?? 0;
      if (count === 0) {
        if (deadLettered.has(id)) dead += 1;
        else missing.push(id);
      } else {
        found += 1;
        if (count > 1) unexpected.push(id);
      }
    }
    return {
      topic: p.topic,
      partition: p.partition,
      from: p.from,
      to: p.to,
      records: p.records,
      withoutId: p.withoutId,
      ids: p.ids.size,
      documents: found,
      missing,
      deadLettered: dead,
      unexpected,
    };
  });
  const bad = results.some((r) => r.missing.length > 0 || r.unexpected.length > 0);
  return { outcome: bad ? "mismatch" : "match", partitions: results };
}
