import type { OffsetTracker } from "./tracker.ts";

/** Stops and restarts fetching one partition (the consumer's pause/resume). */
export interface PartitionControl {
  pause(topic: string, partition: number): void;
  resume(topic: string, partition: number): void;
}

/** One owned partition in one group generation; replaced (never reused) on every rebalance. */
export interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  readonly tracker: OffsetTracker;
  /** True until a rebalance replaces this state (PartitionTable.assign): then its work no longer counts. */
  current: boolean;
  /** Records of this partition waiting out a retry delay. */
  awaitingRetry: number;
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
