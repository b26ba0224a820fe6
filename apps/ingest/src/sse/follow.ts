import type { Logger } from "@wikistream/log";
import { type Backoff, createBackoff, sleep } from "@wikistream/resilience";
import { connect } from "./connect.ts";
import { type DisconnectReason, StreamError } from "./errors.ts";

export interface FollowOptions {
  url: string;
  headers: Record<string, string>;
  stallTimeoutMs: number;
  reconnectInitialMs: number;
  reconnectMaxMs: number;
  signal: AbortSignal;
  logger: Logger;
  fetch?: typeof fetch;
  /** Where to resume on each (re)connect: the id of the newest event we still hold or published. */
  resumeId: () => string | undefined;
  /** Called for each event frame, awaited: a slow sink stops reading (backpressure). */
  onEvent: (frame: { id: string | undefined; data: string }) => Promise<void>;
  onConnected?: () => void;
  onDisconnect?: (reason: DisconnectReason, error: StreamError) => void;
  /** Called once if the very first connection attempts cannot reach the server (no DNS, refused). */
  onUnreachable?: (error: StreamError) => void;
  onBytes?: (bytes: number) => void;
  random?: () => number;
}

/**
 * Follows an EventStreams URL forever: reconnects after every close, error, 5xx, 429 and stall with
 * exponential backoff and full jitter, never faster than the server's `retry:` or `Retry-After`, and
 * resumes each time with `Last-Event-ID`. Returns when the signal aborts; throws on a 4xx the server
 * will keep refusing (bad stream name, 403 for the User-Agent), since retrying cannot help.
 */
export async function followStream(options: FollowOptions): Promise<void> {
  const backoff: Backoff = createBackoff({
    initialMs: options.reconnectInitialMs,
    maxMs: options.reconnectMaxMs,
    random: options.random,
  });
  let serverRetryMs = 0;
  let everConnected = false;
  let toldUnreachable = false;
  const { signal, logger } = options;

  while (!signal.aborted) {
    let received = 0;
    try {
      const lastEventId = options.resumeId();
      for await (const message of connect({ ...options, lastEventId })) {
        if (message.type === "retry") serverRetryMs = message.ms;
        if (message.type !== "event") continue;
        if (received++ === 0) {
          everConnected = true;
          options.onConnected?.();
          logger.info("stream connected", { url: options.url, lastEventId });
        }
        // A connection that delivers is healthy again: the next failure starts from a short delay.
        backoff.reset();
        await options.onEvent({ id: message.id, data: message.data });
      }
    } catch (error) {
      if (signal.aborted) return;
      if (!(error instanceof StreamError)) throw error;
      options.onDisconnect?.(error.reason, error);
      if (!error.retryable) throw error;
      if (error.reason === "unreachable" && !everConnected && !toldUnreachable) {
        toldUnreachable = true;
        options.onUnreachable?.(error);
      }
      // The floor keeps a server that closes right after one event from driving a hot loop.
      const floor = options.reconnectInitialMs / 10;
      const delay = Math.max(backoff.next(), floor, serverRetryMs, error.retryAfterMs ?? 0);
      logger.warn("stream disconnected, reconnecting", {
        reason: error.reason,
        error: error.message,
        url: options.url,
        eventsThisConnection: received,
        delayMs: delay,
      });
      try {
        await sleep(delay, signal);
      } catch {
        return;
      }
    }
  }
}
