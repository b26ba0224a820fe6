import type { Logger } from "@wikistream/log";
import { OffsetCommitError } from "../errors.ts";
import type { IndexerMetrics } from "../metrics.ts";
import type { TopicPartitionOffset } from "../record.ts";

export interface CommitterOptions {
  /** The consumer: whether it is in the group and fetching, and its explicit-offset commit. */
  consumer: { readonly consuming: boolean; commit(offsets: readonly TopicPartitionOffset[]): Promise<void> };
  /** What is finished (the pipeline's partition table). */
  offsets: {
    committable(): TopicPartitionOffset[];
    markCommitted(offsets: readonly TopicPartitionOffset[]): void;
  };
  metrics: IndexerMetrics;
  logger: Logger;
}

/**
 * Commits finished offsets: on a timer, on rebalance and at shutdown, one commit at a time. A failed
 * commit is counted and logged, never thrown: the records are re-delivered and rewrite the same documents.
 */
export class Committer {
  readonly #options: CommitterOptions;
  #committing: Promise<void> | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #lastCommitAt: string | undefined;

  constructor(options: CommitterOptions) {
    this.#options = options;
  }

  get lastCommitAt(): string | undefined {
    return this.#lastCommitAt;
  }

  /** One commit at a time; a caller arriving during one waits for it and then commits again. */
  commitNow(): Promise<void> {
    const run = (this.#committing ?? Promise.resolve()).then(() => this.#commitOnce());
    this.#committing = run.finally(() => {
      if (this.#committing === run) this.#committing = undefined;
    });
    return run;
  }

  every(intervalMs: number): void {
    this.#timer = setInterval(() => void this.commitNow(), intervalMs);
  }

  stopTimer(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
  }

  async #commitOnce(): Promise<void> {
    const { consumer, offsets: table, metrics, logger: log } = this.#options;
    const offsets = table.committable();
    if (offsets.length === 0) return;
    if (!consumer.consuming) {
      // Crashed (kafkajs disconnected; it may rejoin) or stopped: kafkajs would drop the commit silently.
      metrics.commits.inc({ result: "skipped" });
      log.debug("commit skipped: consumer not running", { offsets: offsets.length });
      return;
    }
    try {
      await consumer.commit(offsets);
      if (!consumer.consuming) {
        throw new Error("consumer stopped during the commit; it may not have been applied");
      }
      table.markCommitted(offsets);
      metrics.commits.inc({ result: "ok" });
      this.#lastCommitAt = new Date().toISOString();
      log.debug("committed", { offsets: offsets.map((o) => `${o.topic}/${o.partition}@${o.offset}`) });
    } catch (cause) {
      // Typically a rebalance in progress: the records are re-delivered and rewrite the same documents.
      const error = new OffsetCommitError("offset commit failed", { cause });
      metrics.commits.inc({ result: "failed" });
      metrics.errors.inc({ code: error.code });
      log.warn("offset commit failed", { error: cause });
    }
  }
}
