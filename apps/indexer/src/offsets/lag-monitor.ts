import type { Logger } from "@wikistream/log";
import type { Admin, Kafka } from "kafkajs";
import { errorCode, LagFetchError } from "../errors.ts";
import type { IndexerMetrics } from "../metrics.ts";
import { partitionKey } from "../record.ts";

export interface LagMonitorOptions {
  kafka: Kafka;
  groupId: string;
  topics: readonly string[];
  intervalMs: number;
  metrics: IndexerMetrics;
  logger: Logger;
}

/** One partition's numbers as the broker has them (offsets as kafkajs gives them, strings). */
export interface PartitionOffsets {
  readonly high: string;
  readonly low: string;
  /** The group's committed offset, "-1" when it has none. */
  readonly committed: string;
}

/**
 * Records of a partition the group has not committed yet: high watermark − committed offset; with
 * nothing committed, everything Kafka still holds (a new group starts at the oldest record). Pure.
 */
export function lagOf({ high, low, committed }: PartitionOffsets): number {
  const end = BigInt(high);
  const position = BigInt(committed) < 0n ? BigInt(low) : BigInt(committed);
  return Number(end > position ? end - position : 0n);
}

/**
 * The consumer lag as the broker sees it: every `intervalMs` the group's committed offsets against
 * the partitions' high watermarks (admin fetchOffsets / fetchTopicOffsets). It keeps moving while
 * partitions are paused (an OpenSearch outage, a write block), when a lag computed from fetched
 * batches would freeze and the lag alerts could not fire. Every replica reports every partition of
 * the group (the alerts take the max per partition), so a partition whose owner died still shows.
 */
export class LagMonitor {
  readonly #options: LagMonitorOptions;
  readonly #log: Logger;
  readonly #lags = new Map<string, number>();
  #admin: Admin | undefined;
  #connected = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #checking: Promise<void> | undefined;
  #stopped = false;

  constructor(options: LagMonitorOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: "lag" });
  }

  /** Reads the lag now and then every `intervalMs`, until stop(). */
  start(): void {
    if (this.#stopped || this.#timer !== undefined || this.#checking) return;
    this.#tick();
  }

  /** The group's lag over every partition of the topics, once read; undefined before. */
  total(): number | undefined {
    if (this.#lags.size === 0) return undefined;
    let sum = 0;
    for (const lag of this.#lags.values()) sum += lag;
    return sum;
  }

  /** One reading: sets `consumer_lag_records{topic,partition}`; a failure is counted and logged, never thrown. */
  async check(): Promise<void> {
    const { metrics, topics, groupId } = this.#options;
    try {
      const admin = await this.#connectedAdmin();
      const committed = new Map<string, string>();
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics: [...topics] })) {
        for (const { partition, offset } of partitions) committed.set(partitionKey(topic, partition), offset);
      }
      for (const topic of topics) {
        for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
          const key = partitionKey(topic, partition);
          const lag = lagOf({ high, low, committed: committed.get(key) ?? "-1" });
          this.#lags.set(key, lag);
          metrics.lag.set({ topic, partition: String(partition) }, lag);
        }
      }
    } catch (cause) {
      const error = new LagFetchError(`reading consumer lag of group ${groupId} failed`, {
        cause,
        context: { kafkaCode: errorCode(cause) },
      });
      metrics.errors.inc({ code: error.code });
      this.#log.warn("consumer lag not read; trying again", { error, topics });
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    // A reading in flight while Kafka is away could take kafkajs' whole retry time: wait only briefly.
    if (this.#checking)
      await Promise.race([this.#checking, new Promise((resolve) => setTimeout(resolve, 2000))]);
    if (this.#connected) {
      this.#connected = false;
      await this.#admin
        ?.disconnect()
        .catch((error: unknown) => this.#log.warn("admin disconnect failed", { error }));
    }
  }

  #tick(): void {
    this.#timer = undefined;
    this.#checking = this.check().finally(() => {
      this.#checking = undefined;
      if (!this.#stopped) this.#timer = setTimeout(() => this.#tick(), this.#options.intervalMs);
    });
  }

  async #connectedAdmin(): Promise<Admin> {
    this.#admin ??= this.#options.kafka.admin();
    if (!this.#connected) {
      await this.#admin.connect();
      this.#connected = true;
    }
    return this.#admin;
  }
}
