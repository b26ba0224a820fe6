import type { LifecycleState } from "@wikistream/http";
import { classifyKafkaError, kafkaAuthenticationFix } from "@wikistream/kafka";
import type { Logger } from "@wikistream/log";
import type { Producer } from "kafkajs";
import type { CredentialHealth } from "./credential-health.ts";
import { ConsumerCrashedError, errorCode, isGroupCoordinatorNotFound } from "./errors.ts";
import type { IndexerDeps, IndexerStatus } from "./indexer-types.ts";
import type { Committer } from "./offsets/committer.ts";
import type { LagMonitor } from "./offsets/lag-monitor.ts";
import type { Pipeline } from "./pipeline.ts";
import type { Source } from "./source.ts";
import { type Settle, setUp } from "./startup/setup.ts";

/** The collaborators one indexer composes; built by createIndexer, driven by IndexerLifecycle. */
export interface IndexerParts {
  deps: IndexerDeps;
  log: Logger;
  /** Aborted by stop(): ends any start-up wait. */
  abort: AbortController;
  producer: Producer;
  settle: Settle;
  source: Source;
  pipeline: Pipeline;
  committer: Committer;
  /** The consumer lag from the broker, read on a timer from set-up on. */
  lag: LagMonitor;
  credentials: CredentialHealth;
}

/**
 * created → starting → running → stopping → stopped, or failed once the consumer crashed for good:
 * start-up (setUp, then the consumer), the consumer's events, and the drain on stop.
 */
export class IndexerLifecycle {
  readonly #parts: IndexerParts;
  #state: LifecycleState = "created";
  #templatesInstalled = false;
  #joined = false;
  #assignment: Record<string, number[]> = {};
  /** The consumer was started: stop() drains and commits. */
  #consuming = false;
  #stopped: Promise<void> | undefined;
  /** A consumer restart after Kafka refused the credentials (kafkajs does not restart from that). */
  #restartTimer: ReturnType<typeof setTimeout> | undefined;
  /** The crash that ended the consumer before it ever joined the group: start() fails with it. */
  #joinCrash: Error | undefined;
  #everJoined = false;

  constructor(parts: IndexerParts) {
    this.#parts = parts;
  }

  /** True from the first stop(): nothing new is taken, nothing paused is resumed. */
  get stopping(): boolean {
    return this.#stopped !== undefined;
  }

  async start(): Promise<void> {
    const { deps, log, abort, pipeline, committer } = this.#parts;
    const { config } = deps;
    if (this.#state !== "created") throw new Error(`indexer already ${this.#state}`);
    this.#state = "starting";
    log.info("starting", {
      groupId: config.groupId,
      topics: config.topics.map(({ topic }) => topic),
      indexPrefix: config.indexPrefix,
    });
    for (const variable of config.deprecatedVariables) log.warn("deprecated setting", { variable });
    try {
      await setUp({
        ...this.#parts,
        ...deps,
        logger: log,
        signal: abort.signal,
        onTemplatesInstalled: () => {
          this.#templatesInstalled = true;
        },
      });
      if (abort.signal.aborted) return;
      // The topics exist now; the lag is read from the broker whatever the consumer does.
      this.#parts.lag.start();
      this.#consuming = true;
      await this.#parts.source.start({
        onRecords: (topic, partition, records, highWatermark) => {
          if (!this.stopping) pipeline.accept(topic, partition, records, highWatermark);
        },
        onAssignment: (assignment) => {
          this.#joined = true;
          this.#everJoined = true;
          this.#assignment = assignment;
          pipeline.assign(assignment);
        },
        // Not on joining: a group ACL can allow the join while a removed topic Read fails every fetch.
        onFetched: () => this.#parts.credentials.accept("kafka"),
        onRebalancing: () => {
          // Still a member of the old generation: flush and commit what is acknowledged now.
          pipeline.flush();
          void committer.commitNow();
        },
        onCrash: (error, restart) => this.#crash(error, restart),
      });
      // Refused before ever joining (kafkajs' run() resolves after its crash): a start-up failure.
      if (this.#joinCrash) throw this.#joinFailure(this.#joinCrash);
    } catch (error) {
      // A stop() during start-up ends the waiting; that is not a start-up failure.
      if (abort.signal.aborted) return;
      throw error;
    }
    committer.every(config.commitIntervalMs);
    if (this.#state === "starting") this.#state = "running";
  }

  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  /** Running, templates installed, in the group, the dead-letter topic takes letters, credentials accepted. */
  ready(): boolean {
    const running = this.#state === "running" && this.#templatesInstalled && this.#joined;
    const refused = this.#parts.credentials.refused !== undefined;
    return running && !refused && this.#parts.pipeline.deadLettersBlockedBy === undefined;
  }

  healthy(): boolean {
    return this.#state !== "failed";
  }

  status(): IndexerStatus {
    const stats = this.#parts.pipeline.stats();
    return {
      state: this.#state,
      templatesInstalled: this.#templatesInstalled,
      joined: this.#joined,
      assignment: this.#assignment,
      pending: stats.pending,
      inFlight: stats.inFlight,
      queued: stats.queued,
      pausedPartitions: stats.paused,
      // The group's lag as the broker has it, once read (it moves while partitions are paused).
      lag: this.#parts.lag.total() ?? stats.lag,
      deadLettersBlockedBy: stats.deadLettersBlockedBy,
      credentialsRefused: this.#parts.credentials.refused,
      counts: stats.counts,
      lastCommitAt: this.#parts.committer.lastCommitAt,
    };
  }

  #crash(error: Error, restart: boolean): void {
    const { deps, log } = this.#parts;
    deps.metrics.consumerCrashes.inc({ restart: String(restart) });
    // kafkajs already left the group; ready again only after the next GROUP_JOIN.
    this.#joined = false;
    if (!restart && !this.#everJoined && this.#state === "starting") {
      this.#joinCrash = error;
      return;
    }
    if (!restart && (this.#refusedCredentials(error) || this.#noCoordinator(error))) {
      this.#restartLater();
      return;
    }
    if (restart) {
      log.warn("consumer crashed; kafkajs restarts it", { error });
      return;
    }
    if (this.#state === "stopping" || this.#state === "stopped") return;
    this.#state = "failed";
    const fatal = new ConsumerCrashedError(`consumer crashed: ${error.message}`, { cause: error });
    deps.metrics.errors.inc({ code: fatal.code });
    deps.onFatal?.(fatal);
  }

  /** Kafka refused the credentials (SASL) or an ACL: counted, not ready; the consumer is restarted. */
  #refusedCredentials(error: unknown): boolean {
    const failure = classifyKafkaError(error);
    if (failure.kind !== "authentication" && failure.kind !== "authorization") return false;
    const { credentials, deps } = this.#parts;
    const fix =
      failure.kind === "authorization"
        ? "Grant this principal the ACLs it needs (README: Topics and ACLs)"
        : kafkaAuthenticationFix(error, deps.config.kafkaSecurity);
    credentials.refuse("kafka", failure.kind, fix, error);
    return true;
  }

  /**
   * kafkajs ends the consumer with KafkaJSGroupCoordinatorNotFound, the broker's answer dropped, when
   * FindCoordinator was refused (GROUP_AUTHORIZATION_FAILED: the group's ACL removed) or no coordinator
   * answered through its retries: either way waiting can fix it, so not ready and restarted, not ended.
   */
  #noCoordinator(error: Error): boolean {
    if (!isGroupCoordinatorNotFound(error)) return false;
    this.#parts.log.warn(
      "no coordinator for the group (kafkajs' report of a refused group ACL too); retrying",
      {
        groupId: this.#parts.deps.config.groupId,
        error,
      },
    );
    return true;
  }

  #joinFailure(cause: Error): ConsumerCrashedError {
    const { groupId } = this.#parts.deps.config;
    return new ConsumerCrashedError(`the consumer could not join group ${groupId}: ${cause.message}`, {
      cause,
      context: { groupId },
    });
  }

  /** Connects and runs the consumer again after INDEXER_RETRY_MAX_MS, until Kafka accepts it. */
  #restartLater(): void {
    if (this.stopping) return;
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      if (this.stopping) return;
      this.#parts.source.restart().catch((error: unknown) => {
        if (this.#refusedCredentials(error) || this.#noCoordinator(error as Error)) this.#restartLater();
        else this.#crash(error instanceof Error ? error : new Error(String(error)), false);
      });
    }, this.#parts.deps.config.retryMaxMs);
  }

  /** Stop fetching, drain within INDEXER_DRAIN_TIMEOUT_MS, commit what is finished, disconnect. */
  async #stop(): Promise<void> {
    const { deps, log, abort, source, pipeline, committer, producer } = this.#parts;
    const previous = this.#state;
    this.#state = "stopping";
    abort.abort(new Error("stopping"));
    clearTimeout(this.#restartTimer);
    committer.stopTimer();
    try {
      if (this.#consuming) {
        try {
          source.pauseAll();
          await source.idle();
          const drained = await pipeline.drain(deps.config.drainTimeoutMs);
          if (!drained)
            log.warn("drain timed out; unfinished records stay uncommitted", { ...pipeline.stats() });
        } finally {
          await committer.commitNow();
        }
      }
    } catch (error) {
      deps.metrics.errors.inc({ code: errorCode(error) });
      log.error("drain failed; committed what was finished", { error });
    } finally {
      pipeline.close();
      await this.#parts.lag.stop();
      await source.stop().catch((error: unknown) => log.warn("consumer disconnect failed", { error }));
      await producer
        .disconnect()
        .catch((error: unknown) => log.warn("producer disconnect failed", { error }));
    }
    this.#state = previous === "failed" ? "failed" : "stopped";
    log.info("stopped", { lastCommitAt: committer.lastCommitAt });
  }
}
