/** What OpenSearch holds for one run's indices, asked of one node that the test does not kill. */
export interface IndexedDoc {
  id: string;
  version: number;
}

async function call<T>(url: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, {
    ...init,
    headers: { "content-type": "application/json" },
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok)
    throw new Error(`${init.method ?? "GET"} ${url}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export class OpenSearchState {
  readonly #node: string;
  readonly #pattern: string;

  constructor(node: string, indexPrefix: string) {
    this.#node = node;
    this.#pattern = `${indexPrefix}-*`;
  }

  /** Searchable documents now (refreshed every second by the indexer's index settings). */
  async count(): Promise<number> {
    const body = await call<{ count: number }>(`${this.#node}/${this.#pattern}/_count?allow_no_indices=true`);
    return body.count;
  }

  /** Every document id with its version, read with a scroll after a refresh. */
  async documents(): Promise<IndexedDoc[]> {
    await call(`${this.#node}/${this.#pattern}/_refresh`, { method: "POST" });
    const docs: IndexedDoc[] = [];
    type Page = { _scroll_id: string; hits: { hits: { _id: string; _version: number }[] } };
    let page = await call<Page>(`${this.#node}/${this.#pattern}/_search?scroll=1m`, {
      method: "POST",
      body: JSON.stringify({ size: 5000, version: true, _source: false, sort: ["_doc"] }),
    });
    while (page.hits.hits.length > 0) {
      for (const hit of page.hits.hits) docs.push({ id: hit._id, version: hit._version });
      page = await call<Page>(`${this.#node}/_search/scroll`, {
        method: "POST",
        body: JSON.stringify({ scroll: "1m", scroll_id: page._scroll_id }),
      });
    }
    await call(`${this.#node}/_search/scroll`, {
      method: "DELETE",
      body: JSON.stringify({ scroll_id: page._scroll_id }),
    });
    return docs;
  }

  /** Primary and replica shards of the run's indices per node name. */
  async shardsByNode(): Promise<Map<string, { primaries: number; replicas: number }>> {
    const shards = await call<{ node: string | null; prirep: string }[]>(
      `${this.#node}/_cat/shards/${this.#pattern}?format=json&h=node,prirep`,
    );
    const byNode = new Map<string, { primaries: number; replicas: number }>();
    for (const { node, prirep } of shards) {
      if (node === null) continue;
      const entry = byNode.get(node) ?? { primaries: 0, replicas: 0 };
      if (prirep === "p") entry.primaries++;
      else entry.replicas++;
      byNode.set(node, entry);
    }
    return byNode;
  }

  async health(): Promise<{ status: string; nodes: number; unassigned: number }> {
    const body = await call<{ status: string; number_of_nodes: number; unassigned_shards: number }>(
      `${this.#node}/_cluster/health/${this.#pattern}`,
    );
    return { status: body.status, nodes: body.number_of_nodes, unassigned: body.unassigned_shards };
  }

  async deleteIndices(): Promise<void> {
    await call(`${this.#node}/${this.#pattern}`, { method: "DELETE" });
  }
}
