import type { Logger } from "@wikistream/log";
import type { IndexerMetrics } from "./metrics.ts";

/** The services whose credentials the indexer presents: a bounded metric label. */
export type CredentialTarget = "kafka" | "opensearch";

/** A service refusing the indexer's credentials now: why, and since when. */
export interface CredentialRefusal {
  /** kafka: authentication, authorization; opensearch: unauthorized (401), forbidden (403). */
  cause: string;
  since: string;
}

/**
 * Which service refuses the indexer's credentials at run time (a password rotated, an ACL removed, a
 * certificate no longer trusted). Nothing is dead-lettered for it: the work waits and is retried, and
 * an operator's fix lets it through without a restart. Meanwhile the indexer is not ready, `/status`
 * names the refusal, and `auth_failures_total{target,cause}` counts every refused attempt (the alert
 * reads it). The first refusal and the recovery are logged, not every retry.
 */
export class CredentialHealth {
  readonly #metrics: IndexerMetrics;
  readonly #log: Logger;
  readonly #refused = new Map<CredentialTarget, CredentialRefusal>();

  constructor(metrics: IndexerMetrics, logger: Logger) {
    this.#metrics = metrics;
    this.#log = logger.child({ component: "credentials" });
  }

  /** The refusals now, by target; undefined while every service accepts the credentials. */
  get refused(): Partial<Record<CredentialTarget, CredentialRefusal>> | undefined {
    return this.#refused.size === 0 ? undefined : Object.fromEntries(this.#refused);
  }

  refuse(target: CredentialTarget, cause: string, fix: string, error?: unknown): void {
    this.#metrics.authFailures.inc({ target, cause });
    const before = this.#refused.get(target);
    if (before?.cause === cause) return;
    this.#refused.set(target, { cause, since: new Date().toISOString() });
    this.#log.error(`${target} refuses the indexer's credentials (${cause}); not ready, retrying. ${fix}`, {
      target,
      cause,
      ...(error === undefined ? {} : { error }),
    });
  }

  accept(target: CredentialTarget): void {
    const before = this.#refused.get(target);
    if (before === undefined) return;
    this.#refused.delete(target);
    this.#log.info(`${target} accepts the indexer's credentials again`, { target, ...before });
  }
}
