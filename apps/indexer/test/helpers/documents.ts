import type { Client } from "@opensearch-project/opensearch";

/** How many documents carry each meta.id across all of the prefix's indices (exact, paged). */
export async function documentCounts(client: Client, indexPrefix: string): Promise<Map<string, number>> {
  await client.indices.refresh({ index: `${indexPrefix}-*`, allow_no_indices: true });
  const counts = new Map<string, number>();
  let after: Record<string, string> | undefined;
  while (true) {
    const response = await client.search({
      index: `${indexPrefix}-*`,
      body: {
        size: 0,
        aggs: {
          ids: {
            composite: {
              size: 5000,
              sources: [{ id: { terms: { field: "meta.id" } } }],
              ...(after ? { after } : {}),
            },
          },
        },
      },
    });
    const agg = (
      response.body.aggregations as {
        ids: { buckets: { key: { id: string }; doc_count: number }[]; after_key?: Record<string, string> };
      }
    ).ids;
    for (const bucket of agg.buckets) counts.set(bucket.key.id, bucket.doc_count);
    if (!agg.after_key || agg.buckets.length === 0) return counts;
    after = agg.after_key;
  }
}

/** Total documents in the prefix's indices. */
export async function documentTotal(client: Client, indexPrefix: string): Promise<number> {
  await client.indices.refresh({ index: `${indexPrefix}-*`, allow_no_indices: true });
  const response = await client.count({ index: `${indexPrefix}-*`, allow_no_indices: true });
  return response.body.count;
}

/** Asserts-friendly summary: the ids that are missing, duplicated or unexpected. */
export function compareIds(expected: Iterable<string>, counts: Map<string, number>) {
  const want = new Set(expected);
  const missing = [...want].filter((id) => !counts.has(id));
  const duplicated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  const unexpected = [...counts.keys()].filter((id) => !want.has(id));
  return {
    expected: want.size,
    documents: [...counts.values()].reduce((a, b) => a + b, 0),
    missing,
    duplicated,
    unexpected,
  };
}
