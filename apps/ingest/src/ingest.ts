import { type StreamName, topicForStream } from "@wikistream/events";
import { createProducer, ensureTopics } from "@wikistream/kafka";
import type { Logger } from "@wikistream/log";
import { errorMessage } from "@wikistream/resilience";
import type { Kafka } from "kafkajs";
import type { IngestConfig } from "./config.ts";
import { decodeFrame } from "./decode.ts";
import type { IngestMetrics } from "./metrics.ts";
import { createPublisher, type Publisher } from "./publish/publisher.ts";
import { headers, type OutboundRecord, recordKey } from "./publish/record.ts";
import { recoverResumePoint } from "./resume.ts";
import { followStream } from "./sse/follow.ts";

export interface IngestDeps {
  config: IngestConfig;
  kafka: Kafka;
  logger: Logger;
  metrics: IngestMetrics;
  fetch?: typeof fetch;
}

export type IngestState = "idle" | "starting" | "running" | "stopping" | "stopped" | "failed";

export interface IngestStatus {
  state: IngestState;
  streams: StreamName[];
  url: string;
  lastEventId: string | undefined;
  lastAckedEventId: string | undefined;
  connected: boolean;
  kafkaConnected: boolean;
  bufferDepth: number;
  counts: { received: number; published: number; deadLettered: number; dropped: number };
  startedAt: string | undefined;
  error: string | undefined;
}

/** The ingest pipeline: EventStreams → validate → Kafka, resuming from Kafka's own tail. */
export function createIngest(deps: IngestDeps) {
  const { config, kafka, logger, metrics } = deps;
  const topics = new Map(config.streams.map((s) => [s, topicForStream(config.topicPrefix, s)]));
  const url = `${config.streamUrl}/${config.streams.join(",")}`;
  const { producer, acks } = createProducer(kafka);
  const stopping = new AbortController();
  let publisher: Publisher | undefined;
  let state: IngestState = "idle";
  let connected = false;
  let kafkaConnected = false;
  let lastEventId: string | undefined;
  let startedAt: string | undefined;
  let failure: string | undefined;
  let done: Promise<void> = Promise.resolve();
  const counts = { received: 0, published: 0, deadLettered: 0, dropped: 0 };
  producer.on(producer.events.CONNECT, () => {
    kafkaConnected = true;
  });
  producer.on(producer.events.DISCONNECT, () => {
    kafkaConnected = false;
  });

  function deadLetter(
    reason: string,
    detail: string,
    data: string,
    sseId: string | undefined,
  ): OutboundRecord {
    counts.deadLettered++;
    metrics.deadLettered.inc({ reason });
    metrics.eventsDropped.inc({ reason });
    logger.warn("frame dead-lettered", { reason, detail, sseId, topic: config.dlqTopic });
    const value = JSON.stringify({
      reason,
      detail,
      url,
      sseId,
      raw: data,
      receivedAt: new Date().toISOString(),
    });
    return {
      topic: config.dlqTopic,
      key: reason,
      value,
      headers: { [headers.sseId]: sseId ?? "" },
      sseId,
      metaId: undefined,
      eventTimeMs: undefined,
      stream: undefined,
    };
  }

  async function start(): Promise<void> {
    if (state !== "idle") throw new Error(`ingest cannot start from state ${state}`);
    state = "starting";
    startedAt = new Date().toISOString();
    const streamTopics = [...topics.values()];
    await ensureTopics(kafka, [
      ...streamTopics.map((topic) => ({ topic, partitions: config.topicPartitions })),
      { topic: config.dlqTopic, partitions: 1 },
    ]);
    await producer.connect();
    const resume = await recoverResumePoint({
      kafka,
      topics: streamTopics,
      tailSize: Math.max(config.batchSize, 100),
      logger,
    });
    const since = resume.lastEventId ? undefined : (resume.since ?? config.since);
    const connectUrl = since ? `${url}?since=${encodeURIComponent(since)}` : url;
    lastEventId = resume.lastEventId;
    const active = createPublisher({
      producer,
      acks,
      batchSize: config.batchSize,
      lingerMs: config.lingerMs,
      bufferSize: config.bufferSize,
      logger,
      startId: resume.lastEventId,
      onAcked: (records, seconds) => {
        metrics.produceLatency.observe(seconds);
        const newest = new Map<string, number>();
        for (const record of records) {
          if (record.topic === config.dlqTopic) continue;
          counts.published++;
          metrics.eventsPublished.inc({ topic: record.topic });
          if (record.stream && record.eventTimeMs !== undefined) {
            newest.set(record.stream, Math.max(newest.get(record.stream) ?? 0, record.eventTimeMs));
          }
        }
        for (const [stream, time] of newest)
          metrics.secondsBehind.set({ stream }, (Date.now() - time) / 1000);
        metrics.bufferDepth.set(active.depth - records.length);
      },
      onSendError: (error) =>
        metrics.produceErrors.inc({ code: (error as { type?: string }).type ?? "unknown" }),
    });
    publisher = active;
    active.start();
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
      resumeId: () => active.lastHeldSseId,
      onConnected: () => {
        connected = true;
        metrics.connected.set(1);
      },
      onDisconnect: (reason) => {
        connected = false;
        metrics.connected.set(0);
        metrics.reconnects.inc({ reason });
      },
      onBytes: (bytes) => metrics.bytes.inc(bytes),
      onEvent: async (frame) => {
        counts.received++;
        if (frame.id !== undefined) lastEventId = frame.id;
        const decoded = decodeFrame(frame.data, config.streams);
        metrics.eventsReceived.inc({ stream: decoded.kind === "reject" ? "unknown" : decoded.stream });
        if (decoded.kind === "canary") {
          counts.dropped++;
          metrics.eventsDropped.inc({ reason: "canary" });
          return;
        }
        if (decoded.kind === "reject") {
          await active.enqueue(deadLetter(decoded.reason, decoded.detail, frame.data, frame.id));
        } else if (resume.publishedIds.has(decoded.event.meta.id)) {
          // Resuming from the start of the last batch re-delivers what Kafka already holds.
          counts.dropped++;
          metrics.eventsDropped.inc({ reason: "duplicate" });
        } else {
          const { stream, event } = decoded;
          await active.enqueue({
            topic: topics.get(stream)!,
            key: recordKey(stream, event),
            value: frame.data,
            headers: {
              [headers.stream]: stream,
              [headers.metaId]: event.meta.id,
              ...(frame.id === undefined ? {} : { [headers.sseId]: frame.id }),
            },
            sseId: frame.id,
            metaId: event.meta.id,
            eventTimeMs: Date.parse(event.meta.dt),
            stream,
          });
        }
        metrics.bufferDepth.set(active.depth);
      },
    }).catch((error: unknown) => {
      state = "failed";
      failure = errorMessage(error);
      logger.error("ingest stopped on an error it cannot retry", { error: failure, url: connectUrl });
      throw error;
    });
  }

  async function stop(): Promise<void> {
    if (state === "stopped" || state === "stopping") return;
    const wasFailed = state === "failed";
    state = "stopping";
    stopping.abort(new Error("ingest stopping"));
    await done.catch(() => {});
    // Everything received is published before we disconnect: a SIGTERM loses nothing.
    await publisher?.stop();
    await producer.disconnect();
    connected = false;
    state = wasFailed ? "failed" : "stopped";
    logger.info("ingest stopped", { lastAckedEventId: publisher?.lastAckedSseId, ...counts });
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
        lastEventId,
        lastAckedEventId: publisher?.lastAckedSseId,
        connected,
        kafkaConnected,
        bufferDepth: publisher?.depth ?? 0,
        counts: { ...counts },
        startedAt,
        error: failure,
      };
    },
  };
}

export type Ingest = ReturnType<typeof createIngest>;
