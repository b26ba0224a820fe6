import { DeadLetterRefusedError } from "../errors.ts";
import type { IndexerMetrics } from "../metrics.ts";

/**
 * Whether the dead-letter topic takes letters. A send Kafka refused in a way resending cannot fix by
 * itself (authorization, INVALID_TIMESTAMP, …) blocks: the letters are still retried (an operator's
 * fix lets them through), but the indexer reports not ready and `dlq_blocked{code}` is 1 until a
 * send passes. A transient failure changes nothing here.
 */
export class DeadLetterHealth {
  readonly #metrics: IndexerMetrics;
  /** Kafka's error code of the refusal that blocks, while one does. */
  #blockedBy: string | undefined;

  constructor(metrics: IndexerMetrics) {
    this.#metrics = metrics;
  }

  get blockedBy(): string | undefined {
    return this.#blockedBy;
  }

  failed(error: unknown): void {
    if (!(error instanceof DeadLetterRefusedError)) return;
    const code = String(error.context.kafkaCode ?? "unknown");
    if (this.#blockedBy !== undefined && this.#blockedBy !== code) this.#clear();
    this.#blockedBy = code;
    this.#metrics.deadLetterBlocked.set({ code }, 1);
  }

  published(): void {
    if (this.#blockedBy !== undefined) this.#clear();
  }

  #clear(): void {
    this.#metrics.deadLetterBlocked.set({ code: this.#blockedBy ?? "unknown" }, 0);
    this.#blockedBy = undefined;
  }
}
