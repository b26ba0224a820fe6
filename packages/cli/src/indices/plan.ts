/** One index as `_cat/indices` reports it. */
export interface IndexInfo {
  readonly index: string;
  readonly docs: number;
  readonly bytes: number;
  readonly createdMs: number;
  readonly health: string;
  readonly status: string;
}

export interface Bucket {
  readonly family: string;
  /** The first instant the bucket holds, and the first it no longer does (UTC). */
  readonly startMs: number;
  readonly endMs: number;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The time bucket an index name says it holds (`<prefix>-<family>-2026`, `-2026.09`, `-2026.09.27`,
 * see apps/indexer/src/indices.ts), or undefined for any other name: such an index is never pruned.
 */
export function bucketOf(index: string, prefix: string): Bucket | undefined {
  const match = new RegExp(
    `^${escapeRegExp(prefix)}-([a-z0-9_]+)-(\\d{4})(?:\\.(\\d{2}))?(?:\\.(\\d{2}))?$`,
  ).exec(index);
  if (!match) return undefined;
  const [, family, y, m, d] = match;
  const year = Number(y);
  const month = m === undefined ? undefined : Number(m) - 1;
  const day = d === undefined ? undefined : Number(d);
  if (month !== undefined && (month < 0 || month > 11)) return undefined;
  if (day !== undefined && (day < 1 || day > 31)) return undefined;
  const startMs = Date.UTC(year, month ?? 0, day ?? 1);
  const endMs =
    day !== undefined
      ? Date.UTC(year, month!, day + 1)
      : month !== undefined
        ? Date.UTC(year, month + 1, 1)
        : Date.UTC(year + 1, 0, 1);
  return { family: family!, startMs, endMs };
}

export type PruneDecision =
  | { readonly index: IndexInfo; readonly action: "delete"; readonly ageMs: number }
  | {
      readonly index: IndexInfo;
      readonly action: "keep";
      readonly why: "recent" | "unrecognised_name";
      readonly ageMs?: number;
    };

/**
 * Age counts from the end of the bucket the name says: `…-2026.09` is 90 days old on 2026-12-30,
 * whenever it was created (a replay of last year's events creates an old month today, and it is old).
 * Pure.
 */
export function planPrune(
  indices: readonly IndexInfo[],
  prefix: string,
  olderThanMs: number,
  nowMs: number,
): PruneDecision[] {
  return [...indices]
    .sort((a, b) => a.index.localeCompare(b.index))
    .map((index): PruneDecision => {
      const bucket = bucketOf(index.index, prefix);
      if (bucket === undefined) return { index, action: "keep", why: "unrecognised_name" };
      const ageMs = nowMs - bucket.endMs;
      return ageMs > olderThanMs
        ? { index, action: "delete", ageMs }
        : { index, action: "keep", why: "recent", ageMs };
    });
}
