import type { Logger } from "@wikistream/log";
import type { IngestConfig } from "./config.ts";
import type { IngestMetrics } from "./metrics.ts";
import type { Publisher } from "./publish/publisher.ts";
import { rewindEventId } from "./resume/rewind.ts";
import type { FrameRouter } from "./route/router.ts";
import { followStream } from "./sse/follow.ts";
import { explainUnreachable } from "./startup/explain.ts";

export interface ReadStreamOptions {
  /** What to connect to, `?since=` included. */
  connectUrl: string;
  /** The stream URL without `since`, named in logs. */
  streamUrl: string;
  config: IngestConfig;
  metrics: IngestMetrics;
  logger: Logger;
  fetch?: typeof fetch | undefined;
  signal: AbortSignal;
  router: FrameRouter;
  publisher: Publisher;
  /** Told of each event frame read, before it is routed. */
  onFrame: (sseId: string | undefined) => void;
  onConnection: (connected: boolean) => void;
}

/**
 * EventStreams → router → publisher, until the signal aborts; rejects on an error retrying cannot fix.
 * Each reconnect resumes from the newest event held, rewound (see rewindEventId).
 */
export function readStream(options: ReadStreamOptions): Promise<void> {
  const { config, metrics, logger, signal, router, publisher } = options;
  return followStream({
    url: options.connectUrl,
    headers: { "user-agent": config.userAgent },
    stallTimeoutMs: config.stallTimeoutMs,
    maxEventBytes: config.maxEventBytes,
    reconnectInitialMs: config.reconnectInitialMs,
    reconnectMaxMs: config.reconnectMaxMs,
    serverDelayMaxMs: config.serverDelayMaxMs,
    signal,
    logger,
    fetch: options.fetch,
    resumeId: () => {
      const held = publisher.lastHeldSseId;
      return held === undefined ? undefined : rewindEventId(held);
    },
    onConnected: () => {
      options.onConnection(true);
      metrics.connected.set(1);
    },
    onDisconnect: (reason) => {
      options.onConnection(false);
      metrics.connected.set(0);
      metrics.reconnects.inc({ reason });
    },
    onUnreachable: (error) => logger.error(explainUnreachable(error.message), { url: options.streamUrl }),
    onBytes: (bytes) => metrics.bytes.inc(bytes),
    onEvent: async (frame) => {
      options.onFrame(frame.id);
      const record = await router.route(frame);
      // Waits while the buffer is full: this is what stops reading when Kafka is slow or down.
      if (record) await publisher.enqueue(record, signal);
      metrics.bufferDepth.set(publisher.depth);
    },
  });
}
