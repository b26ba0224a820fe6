import type { Client } from "@opensearch-project/opensearch";
import { errorMessage } from "@wikistream/resilience";
import { OpenSearchRequestError } from "../errors.ts";

/**
 * Counts documents per id with `ids` queries on the read alias, `batch` ids a request, `_source:
 * false` and a filter_path, so each answer carries only `_id`s. Near real time: a document indexed
 * within the last refresh interval is not seen yet (verify re-checks the missing ones once).
 */
export class IdLookup {
  readonly #client: Client;
  readonly #index: string;
  readonly #batch: number;
  #requests = 0;

  constructor(client: Client, index: string, batch: number) {
    this.#client = client;
    this.#index = index;
    this.#batch = batch;
  }

  get requests(): number {
    return this.#requests;
  }

  async count(ids: readonly string[], into: Map<string, number>): Promise<void> {
    for (let i = 0; i < ids.length; i += this.#batch) {
      const values = ids.slice(i, i + this.#batch);
      // Twice the ids: room for an id stored in two indices, which is what verify looks for.
      const size = Math.min(values.length * 2, 10_000);
      let hits: { _id: string }[];
      try {
        this.#requests += 1;
        const response = await this.#client.search({
          index: this.#index,
          ignore_unavailable: true,
          allow_no_indices: true,
          filter_path: ["hits.hits._id"],
          body: { query: { ids: { values } }, _source: false, size, track_total_hits: false },
        });
        hits = (response.body as { hits?: { hits?: { _id: string }[] } }).hits?.hits ?? [];
      } catch (cause) {
        throw new OpenSearchRequestError(`ids query on ${this.#index} failed: ${errorMessage(cause)}`, {
          cause,
          context: { index: this.#index, ids: values.length },
        });
      }
      for (const id of values) into.set(id, into.get(id) ?? 0);
      for (const hit of hits) into.set(hit._id, (into.get(hit._id) ?? 0) + 1);
    }
  }
}
