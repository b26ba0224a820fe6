import type { Logger } from "@wikistream/log";
import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from "kafkajs";
import type { ConsumedRecord, TopicPartitionOffset } from "./record.ts";

export type { TopicPartitionOffset } from "./record.ts";

export interface SourceHandlers {
  /** One partition's fetched records, in offset order. Synchronous: it only enqueues. */
  onRecords(topic: string, partition: number, records: ConsumedRecord[], highWatermark: bigint): void;
  /** The group was (re)joined with this assignment; earlier in-memory work is void. */
  onAssignment(assignment: Record<string, number[]>): void;
  /** A rebalance started: flush and commit what is acknowledged while this member still owns it. */
  onRebalancing(): void;
  /** A fetch succeeded: Kafka accepts the credentials and the ACLs to read (a join alone does not say so). */
  onFetched?(): void;
  /**
   * The consumer crashed; kafkajs already disconnected it. With `restart` it rejoins by itself (a new
   * GROUP_JOIN follows); without, it gave up for good.
   */
  onCrash(error: Error, restart: boolean): void;
}

export interface SourceOptions {
  kafka: Kafka;
  groupId: string;
  topics: readonly string[];
  fromBeginning: boolean;
  sessionTimeoutMs: number;
  maxBytesPerPartition: number;
  maxWaitTimeMs: number;
  logger: Logger;
  /** Runs a start-up step, waiting out a settling cluster (see untilClusterSettles). */
  settle?: <T>(what: string, step: () => Promise<T>) => Promise<T>;
}

export interface Source {
  start(handlers: SourceHandlers): Promise<void>;
  /** Connects and runs again after a crash kafkajs does not restart from (credentials refused). */
  restart(): Promise<void>;
  pause(topic: string, partition: number): void;
  resume(topic: string, partition: number): void;
  /** Stops fetching every subscribed topic (for draining). */
  pauseAll(): void;
  /**
   * Whether the consumer is in a group and fetching (GROUP_JOIN seen, no CRASH/STOP since). While it
   * is not, pause/resume/pauseAll do nothing and commit throws: kafkajs would throw or drop them.
   */
  readonly consuming: boolean;
  /** Commits explicit offsets (never kafkajs' own resolved offsets); throws while not consuming. */
  commit(offsets: readonly TopicPartitionOffset[]): Promise<void>;
  /** Resolves when no eachBatch call is running. */
  idle(): Promise<void>;
  /** Leaves the group and disconnects. */
  stop(): Promise<void>;
}

function headerText(value: IHeaders[string]): string | undefined {
  if (value === undefined) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  return typeof first === "string" ? first : first.toString("utf8");
}

export function toConsumedRecord(topic: string, partition: number, message: KafkaMessage): ConsumedRecord {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const text = headerText(value);
    if (text !== undefined) headers[name] = text;
  }
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers,
    timestamp: message.timestamp,
  };
}

/**
 * The Kafka consumer group: batch consumption, manual commits only (autoCommit off, and
 * eachBatchAutoResolve off so kafkajs never marks a record consumed that we did not take).
 *
 * kafkajs fetches from a broker, hands the batches to eachBatch and fetches again only when every
 * batch of that fetch returned, so eachBatch only enqueues and returns; backpressure is per partition
 * with pause()/resume(), and commits happen on the pipeline's schedule, not kafkajs'.
 */
export function createSource(options: SourceOptions): Source {
  return new KafkaSource(options);
}

class KafkaSource implements Source {
  readonly #options: SourceOptions;
  readonly #consumer: Consumer;
  readonly #log: Logger;
  /** eachBatch calls running now; idle() waits for 0. */
  #active = 0;
  #idleWaiters: (() => void)[] = [];
  /** In the group and fetching: GROUP_JOIN seen, no CRASH/STOP since. */
  #consuming = false;
  /** consumer.run with the handlers of start(), again for restart(). */
  #run: (() => Promise<void>) | undefined;

  constructor(options: SourceOptions) {
    this.#options = options;
    this.#consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: Math.max(1000, Math.floor(options.sessionTimeoutMs / 10)),
      rebalanceTimeout: Math.max(60_000, options.sessionTimeoutMs * 2),
      maxBytesPerPartition: options.maxBytesPerPartition,
      maxWaitTimeInMs: options.maxWaitTimeMs,
      allowAutoTopicCreation: false,
    });
    this.#log = options.logger.child({ component: "source", groupId: options.groupId });
  }

  async start(handlers: SourceHandlers): Promise<void> {
    this.#listen(handlers);
    const consumer = this.#consumer;
    const settle = this.#options.settle ?? ((_what, step) => step());
    await settle("connecting the consumer", () => consumer.connect());
    await settle("subscribing to the topics", () =>
      consumer.subscribe({ topics: [...this.#options.topics], fromBeginning: this.#options.fromBeginning }),
    );
    this.#run = () =>
      consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: (payload) => this.#eachBatch(handlers, payload),
      });
    await this.#run();
  }

  async restart(): Promise<void> {
    if (this.#run === undefined) throw new Error("consumer restarted before it was started");
    await this.#consumer.connect();
    await this.#run();
  }

  pause(topic: string, partition: number): void {
    this.#control("pause", () => this.#consumer.pause([{ topic, partitions: [partition] }]));
  }

  resume(topic: string, partition: number): void {
    this.#control("resume", () => this.#consumer.resume([{ topic, partitions: [partition] }]));
  }

  pauseAll(): void {
    this.#control("pause", () => this.#consumer.pause(this.#options.topics.map((topic) => ({ topic }))));
  }

  get consuming(): boolean {
    return this.#consuming;
  }

  async commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    // kafkajs returns silently from commitOffsets while its runner is not running: nothing committed.
    if (!this.#consuming) throw new Error("consumer is not running (crashed or stopped); nothing committed");
    await this.#consumer.commitOffsets(
      offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset: offset.toString() })),
    );
  }

  idle(): Promise<void> {
    return this.#active === 0 ? Promise.resolve() : new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.#consuming = false;
    await this.#consumer.disconnect();
  }

  #listen(handlers: SourceHandlers): void {
    const consumer = this.#consumer;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      this.#consuming = true;
      this.#log.info("joined group", {
        memberId: event.payload.memberId,
        assignment: event.payload.memberAssignment,
      });
      handlers.onAssignment(event.payload.memberAssignment);
    });
    consumer.on(consumer.events.FETCH, () => handlers.onFetched?.());
    consumer.on(consumer.events.REBALANCING, () => {
      this.#log.info("group rebalancing");
      handlers.onRebalancing();
    });
    consumer.on(consumer.events.CRASH, (event) => {
      this.#consuming = false;
      const { error, restart } = event.payload;
      this.#log.error("consumer crashed", { error, restart });
      handlers.onCrash(error, restart);
    });
    consumer.on(consumer.events.STOP, () => {
      this.#consuming = false;
    });
  }

  async #eachBatch(handlers: SourceHandlers, payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    this.#active += 1;
    try {
      const records = batch.messages.map((message) =>
        toConsumedRecord(batch.topic, batch.partition, message),
      );
      handlers.onRecords(batch.topic, batch.partition, records, BigInt(batch.highWatermark));
      // Taken by the pipeline, so the next fetch starts after it; committed only once finished.
      resolveOffset(batch.messages[batch.messages.length - 1]!.offset);
    } finally {
      this.#active -= 1;
      if (this.#active === 0) {
        const waiters = this.#idleWaiters;
        this.#idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
    }
    await heartbeat();
  }

  /** kafkajs throws ("Consumer group was not initialized") after a crash; never let that escape. */
  #control(what: string, run: () => void): void {
    if (!this.#consuming) return;
    try {
      run();
    } catch (error) {
      this.#log.warn(`consumer ${what} failed`, { error });
    }
  }
}
