import { type StreamName, topicForStream } from "@wikistream/events";
import { produceErrorCode } from "@wikistream/kafka";
import type { Logger } from "@wikistream/log";
import { errorMessage, WikistreamError } from "@wikistream/resilience";
import type { Kafka } from "kafkajs";
import type { IngestConfig } from "./config.ts";
import type { IngestMetrics } from "./metrics.ts";
import { ProducerSlot } from "./publish/producer-slot.ts";
import { Publisher } from "./publish/publisher.ts";
import { readStream } from "./read-stream.ts";
import type { OutboundRecord } from "./records/record.ts";
import type { ResumePoint } from "./resume/recover.ts";
import { decideStart } from "./resume/start-policy.ts";
import { FrameRouter } from "./route/router.ts";
import { SeenIds } from "./route/seen-ids.ts";
import { prepareKafka } from "./startup/prepare.ts";
import { countAck, summariseAck } from "./status/acked.ts";
import { type IngestState, type IngestStatus, Tally } from "./status/tally.ts";

export type { IngestState, IngestStatus } from "./status/tally.ts";

export interface IngestDeps {
  config: IngestConfig;
  kafka: Kafka;
  logger: Logger;
  metrics: IngestMetrics;
  fetch?: typeof fetch;
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
  readonly #topics: Map<StreamName, string>;
  readonly #url: string;
  readonly #slot: ProducerSlot;
  readonly #stopping = new AbortController();
  readonly #tally = new Tally();
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
    this.#topics = new Map(config.streams.map((s) => [s, topicForStream(config.topicPrefix, s)]));
    this.#url = `${config.streamUrl}/${config.streams.join(",")}`;
    this.#slot = new ProducerSlot(deps.kafka, deps.logger);
  }

  get done(): Promise<void> {
    return this.#done;
  }

  async start(): Promise<void> {
    if (this.#state !== "created") throw new Error(`ingest cannot start from state ${this.#state}`);
    this.#state = "starting";
    this.#startedAt = new Date().toISOString();
    const { kafka, config, logger } = this.#deps;
    const streamTopics = [...this.#topics.values()];
    const signal = this.#stopping.signal;
    const resume = await prepareKafka({
      kafka,
      config,
      slot: this.#slot,
      streamTopics,
      logger,
      signal,
      onDurabilityWarnings: (warnings) => {
        for (const { topic, kind } of warnings)
          this.#deps.metrics.topicDurabilityWarnings.set({ topic, kind }, 1);
      },
    }).catch((error: unknown) => {
      // A stop() during start-up ends the waiting; that is not a start-up failure.
      if (signal.aborted) return undefined;
      throw error;
    });
    if (!resume) return;
    const decision = decideStart(config.startPolicy, resume, config.since);
    if (decision.kind === "refuse") {
      this.#deps.metrics.starts.inc({ policy: config.startPolicy, from: "refused" });
      this.#state = "failed";
      this.#failure = decision.message;
      throw new WikistreamError("ingest_resume_point_gone", decision.message, {
        retryable: false,
        context: { emptied: resume.emptied },
      });
    }
    const { lastEventId, since, from } = decision;
    this.#deps.metrics.starts.inc({ policy: config.startPolicy, from });
    logger[decision.level](decision.message, { policy: config.startPolicy, from, lastEventId, since });
    const connectUrl = since ? `${this.#url}?since=${encodeURIComponent(since)}` : this.#url;
    this.#lastEventId = lastEventId;
    this.#startedFrom = { policy: config.startPolicy, from, lastEventId, since };
    const router = this.#router(resume);
    const publisher = this.#startPublisher(lastEventId, since ?? String(Date.now()), router);
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

  #router(resume: ResumePoint): FrameRouter {
    const { config, metrics, logger } = this.#deps;
    return new FrameRouter({
      streams: config.streams,
      topics: this.#topics,
      dlqTopic: config.dlqTopic,
      url: this.#url,
      seen: {
        events: new SeenIds(resume.publishedIds),
        frames: new SeenIds(resume.deadLetteredFrames, 1000),
      },
      metrics,
      tally: this.#tally,
      logger,
    });
  }

  #startPublisher(startId: string | undefined, startSince: string, router: FrameRouter): Publisher {
    const { config, metrics, logger } = this.#deps;
    const slot = this.#slot;
    const publisher = new Publisher({
      producer: slot.producer,
      acks: slot.acks,
      batchSize: config.batchSize,
      lingerMs: config.lingerMs,
      bufferSize: config.bufferSize,
      logger,
      startId,
      startSince,
      onAcked: (records, seconds) => this.#acked(records, seconds),
      onSendError: (error) => {
        slot.failed();
        metrics.produceErrors.inc({ code: produceErrorCode(error) });
      },
      onBlocked: (code, error) => {
        const before = slot.blocked;
        if (before && before.code !== code) metrics.produceBlocked.set({ code: before.code }, 0);
        slot.block(code, errorMessage(error));
        metrics.produceBlocked.set({ code }, 1);
      },
      deadLetterTooLarge: (record, code) => router.deadLetterTooLarge(record, code),
      renewProducer: () => slot.renew(),
    });
    this.#publisher = publisher;
    publisher.start();
    return publisher;
  }

  #acked(records: readonly OutboundRecord[], seconds: number): void {
    const { config, metrics, logger } = this.#deps;
    const ended = this.#slot.acknowledged();
    if (ended) {
      metrics.produceBlocked.set({ code: ended.code }, 0);
      logger.info("kafka accepts records again; ingest is no longer blocked", { ...ended });
    }
    metrics.produceLatency.observe(seconds);
    countAck({ metrics, tally: this.#tally }, summariseAck(records, config.dlqTopic), Date.now());
    metrics.bufferDepth.set((this.#publisher?.depth ?? records.length) - records.length);
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
