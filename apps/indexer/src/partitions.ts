import type { Logger } from "@wikistream/log";
import type { IndexerMetrics } from "./metrics.ts";
import { OffsetTracker } from "./offsets.ts";
import { partitionKey } from "./record.ts";
import type { TopicPartitionOffset } from "./source.ts";

export interface PartitionControl {
  pause(topic: string, partition: number): void;
  resume(topic: string, partition: number): void;
}

/** One owned partition in one group generation; replaced (never reused) on every rebalance. */
export interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  readonly tracker: OffsetTracker;
  /** Records of this partition waiting for a retry. */
  retrying: number;
  paused: boolean;
  committed: bigint | undefined;
  highWatermark: bigint | undefined;
  /** First offset taken in this generation: where the group's committed position was. */
  firstOffset: bigint | undefined;
}

/** A consumed record, by the partition state (generation) it belongs to and its offset. */
export interface RecordRef {
  readonly state: PartitionState;
  readonly offset: bigint;
}

export interface PartitionsOptions {
  control: PartitionControl;
  metrics: IndexerMetrics;
  logger: Logger;
  maxPendingPerPartition: number;
}

export type Partitions = ReturnType<typeof createPartitions>;

/**
 * The partitions this member owns in the current generation: their commit trackers, backpressure
 * (pause while the uncommitted window is too large or anything waits for a retry) and lag.
 */
export function createPartitions(options: PartitionsOptions) {
  const { metrics, control } = options;
  const log = options.logger.child({ component: "partitions" });
  const states = new Map<string, PartitionState>();
  const lags = new Map<string, number>();
  let progressWaiters: (() => void)[] = [];

  const isCurrent = (state: PartitionState) =>
    states.get(partitionKey(state.topic, state.partition)) === state;

  function notifyProgress(): void {
    const waiters = progressWaiters;
    progressWaiters = [];
    for (const resolve of waiters) resolve();
  }

  function pending(): number {
    let total = 0;
    for (const state of states.values()) total += state.tracker.pending;
    return total;
  }

  function paused(): number {
    let total = 0;
    for (const state of states.values()) if (state.paused) total += 1;
    return total;
  }

  /**
   * Pause while the uncommitted window (records after the committable point, finished or not) reaches
   * the limit or anything waits for a retry; resume at or below half the limit. Counting only
   * unfinished records would never pause behind one stuck record (say, a dead letter Kafka refuses)
   * while the tracker grows without bound and nothing commits.
   */
  function regulate(state: PartitionState): void {
    if (!isCurrent(state)) return;
    const limit = options.maxPendingPerPartition;
    const window = state.tracker.window;
    if (!state.paused && (window >= limit || state.retrying > 0)) {
      state.paused = true;
      control.pause(state.topic, state.partition);
      log.debug("partition paused", {
        topic: state.topic,
        partition: state.partition,
        pending: state.tracker.pending,
        window,
      });
    } else if (state.paused && state.retrying === 0 && window <= Math.floor(limit / 2)) {
      state.paused = false;
      control.resume(state.topic, state.partition);
      log.debug("partition resumed", {
        topic: state.topic,
        partition: state.partition,
        pending: state.tracker.pending,
        window,
      });
    }
  }

  /** Records after the committed position (before the first commit: after the first record taken). */
  function setLag(state: PartitionState): void {
    const position = state.committed ?? state.firstOffset;
    if (state.highWatermark === undefined || position === undefined) return;
    const lag = Number(state.highWatermark > position ? state.highWatermark - position : 0n);
    metrics.lag.set({ topic: state.topic, partition: String(state.partition) }, lag);
    lags.set(partitionKey(state.topic, state.partition), lag);
  }

  function stateFor(topic: string, partition: number): PartitionState {
    const key = partitionKey(topic, partition);
    let state = states.get(key);
    if (!state) {
      state = {
        topic,
        partition,
        tracker: new OffsetTracker(),
        retrying: 0,
        paused: false,
        committed: undefined,
        highWatermark: undefined,
        firstOffset: undefined,
      };
      states.set(key, state);
    }
    return state;
  }

  function updateGauges(): void {
    metrics.pending.set(pending());
    metrics.pausedPartitions.set(paused());
  }

  return {
    isCurrent,
    stateFor,
    regulate,
    pending,
    paused,
    updateGauges,
    get size() {
      return states.size;
    },
    lag: () => [...lags.values()].reduce((sum, lag) => sum + lag, 0),

    /** Notes a fetched batch's high watermark for the lag. */
    fetched(state: PartitionState, firstOffset: bigint, highWatermark: bigint): void {
      state.highWatermark = highWatermark;
      state.firstOffset ??= firstOffset;
      setLag(state);
      regulate(state);
      updateGauges();
    },

    /** A record is done (indexed, dead-lettered or skipped); ignored for a previous generation. */
    finish(ref: RecordRef): void {
      if (!isCurrent(ref.state)) return;
      ref.state.tracker.finish(ref.offset);
      regulate(ref.state);
      notifyProgress();
    },

    /** Records enter (+n) or leave (-n) a retry wait; the partition pauses meanwhile. */
    retrying(state: PartitionState, delta: number): void {
      state.retrying += delta;
      regulate(state);
    },

    /** A new generation: every state is replaced; work of the previous one no longer counts. */
    assign(assignment: Record<string, number[]>): void {
      const assigned = new Set<string>();
      for (const [topic, partitions] of Object.entries(assignment)) {
        for (const partition of partitions) assigned.add(partitionKey(topic, partition));
      }
      for (const [key, state] of states) {
        // kafkajs keeps a partition paused across rebalances, even one revoked now and assigned back
        // later: resume every partition we paused, so the new generation starts unpaused.
        if (state.paused) control.resume(state.topic, state.partition);
        if (!assigned.has(key)) {
          lags.delete(key);
          metrics.lag.remove({ topic: state.topic, partition: String(state.partition) });
          metrics.committedOffset.remove({ topic: state.topic, partition: String(state.partition) });
        }
      }
      states.clear();
      for (const [topic, partitions] of Object.entries(assignment)) {
        for (const partition of partitions) stateFor(topic, partition);
      }
      metrics.rebalances.inc();
      metrics.assignedPartitions.set(assigned.size);
      updateGauges();
      notifyProgress();
    },

    /** Offsets that can be committed now: finished up to there and moved since the last commit. */
    committable(): TopicPartitionOffset[] {
      const offsets: TopicPartitionOffset[] = [];
      for (const state of states.values()) {
        const offset = state.tracker.committable();
        if (offset !== undefined && (state.committed === undefined || offset > state.committed)) {
          offsets.push({ topic: state.topic, partition: state.partition, offset });
        }
      }
      return offsets;
    },

    markCommitted(offsets: readonly TopicPartitionOffset[]): void {
      for (const { topic, partition, offset } of offsets) {
        metrics.committedOffset.set({ topic, partition: String(partition) }, Number(offset));
        const state = states.get(partitionKey(topic, partition));
        if (!state) continue;
        if (state.committed === undefined || offset > state.committed) state.committed = offset;
        setLag(state);
      }
    },

    /** Resolves at the next progress (a record finished, a reassignment) or after `ms`. */
    progress(ms: number): Promise<void> {
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        progressWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },

    close(): void {
      notifyProgress();
    },
  };
}
