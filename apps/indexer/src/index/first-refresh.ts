import type { Client } from "@opensearch-project/opensearch";
import type { Logger } from "@wikistream/log";
import { errorMessage } from "@wikistream/resilience";
import type { SendOutcome } from "../delivery/types.ts";

/** The indices of a send's items that OpenSearch took (every item of an `ok`, the others of a partial one). Pure. */
export function indicesWritten(batch: readonly { readonly index: string }[], outcome: SendOutcome): string[] {
  if (outcome.kind === "request_failed" || outcome.kind === "request_refused") return [];
  const failed = new Set<number>();
  if (outcome.kind === "partial_failure") {
    for (const { position } of outcome.rejections) failed.add(position);
    for (const { position } of outcome.retries) failed.add(position);
  }
  const indices = new Set<string>();
  batch.forEach((item, position) => {
    if (!failed.has(position)) indices.add(item.index);
  });
  return [...indices].sort();
}

export interface FirstWriteRefreshOptions {
  /** Refreshes these indices (one `_refresh` request for all of them). */
  refresh(indices: readonly string[]): Promise<void>;
  logger: Logger;
  /** Counts a refresh that failed (`errors_total{code}`). */
  onFailure?(error: unknown): void;
}

/**
 * One `_refresh` of each index right after the first send of this process that wrote into it: the
 * first documents are searchable at once instead of at the index's next refresh tick (up to
 * `refresh_interval`, 1 s, later; a new index's timer starts only at its creation). Bounded: an index
 * is refreshed once per process, whatever the outcome (a refused refresh is not repeated), so at most
 * one refresh per index the process writes to, never one per bulk. Not awaited by the sender: the
 * documents are acknowledged and their offsets committed as before.
 */
export class FirstWriteRefresh {
  readonly #options: FirstWriteRefreshOptions;
  /** Indices refreshed (or being refreshed) by this process. */
  readonly #seen = new Set<string>();
  #inFlight: Promise<void> = Promise.resolve();

  constructor(options: FirstWriteRefreshOptions) {
    this.#options = options;
  }

  /** Called with every send and its outcome; starts the refresh of indices written for the first time. */
  sent(batch: readonly { readonly index: string }[], outcome: SendOutcome): void {
    if (this.#seen.size > 0 && outcome.kind === "ok" && this.#allSeen(batch)) return;
    const fresh = indicesWritten(batch, outcome).filter((index) => !this.#seen.has(index));
    if (fresh.length === 0) return;
    for (const index of fresh) this.#seen.add(index);
    const started = performance.now();
    const done = this.#options.refresh(fresh).then(
      () =>
        this.#options.logger.info("first documents of the indices refreshed", {
          indices: fresh,
          ms: Math.round(performance.now() - started),
        }),
      (error: unknown) => {
        this.#options.onFailure?.(error);
        this.#options.logger.warn("refresh after the first write failed; the refresh interval applies", {
          indices: fresh,
          error: errorMessage(error),
        });
      },
    );
    this.#inFlight = Promise.all([this.#inFlight, done]).then(() => {});
  }

  /**
   * Resolves once every refresh started so far has finished. Tests wait on it; stopping does not, as a
   * refresh cut short by shutdown costs nothing but the wait for the index's next refresh tick.
   */
  settled(): Promise<void> {
    return this.#inFlight;
  }

  /** Fast path of the common case: every item of the batch goes to an index already refreshed. */
  #allSeen(batch: readonly { readonly index: string }[]): boolean {
    let last: string | undefined;
    for (const { index } of batch) {
      if (index === last) continue;
      if (!this.#seen.has(index)) return false;
      last = index;
    }
    return true;
  }
}

/** `POST <indices>/_refresh` over the indexer's OpenSearch client. */
export function refreshIndices(client: Client): (indices: readonly string[]) => Promise<void> {
  return async (indices) => {
    await client.indices.refresh({ index: indices.join(","), ignore_unavailable: true });
  };
}
