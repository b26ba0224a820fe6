import type { IndexedDoc } from "./opensearch-state.ts";

/** What a run's documents say against the meta.ids that were replayed. */
export interface Verdict {
  expected: number;
  documents: number;
  /** Replayed ids with no document. */
  missing: number;
  /** A few of them, for the failure message. */
  missingSample: string[];
  /** Documents whose id was never replayed. */
  unexpected: number;
  /** Ids with more than one document (in different indices). */
  duplicates: number;
  /** Documents written more than once (same id, version > 1): redelivery that the id made harmless. */
  rewritten: number;
}

export function judge(expected: ReadonlySet<string>, docs: readonly IndexedDoc[]): Verdict {
  const seen = new Map<string, number>();
  for (const { id } of docs) seen.set(id, (seen.get(id) ?? 0) + 1);
  const absent = [...expected].filter((id) => !seen.has(id));
  let unexpected = 0;
  let duplicates = 0;
  for (const [id, copies] of seen) {
    if (!expected.has(id)) unexpected++;
    if (copies > 1) duplicates++;
  }
  return {
    expected: expected.size,
    documents: docs.length,
    missing: absent.length,
    missingSample: absent.slice(0, 5),
    unexpected,
    duplicates,
    rewritten: docs.filter((d) => d.version > 1).length,
  };
}
