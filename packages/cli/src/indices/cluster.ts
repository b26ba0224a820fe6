import type { Client } from "@opensearch-project/opensearch";
import { errorMessage } from "@wikistream/resilience";
import { OpenSearchRequestError } from "../errors.ts";
import type { IndexInfo } from "./plan.ts";

const statusOf = (error: unknown) => (error as { meta?: { statusCode?: number } }).meta?.statusCode;

async function call<T>(what: string, context: Record<string, unknown>, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (cause) {
    throw new OpenSearchRequestError(`${what} failed: ${errorMessage(cause)}`, { cause, context });
  }
}

/** The indices matching `<prefix>-*` (aliases excluded: _cat/indices lists indices only). */
export async function listIndices(client: Client, prefix: string): Promise<IndexInfo[]> {
  const rows = await call("_cat/indices", { prefix }, async () => {
    const response = await client.cat.indices({
      index: `${prefix}-*`,
      format: "json",
      bytes: "b",
      h: ["index", "docs.count", "store.size", "creation.date", "health", "status"],
      expand_wildcards: "all",
    });
    return response.body as unknown as Record<string, string | null>[];
  });
  return rows.map((row) => ({
    index: String(row.index),
    docs: Number(row["docs.count"] ?? 0),
    bytes: Number(row["store.size"] ?? 0),
    createdMs: Number(row["creation.date"] ?? 0),
    health: String(row.health ?? ""),
    status: String(row.status ?? ""),
  }));
}

/** By exact name, one at a time: no wildcard ever reaches a DELETE. */
export async function deleteIndex(client: Client, index: string): Promise<void> {
  await call(`DELETE ${index}`, { index }, () => client.indices.delete({ index }));
}

/** Whether the cluster has the Index State Management plugin (`_plugins/_ism` answers). */
export async function hasIsm(client: Client): Promise<boolean> {
  try {
    await client.transport.request({
      method: "GET",
      path: "/_plugins/_ism/policies",
      querystring: { size: 1 },
    });
    return true;
  } catch (error) {
    const status = statusOf(error);
    // Without the plugin the path has no handler: 400 "no handler found for uri" (or 404 via a proxy).
    if (status === 400 || status === 404) return false;
    throw new OpenSearchRequestError(`GET _plugins/_ism/policies failed: ${errorMessage(error)}`, {
      cause: error,
    });
  }
}

/** Creates or updates the policy, then attaches it to the existing indices that have none. */
export async function applyPolicy(
  client: Client,
  id: string,
  body: Record<string, unknown>,
  pattern: string,
): Promise<{ updated: boolean; attached: number }> {
  const path = `/_plugins/_ism/policies/${encodeURIComponent(id)}`;
  let existing: { _seq_no: number; _primary_term: number } | undefined;
  try {
    existing = (await client.transport.request({ method: "GET", path })).body as typeof existing;
  } catch (error) {
    if (statusOf(error) !== 404)
      throw new OpenSearchRequestError(`GET ${path} failed: ${errorMessage(error)}`, { cause: error });
  }
  const querystring = existing
    ? { if_seq_no: existing._seq_no, if_primary_term: existing._primary_term }
    : {};
  await call(`PUT ${path}`, { id }, () =>
    client.transport.request({ method: "PUT", path, body, querystring }),
  );
  const added = await call(`POST _plugins/_ism/add/${pattern}`, { pattern }, () =>
    client.transport.request({
      method: "POST",
      path: `/_plugins/_ism/add/${pattern}`,
      body: { policy_id: id },
    }),
  );
  return {
    updated: existing !== undefined,
    attached: Number((added.body as { updated_indices?: number }).updated_indices ?? 0),
  };
}
