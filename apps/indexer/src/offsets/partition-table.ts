import type { Logger } from "@wikistream/log";
import type { IndexerMetrics } from "../metrics.ts";
import { partitionKey, type TopicPartitionOffset } from "../record.ts";
import { fetchDecision } from "./backpressure.ts";
import type { PartitionControl, PartitionState, RecordRef } from "./partition-state.ts";
import { OffsetTracker } from "./tracker.ts";

export interface PartitionTableOptions {
  control: PartitionControl;
  metrics: IndexerMetrics;
  logger: Logger;
  /** Records after the committable offset (finished or not) at which a partition pauses. */
  maxUncommittedPerPartition: number;
}

/**
 * The partitions this member owns in the current generation: their commit trackers, backpressure
 * (pause while the uncommitted window is too large or anything waits for a retry) and lag.
 */
export class PartitionTable {
  readonly #options: PartitionTableOptions;
  readonly #log: Logger;
  readonly #states = new Map<string, PartitionState>();
  readonly #lags = new Map<string, number>();
  #progressWaiters: (() => void)[] = [];
  /** The pipeline holds more bytes than its budget: every partition pauses (see setOverBudget). */
  #overBudget = false;

  constructor(options: PartitionTableOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: "partitions" });
  }

  /** Whether `state` is the current generation's (not replaced by a rebalance since). */
  isCurrent(state: PartitionState): boolean {
    // A flag, not a look-up by key: this runs for every record, more than once.
    return state.current;
  }

  stateFor(topic: string, partition: number): PartitionState {
    const key = partitionKey(topic, partition);
    let state = this.#states.get(key);
    if (!state) {
      state = {
        topic,
        partition,
        tracker: new OffsetTracker(),
        current: true,
        awaitingRetry: 0,
        paused: false,
        committed: undefined,
        highWatermark: undefined,
        firstOffset: undefined,
      };
      this.#states.set(key, state);
    }
    return state;
  }

  get size(): number {
    return this.#states.size;
  }

  /** Records consumed and not yet finished, over every owned partition. */
  pending(): number {
    let total = 0;
    for (const state of this.#states.values()) total += state.tracker.unfinished;
    return total;
  }

  paused(): number {
    let total = 0;
    for (const state of this.#states.values()) if (state.paused) total += 1;
    return total;
  }

  lag(): number {
    return [...this.#lags.values()].reduce((sum, lag) => sum + lag, 0);
  }

  updateGauges(): void {
    this.#options.metrics.pending.set(this.pending());
    this.#options.metrics.pausedPartitions.set(this.paused());
  }

  /** Notes a fetched batch's high watermark for the lag. */
  fetched(state: PartitionState, firstOffset: bigint, highWatermark: bigint): void {
    state.highWatermark = highWatermark;
    state.firstOffset ??= firstOffset;
    this.#setLag(state);
    this.#regulate(state);
    this.updateGauges();
  }

  /** A record is done (indexed, dead-lettered or skipped); ignored for a previous generation. */
  finish(ref: RecordRef): void {
    if (!this.isCurrent(ref.state)) return;
    ref.state.tracker.finish(ref.offset);
    this.#regulate(ref.state);
    this.#notifyProgress();
  }

  /** Records done together (a bulk's indexed documents): as finish() for each, each partition regulated once. */
  finishAll(refs: readonly RecordRef[]): void {
    let last: PartitionState | undefined;
    let touched: Set<PartitionState> | undefined;
    for (const { state, offset } of refs) {
      if (!state.current) continue;
      state.tracker.finish(offset);
      if (state === last) continue;
      if (last !== undefined) {
        touched ??= new Set([last]);
        touched.add(state);
      }
      last = state;
    }
    if (touched !== undefined) for (const state of touched) this.#regulate(state);
    else if (last !== undefined) this.#regulate(last);
    this.#notifyProgress();
  }

  /** A record starts waiting out a retry delay: its partition pauses meanwhile. */
  holdForRetry(state: PartitionState): void {
    state.awaitingRetry += 1;
    this.#regulate(state);
  }

  /** A record's retry delay is over. */
  releaseFromRetry(state: PartitionState): void {
    state.awaitingRetry -= 1;
    this.#regulate(state);
  }

  /** The pipeline's bytes went over its budget (pause every partition) or back under it (resume). */
  setOverBudget(over: boolean): void {
    if (over === this.#overBudget) return;
    this.#overBudget = over;
    for (const state of this.#states.values()) this.#regulate(state);
  }

  /** A new generation: every state is replaced; work of the previous one no longer counts. */
  assign(assignment: Record<string, number[]>): void {
    const { control, metrics } = this.#options;
    const assigned = new Set<string>();
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) assigned.add(partitionKey(topic, partition));
    }
    for (const [key, state] of this.#states) {
      state.current = false;
      // kafkajs keeps a partition paused across rebalances, even one revoked now and assigned back
      // later: resume every partition we paused, so the new generation starts unpaused.
      if (state.paused) control.resume(state.topic, state.partition);
      if (!assigned.has(key)) {
        this.#lags.delete(key);
        // consumer_lag_records is the broker's (lag-monitor.ts), for every partition: not removed here.
        metrics.committedOffset.remove({ topic: state.topic, partition: String(state.partition) });
      }
    }
    this.#states.clear();
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) this.stateFor(topic, partition);
    }
    metrics.rebalances.inc();
    metrics.assignedPartitions.set(assigned.size);
    this.updateGauges();
    this.#notifyProgress();
  }

  /** Offsets that can be committed now: finished up to there and moved since the last commit. */
  committable(): TopicPartitionOffset[] {
    const offsets: TopicPartitionOffset[] = [];
    for (const state of this.#states.values()) {
      const offset = state.tracker.committable();
      if (offset !== undefined && (state.committed === undefined || offset > state.committed)) {
        offsets.push({ topic: state.topic, partition: state.partition, offset });
      }
    }
    return offsets;
  }

  markCommitted(offsets: readonly TopicPartitionOffset[]): void {
    for (const { topic, partition, offset } of offsets) {
      this.#options.metrics.committedOffset.set({ topic, partition: String(partition) }, Number(offset));
      const state = this.#states.get(partitionKey(topic, partition));
      if (!state) continue;
      if (state.committed === undefined || offset > state.committed) state.committed = offset;
      this.#setLag(state);
    }
  }

  /** Resolves at the next progress (a record finished, a reassignment) or after `ms`. */
  progress(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#progressWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  close(): void {
    this.#notifyProgress();
  }

  #notifyProgress(): void {
    const waiters = this.#progressWaiters;
    this.#progressWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Pauses or resumes the partition as fetchDecision() says; only for the current generation. */
  #regulate(state: PartitionState): void {
    if (!this.isCurrent(state)) return;
    const window = state.tracker.window;
    const decision = fetchDecision({
      paused: state.paused,
      window,
      awaitingRetry: state.awaitingRetry,
      maxWindow: this.#options.maxUncommittedPerPartition,
      overBudget: this.#overBudget,
    });
    if (decision === "keep") return;
    state.paused = decision === "pause";
    if (state.paused) this.#options.control.pause(state.topic, state.partition);
    else this.#options.control.resume(state.topic, state.partition);
    this.#log.debug(state.paused ? "partition paused" : "partition resumed", {
      topic: state.topic,
      partition: state.partition,
      pending: state.tracker.unfinished,
      window,
    });
  }

  /**
   * Records after the committed position (before the first commit: after the first record taken), for
   * /status until the broker's lag is read; frozen while paused, so the metric comes from lag-monitor.ts.
   */
  #setLag(state: PartitionState): void {
    const position = state.committed ?? state.firstOffset;
    if (state.highWatermark === undefined || position === undefined) return;
    const lag = Number(state.highWatermark > position ? state.highWatermark - position : 0n);
    this.#lags.set(partitionKey(state.topic, state.partition), lag);
  }
}
