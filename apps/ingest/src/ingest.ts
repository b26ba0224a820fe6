import { type StreamName, topicForStream } from "@wikistream/events";
import { createProducer, ensureTopics, produceErrorCode, untilClusterSettles } from "@wikistream/kafka";
import type { Logger } from "@wikistream/log";
import { errorMessage } from "@wikistream/resilience";
import type { Kafka, Producer } from "kafkajs";
import type { IngestConfig } from "./config.ts";
import { decodeFrame } from "./decode.ts";
import type { IngestMetrics } from "./metrics.ts";
import { deadLetterRecord, frameId } from "./publish/dead-letter.ts";

import { createPublisher, type Publisher } from "./publish/publisher.ts";
import { eventRecord, type OutboundRecord } from "./publish/record.ts";
import { recoverResumePoint } from "./resume.ts";
import { createSeenIds, type SeenIds } from "./seen-ids.ts";
import { followStream } from "./sse/follow.ts";
import { rewindEventId } from "./sse/rewind.ts";
import { explainUnreachable } from "./startup-errors.ts";
import { createTally, type IngestState, type IngestStatus } from "./status.ts";

/** How much of a too-large record its dead letter keeps: far below any Kafka size limit. */
const tooLargeRawChars = 16_384;

export type { IngestState, IngestStatus } from "./status.ts";

export interface IngestDeps {
  config: IngestConfig;
  kafka: Kafka;
  logger: Logger;
  metrics: IngestMetrics;
  fetch?: typeof fetch;
}

/** The ingest pipeline: EventStreams → validate → Kafka, resuming from Kafka's own tail. */
export function createIngest(deps: IngestDeps) {
  const { config, kafka, logger, metrics } = deps;
  const topics = new Map(config.streams.map((s) => [s, topicForStream(config.topicPrefix, s)]));
  const url = `${config.streamUrl}/${config.streams.join(",")}`;
  const created = createProducer(kafka);
  const { acks } = created;
  let producer = created.producer;
  const stopping = new AbortController();
  const tally = createTally();
  let publisher: Publisher | undefined;
  let state: IngestState = "created";
  let connected = false;
  // Connected and not failing: a produce error clears it until the next acknowledgement.
  let kafkaConnected = false;
  let lastEventId: string | undefined;
  let startedFrom: IngestStatus["startedFrom"] = { lastEventId: undefined, since: undefined };
  let startedAt: string | undefined;
  let failure: string | undefined;
  let done: Promise<void> = Promise.resolve();
  watch(producer);

  function watch(watched: Producer): void {
    watched.on(watched.events.CONNECT, () => {
      if (watched === producer) kafkaConnected = true;
    });
    watched.on(watched.events.DISCONNECT, () => {
      if (watched === producer) kafkaConnected = false;
    });
  }

  /**
   * A new producer (new producer id) after Kafka refused a request as too large: kafkajs then rolls
   * back the sequence numbers of every partition of that request, including those the broker did
   * write, and each later send to them fails with OUT_OF_ORDER_SEQUENCE_NUMBER forever.
   */
  async function renewProducer(): Promise<Producer> {
    const fresh = createProducer(kafka).producer;
    watch(fresh);
    await fresh.connect();
    const old = producer;
    producer = fresh;
    await old.disconnect().catch((error: unknown) => {
      logger.warn("the replaced kafka producer did not disconnect cleanly", { error: errorMessage(error) });
    });
    return fresh;
  }

  function onAcked(records: readonly OutboundRecord[], seconds: number): void {
    kafkaConnected = true;
    metrics.produceLatency.observe(seconds);
    const newest = new Map<StreamName, number>();
    let published = 0;
    for (const record of records) {
      if (record.topic === config.dlqTopic) continue;
      published++;
      metrics.eventsPublished.inc({ topic: record.topic });
      if (record.stream && record.eventTimeMs !== undefined) {
        newest.set(record.stream, Math.max(newest.get(record.stream) ?? 0, record.eventTimeMs));
      }
    }
    tally.published(published);
    tally.deadLettered(records.length - published);
    for (const [stream, time] of newest) metrics.secondsBehind.set({ stream }, (Date.now() - time) / 1000);
    metrics.bufferDepth.set((publisher?.depth ?? records.length) - records.length);
  }

  function dropped(reason: "canary" | "duplicate"): undefined {
    tally.dropped(reason);
    metrics.eventsDropped.inc({ reason });
    return undefined;
  }

  /** One frame → a record to publish, or nothing (a canary, or something Kafka already holds). */
  async function route(
    frame: { id: string | undefined; data: string },
    seen: { events: SeenIds; frames: SeenIds },
  ): Promise<OutboundRecord | undefined> {
    const decoded = decodeFrame(frame.data, config.streams);
    metrics.eventsReceived.inc({ stream: decoded.kind === "reject" ? "unknown" : decoded.stream });
    if (decoded.kind === "canary") return dropped("canary");
    if (decoded.kind === "event") {
      const { stream, event } = decoded;
      // A resume re-reads the last batch, and a rewound timestamp id the last millisecond.
      if (seen.events.has(event.meta.id)) return dropped("duplicate");
      seen.events.add(event.meta.id);
      return eventRecord(topics.get(stream)!, stream, event, frame);
    }
    const id = await frameId(frame.id, frame.data);
    if (seen.frames.has(id)) return dropped("duplicate");
    seen.frames.add(id);
    metrics.deadLettered.inc({ reason: decoded.reason });
    metrics.eventsDropped.inc({ reason: decoded.reason });
    logger.warn("frame dead-lettered", {
      reason: decoded.reason,
      detail: decoded.detail,
      sseId: frame.id,
      topic: config.dlqTopic,
    });
    return deadLetterRecord(config.dlqTopic, {
      reason: decoded.reason,
      detail: decoded.detail,
      url,
      sseId: frame.id,
      raw: frame.data,
      frameId: id,
      receivedAt: new Date().toISOString(),
    });
  }

  /** The dead letter for a record Kafka refuses as too large; none for a dead letter (it would loop). */
  async function deadLetterTooLarge(
    record: OutboundRecord,
    code: string,
  ): Promise<OutboundRecord | undefined> {
    if (record.topic === config.dlqTopic) return undefined;
    metrics.deadLettered.inc({ reason: "too_large" });
    metrics.eventsDropped.inc({ reason: "too_large" });
    return deadLetterRecord(config.dlqTopic, {
      reason: "too_large",
      detail: `${code}: ${record.value.length} characters for ${record.topic}; raw holds the first ${tooLargeRawChars}`,
      url,
      sseId: record.sseId,
      raw: record.value.slice(0, tooLargeRawChars),
      frameId: await frameId(record.sseId, record.value),
      receivedAt: new Date().toISOString(),
    });
  }

  /** Topics, producer, resume point: each waits out a settling cluster until INGEST_STARTUP_TIMEOUT_MS. */
  async function prepare(streamTopics: string[]) {
    const settle = { deadlineMs: config.startupTimeoutMs, logger, signal: stopping.signal };
    await untilClusterSettles(
      "creating the topics",
      () =>
        ensureTopics(kafka, [
          ...streamTopics.map((topic) => ({ topic, partitions: config.topicPartitions })),
          { topic: config.dlqTopic, partitions: 1 },
        ]),
      settle,
    );
    await untilClusterSettles("connecting the producer", () => producer.connect(), settle);
    return untilClusterSettles(
      "reading the resume point",
      () =>
        recoverResumePoint({
          kafka,
          topics: [...streamTopics, config.dlqTopic],
          // Two batches: a tie of record timestamps can make the resume point one batch older.
          tailSize: 2 * config.batchSize + 100,
          logger,
        }),
      settle,
    );
  }

  async function start(): Promise<void> {
    if (state !== "created") throw new Error(`ingest cannot start from state ${state}`);
    state = "starting";
    startedAt = new Date().toISOString();
    const streamTopics = [...topics.values()];
    const resume = await prepare(streamTopics).catch((error: unknown) => {
      // A stop() during start-up ends the waiting; that is not a start-up failure.
      if (stopping.signal.aborted) return undefined;
      throw error;
    });
    if (!resume) return;
    const since = resume.lastEventId ? undefined : (resume.since ?? config.since);
    const connectUrl = since ? `${url}?since=${encodeURIComponent(since)}` : url;
    lastEventId = resume.lastEventId;
    startedFrom = { lastEventId: resume.lastEventId, since };
    const active = createPublisher({
      producer,
      acks,
      batchSize: config.batchSize,
      lingerMs: config.lingerMs,
      bufferSize: config.bufferSize,
      logger,
      startId: resume.lastEventId,
      startSince: since ?? String(Date.now()),
      onAcked,
      onSendError: (error) => {
        kafkaConnected = false;
        metrics.produceErrors.inc({ code: produceErrorCode(error) });
      },
      deadLetterTooLarge,
      renewProducer,
    });
    publisher = active;
    active.start();
    const seen = {
      events: createSeenIds(resume.publishedIds),
      frames: createSeenIds(resume.deadLetteredFrames, 1000),
    };
    state = "running";
    logger.info("ingest started", { url: connectUrl, topics: streamTopics, resumeFrom: lastEventId, since });

    done = followStream({
      url: connectUrl,
      headers: { "user-agent": config.userAgent },
      stallTimeoutMs: config.stallTimeoutMs,
      reconnectInitialMs: config.reconnectInitialMs,
      reconnectMaxMs: config.reconnectMaxMs,
      signal: stopping.signal,
      logger,
      fetch: deps.fetch,
      resumeId: () => {
        const held = active.lastHeldSseId;
        return held === undefined ? undefined : rewindEventId(held);
      },
      onConnected: () => {
        connected = true;
        metrics.connected.set(1);
      },
      onDisconnect: (reason) => {
        connected = false;
        metrics.connected.set(0);
        metrics.reconnects.inc({ reason });
      },
      onUnreachable: (error) => logger.error(explainUnreachable(error.message), { url }),
      onBytes: (bytes) => metrics.bytes.inc(bytes),
      onEvent: async (frame) => {
        tally.received();
        if (frame.id !== undefined) lastEventId = frame.id;
        const record = await route(frame, seen);
        // Waits while the buffer is full: this is what stops reading when Kafka is slow or down.
        if (record) await active.enqueue(record, stopping.signal);
        metrics.bufferDepth.set(active.depth);
      },
    }).catch((error: unknown) => {
      state = "failed";
      failure = errorMessage(error);
      logger.error("ingest stopped on an error it cannot retry", { error: failure, url: connectUrl });
      throw error;
    });
  }

  /**
   * Stops reading, then publishes what is buffered. With Kafka away past `drainTimeoutMs` it gives
   * up on the rest, which is safe: unacknowledged events are read again by the next start.
   */
  async function stop(options: { drainTimeoutMs?: number } = {}): Promise<{ unpublished: number }> {
    if (state === "stopped" || state === "stopping") return { unpublished: 0 };
    const wasFailed = state === "failed";
    state = "stopping";
    stopping.abort(new Error("ingest stopping"));
    await done.catch(() => {});
    const drainTimeoutMs = options.drainTimeoutMs ?? config.drainTimeoutMs;
    const { unpublished } = (await publisher?.stop({ drainTimeoutMs })) ?? { unpublished: 0 };
    if (unpublished > 0) {
      logger.error("kafka did not take the buffered records before the drain deadline", {
        unpublished,
        drainTimeoutMs,
        resumeFrom: publisher?.lastAckedSseId,
      });
    }
    await producer.disconnect().catch((error: unknown) => {
      logger.warn("kafka producer did not disconnect cleanly", { error: errorMessage(error) });
    });
    connected = false;
    state = wasFailed ? "failed" : "stopped";
    logger.info("ingest stopped", { lastAckedEventId: publisher?.lastAckedSseId, ...tally.counts() });
    return { unpublished };
  }

  return {
    start,
    stop,
    /** Settles when the stream loop ends: on stop(), or rejected on a fatal upstream error. */
    get done(): Promise<void> {
      return done;
    },
    ready(): boolean {
      return state === "running" && connected && kafkaConnected;
    },
    status(): IngestStatus {
      return {
        state,
        streams: config.streams,
        url,
        startedFrom,
        lastEventId,
        lastAckedEventId: publisher?.lastAckedSseId,
        connected,
        kafkaConnected,
        bufferDepth: publisher?.depth ?? 0,
        counts: tally.counts(),
        rates: tally.rates(),
        startedAt,
        error: failure,
      };
    },
  };
}

export type Ingest = ReturnType<typeof createIngest>;
