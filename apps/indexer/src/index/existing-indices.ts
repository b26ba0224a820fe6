import type { Client } from "@opensearch-project/opensearch";
import { errorMessage } from "@wikistream/resilience";
import { IndexSettingsError, IndexTemplateError } from "../errors.ts";
import { type IndexedStream, indexedStreams, indexPattern } from "./names.ts";

/** What applying the refresh interval did to one existing index. */
export type IndexSettingsOutcome =
  | { readonly index: string; readonly result: "updated" }
  | { readonly index: string; readonly result: "failed"; readonly error: IndexSettingsError };

type SettingsAnswer = Record<string, { settings?: { index?: { refresh_interval?: unknown } } }>;

/** The indices whose refresh_interval is not `wanted` yet (an index without one has the default). Pure. */
export function indicesToUpdate(current: SettingsAnswer, wanted: string): string[] {
  return Object.entries(current)
    .filter(([, entry]) => entry.settings?.index?.refresh_interval !== wanted)
    .map(([index]) => index)
    .sort();
}

function failure(cause: unknown): { status: number | undefined; type: string | undefined; reason: string } {
  const meta = (cause as { meta?: { statusCode?: unknown; body?: unknown } } | null)?.meta;
  const error = (meta?.body as { error?: { type?: unknown; reason?: unknown } } | undefined)?.error;
  return {
    status: typeof meta?.statusCode === "number" ? meta.statusCode : undefined,
    type: typeof error?.type === "string" ? error.type : undefined,
    reason: typeof error?.reason === "string" ? error.reason : errorMessage(cause),
  };
}

/**
 * Applies the refresh interval to the streams' existing open indices, one index at a time, since
 * templates only shape indices created after them. One unhealthy index (read-only after a full disk,
 * blocked by an operator) must not stop start-up: its failure is returned for a warning, and the
 * others are still updated. Only reading the current settings throws (IndexTemplateError, retryable
 * when OpenSearch was unreachable or answered 429/5xx), as the template install does.
 */
export async function applyRefreshInterval(
  client: Client,
  options: { prefix: string; refreshInterval: string },
): Promise<IndexSettingsOutcome[]> {
  const patterns = (Object.keys(indexedStreams) as IndexedStream[]).map((s) =>
    indexPattern(options.prefix, s),
  );
  let current: SettingsAnswer;
  try {
    const response = await client.indices.getSettings({
      index: patterns.join(","),
      name: "index.refresh_interval",
      allow_no_indices: true,
      expand_wildcards: "open",
    });
    current = (response.body ?? {}) as SettingsAnswer;
  } catch (cause) {
    const { status } = failure(cause);
    const retryable = status === undefined || status === 429 || status >= 500;
    throw new IndexTemplateError(
      `reading refresh_interval of existing indices failed${status ? ` with HTTP ${status}` : ""}`,
      retryable,
      { cause, context: { status } },
    );
  }
  const outcomes: IndexSettingsOutcome[] = [];
  for (const index of indicesToUpdate(current, options.refreshInterval)) {
    try {
      await client.indices.putSettings({
        index,
        body: { index: { refresh_interval: options.refreshInterval } },
      });
      outcomes.push({ index, result: "updated" });
    } catch (cause) {
      const { status, type, reason } = failure(cause);
      const message = `refresh_interval not applied to index ${index}: ${status ? `HTTP ${status} ` : ""}${type ? `${type}: ` : ""}${reason}`;
      const error = new IndexSettingsError(message, { cause, context: { index, status, type } });
      outcomes.push({ index, result: "failed", error });
    }
  }
  return outcomes;
}
