import { topicForStream } from "@wikistream/events";
import type { Logger } from "@wikistream/log";
import { errorMessage } from "@wikistream/resilience";
import type { Kafka } from "kafkajs";
import type { IngestConfig } from "./config.ts";
import type { IngestMetrics } from "./metrics.ts";
import { createRouter, type PipelineParts, startPublisher } from "./pipeline.ts";
import { ProducerSlot } from "./publish/producer-slot.ts";
import type { Publisher } from "./publish/publisher.ts";
import { readStream } from "./read-stream.ts";
import type { RecoveredPoint } from "./resume/recover.ts";
import type { FrameRouter } from "./route/router.ts";
import { prepareKafka } from "./startup/prepare.ts";
import { chooseStartPoint, type StartPoint } from "./startup/start-point.ts";
import { type IngestState, type IngestStatus, Tally } from "./status/tally.ts";

export type { IngestState, IngestStatus } from "./status/tally.ts";

export interface IngestDeps {
  config: IngestConfig;
  kafka: Kafka;
  logger: Logger;
  metrics: IngestMetrics;
  fetch?: typeof fetch;
  /** Kafka refused the credentials before it took one record: `line` explains it; main exits 1. */
  onFatal?: (line: string) => void;
}

export interface Ingest {
  start(): Promise<void>;
  /**
   * Stops reading, then publishes what is buffered. With Kafka away past `drainTimeoutMs` it gives
   * up on the rest, which is safe: unacknowledged events are read again by the next start.
   */
  stop(options?: { drainTimeoutMs?: number }): Promise<{ unpublished: number }>;
  /** Settles when the stream loop ends: on stop(), or rejected on a fatal upstream error. */
  readonly done: Promise<void>;
  ready(): boolean;
  status(): IngestStatus;
}

/** The ingest pipeline: EventStreams → validate → Kafka, resuming from Kafka's own tail. */
export function createIngest(deps: IngestDeps): Ingest {
  const service = new IngestService(deps);
  // Bound, so that callers may pass ingest.ready and ingest.status around as plain functions.
  return {
    start: () => service.start(),
    stop: (options) => service.stop(options),
    get done() {
      return service.done;
    },
    ready: () => service.ready(),
    status: () => service.status(),
  };
}

/** The life cycle (start, stop, ready, status); the work is done by the collaborators it composes. */
class IngestService {
  readonly #deps: IngestDeps;
  readonly #url: string;
  readonly #slot: ProducerSlot;
  readonly #stopping = new AbortController();
  readonly #tally = new Tally();
  /** What each run's router and publisher are built from. */
  readonly #parts: PipelineParts;
  #publisher: Publisher | undefined;
  #state: IngestState = "created";
  #streamConnected = false;
  #lastEventId: string | undefined;
  #startedFrom: IngestStatus["startedFrom"] = {
    policy: undefined,
    from: undefined,
    lastEventId: undefined,
    since: undefined,
  };
  #startedAt: string | undefined;
  #failure: string | undefined;
  #done: Promise<void> = Promise.resolve();

  constructor(deps: IngestDeps) {
    const { config } = deps;
    this.#deps = deps;
    this.#url = `${config.streamUrl}/${config.streams.join(",")}`;
    this.#slot = new ProducerSlot(deps.kafka, deps.logger);
    this.#parts = {
      config,
      metrics: deps.metrics,
      logger: deps.logger,
      slot: this.#slot,
      tally: this.#tally,
      topics: new Map(config.streams.map((s) => [s, topicForStream(config.topicPrefix, s)])),
      url: this.#url,
      onFatal: deps.onFatal,
    };
  }

  get done(): Promise<void> {
    return this.#done;
  }

  async start(): Promise<void> {
    if (this.#state !== "created") throw new Error(`ingest cannot start from state ${this.#state}`);
    this.#state = "starting";
    this.#startedAt = new Date().toISOString();
    const { config, logger } = this.#deps;
    const streamTopics = [...this.#parts.topics.values()];
    const resume = await this.#prepare(streamTopics);
    if (!resume) return;
    const { from, lastEventId, since, connectUrl } = this.#chooseStartPoint(resume);
    this.#lastEventId = lastEventId;
    this.#startedFrom = { policy: config.startPolicy, from, lastEventId, since };
    const router = createRouter(this.#parts, resume);
    const start = { id: lastEventId, since: since ?? String(Date.now()) };
    const publisher = startPublisher(this.#parts, start, router);
    this.#publisher = publisher;
    this.#state = "running";
    logger.info("ingest started", { url: connectUrl, topics: streamTopics, resumeFrom: lastEventId, since });
    this.#done = this.#read(connectUrl, router, publisher).catch((error: unknown) => {
      this.#state = "failed";
      this.#failure = errorMessage(error);
      logger.error("ingest stopped on an error it cannot retry", { error: this.#failure, url: connectUrl });
      throw error;
    });
  }

  async stop(options: { drainTimeoutMs?: number } = {}): Promise<{ unpublished: number }> {
    if (this.#state === "stopped" || this.#state === "stopping") return { unpublished: 0 };
    const { config, logger } = this.#deps;
    const wasFailed = this.#state === "failed";
    this.#state = "stopping";
    this.#stopping.abort(new Error("ingest stopping"));
    await this.#done.catch(() => {});
    const drainTimeoutMs = options.drainTimeoutMs ?? config.drainTimeoutMs;
    const { unpublished } = (await this.#publisher?.stop({ drainTimeoutMs })) ?? { unpublished: 0 };
    const lastAckedEventId = this.#publisher?.lastAckedSseId;
    if (unpublished > 0) {
      logger.error("kafka did not take the buffered records before the drain deadline", {
        unpublished,
        drainTimeoutMs,
        resumeFrom: lastAckedEventId,
      });
    }
    await this.#slot.disconnect();
    this.#streamConnected = false;
    this.#state = wasFailed ? "failed" : "stopped";
    logger.info("ingest stopped", { lastAckedEventId, ...this.#tally.counts() });
    return { unpublished };
  }

  ready(): boolean {
    return (
      this.#state === "running" &&
      this.#streamConnected &&
      this.#slot.healthy &&
      this.#slot.blocked === undefined
    );
  }

  status(): IngestStatus {
    return {
      state: this.#state,
      streams: this.#deps.config.streams,
      url: this.#url,
      startedFrom: this.#startedFrom,
      lastEventId: this.#lastEventId,
      lastAckedEventId: this.#publisher?.lastAckedSseId,
      connected: this.#streamConnected,
      kafkaConnected: this.#slot.healthy,
      produceBlocked: this.#slot.blocked,
      bufferDepth: this.#publisher?.depth ?? 0,
      counts: this.#tally.counts(),
      rates: this.#tally.rates(),
      startedAt: this.#startedAt,
      error: this.#failure,
    };
  }

  /** Topics, producer and resume point; undefined when a stop() ended the waiting. */
  #prepare(streamTopics: readonly string[]): Promise<RecoveredPoint | undefined> {
    const { kafka, config, metrics, logger } = this.#deps;
    const signal = this.#stopping.signal;
    return prepareKafka({
      kafka,
      config,
      slot: this.#slot,
      streamTopics,
      logger,
      signal,
      onDurabilityWarnings: (warnings) => {
        for (const { topic, kind } of warnings) metrics.topicDurabilityWarnings.set({ topic, kind }, 1);
      },
    }).catch((error: unknown) => {
      // A stop() during start-up ends the waiting; that is not a start-up failure.
      if (signal.aborted) return undefined;
      throw error;
    });
  }

  /** A refusal of INGEST_START_POLICY fails the start for good (state `failed`, its reason in /status). */
  #chooseStartPoint(resume: RecoveredPoint): StartPoint {
    try {
      return chooseStartPoint(this.#deps, resume, this.#url);
    } catch (error) {
      this.#state = "failed";
      this.#failure = errorMessage(error);
      throw error;
    }
  }

  #read(connectUrl: string, router: FrameRouter, publisher: Publisher): Promise<void> {
    const { config, metrics, logger, fetch } = this.#deps;
    return readStream({
      connectUrl,
      streamUrl: this.#url,
      config,
      metrics,
      logger,
      fetch,
      signal: this.#stopping.signal,
      router,
      publisher,
      onFrame: (sseId) => {
        this.#tally.received();
        if (sseId !== undefined) this.#lastEventId = sseId;
      },
      onConnection: (connected) => {
        this.#streamConnected = connected;
      },
    });
  }
}
