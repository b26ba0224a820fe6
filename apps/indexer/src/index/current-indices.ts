import type { Client } from "@opensearch-project/opensearch";
import { errorMessage } from "@wikistream/resilience";
import { type IndexBucket, type IndexedStream, indexFor } from "./names.ts";

/** What creating one index at start did. */
export type IndexCreateOutcome =
  | { readonly index: string; readonly result: "created" | "exists" }
  | {
      readonly index: string;
      readonly result: "failed";
      readonly status: number | undefined;
      readonly reason: string;
    };

/**
 * The index each stream's records of `nowMs` go to: the live stream's bucket. Pure. Created at start
 * (while the consumer joins), so the first live records do not wait for an index creation and the
 * index's refresh timer already runs: they are searchable at its next tick, not refresh_interval after
 * a creation.
 */
export function currentIndices(
  prefix: string,
  streams: readonly IndexedStream[],
  bucket: IndexBucket,
  nowMs: number,
): string[] {
  return [...new Set(streams.map((stream) => indexFor(prefix, stream, nowMs, bucket)))].sort();
}

function failureOf(cause: unknown): { status: number | undefined; type: string | undefined } {
  const meta = (cause as { meta?: { statusCode?: unknown; body?: unknown } } | null)?.meta;
  const error = (meta?.body as { error?: { type?: unknown } } | undefined)?.error;
  return {
    status: typeof meta?.statusCode === "number" ? meta.statusCode : undefined,
    type: typeof error?.type === "string" ? error.type : undefined,
  };
}

/**
 * Creates the indices (their templates shape them), all at once; one that exists already is fine.
 * Never throws: a failure is returned for a warning, since the first bulk into that index creates it
 * anyway (or fails there with the usual retries).
 */
export function createIndices(client: Client, indices: readonly string[]): Promise<IndexCreateOutcome[]> {
  return Promise.all(
    indices.map(async (index): Promise<IndexCreateOutcome> => {
      try {
        await client.indices.create({ index });
        return { index, result: "created" };
      } catch (cause) {
        const { status, type } = failureOf(cause);
        if (type === "resource_already_exists_exception") return { index, result: "exists" };
        return {
          index,
          result: "failed",
          status,
          reason: `${type ? `${type}: ` : ""}${errorMessage(cause)}`,
        };
      }
    }),
  );
}
