import type { Logger } from "@wikistream/log";
import { type Backoff, createBackoff, sleep } from "@wikistream/resilience";
import { connect } from "./connect.ts";
import { type DisconnectReason, StreamError } from "./errors.ts";
import { frameOf, type StreamFrame } from "./messages.ts";

export interface FollowOptions {
  url: string;
  headers: Record<string, string>;
  stallTimeoutMs: number;
  maxEventBytes: number;
  reconnectInitialMs: number;
  reconnectMaxMs: number;
  /** The most a server's `retry:` or `Retry-After` may delay a reconnect. */
  serverDelayMaxMs: number;
  signal: AbortSignal;
  logger: Logger;
  fetch?: typeof fetch;
  /** Where to resume on each (re)connect: the id of the newest event we still hold or published. */
  resumeId: () => string | undefined;
  /** Called for each event frame, awaited: a slow sink stops reading (backpressure). */
  onEvent: (frame: StreamFrame) => Promise<void>;
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
  const state: FollowState = {
    backoff: createBackoff({
      initialMs: options.reconnectInitialMs,
      maxMs: options.reconnectMaxMs,
      random: options.random,
    }),
    serverRetryMs: 0,
    everConnected: false,
    toldUnreachable: false,
  };
  const { signal } = options;
  while (!signal.aborted) {
    const connection = { received: 0 };
    try {
      await readConnection(options, state, connection);
    } catch (error) {
      if (signal.aborted) return;
      const delay = delayAfter(error, options, state, connection.received);
      try {
        await sleep(delay, signal);
      } catch {
        return;
      }
    }
  }
}

/** What the reconnect loop carries from one connection to the next. */
interface FollowState {
  backoff: Backoff;
  /** The server's last `retry:`, a floor for every later delay. */
  serverRetryMs: number;
  everConnected: boolean;
  toldUnreachable: boolean;
}

/** One connection, each event handed to onEvent; ends by throwing (a close is a StreamError too). */
async function readConnection(
  options: FollowOptions,
  state: FollowState,
  connection: { received: number },
): Promise<void> {
  const lastEventId = options.resumeId();
  for await (const message of connect({ ...options, lastEventId })) {
    if (message.type === "retry") state.serverRetryMs = message.ms;
    if (message.type !== "event" && message.type !== "oversized") continue;
    if (connection.received++ === 0) {
      state.everConnected = true;
      options.onConnected?.();
      options.logger.info("stream connected", { url: options.url, lastEventId });
    }
    // A connection that delivers is healthy again: the next failure starts from a short delay.
    state.backoff.reset();
    await options.onEvent(frameOf(message));
  }
}

/** The wait before reconnecting after `error`; rethrows what retrying cannot fix. */
function delayAfter(error: unknown, options: FollowOptions, state: FollowState, received: number): number {
  if (!(error instanceof StreamError)) throw error;
  options.onDisconnect?.(error.reason, error);
  if (!error.retryable) throw error;
  if (error.reason === "unreachable" && !state.everConnected && !state.toldUnreachable) {
    state.toldUnreachable = true;
    options.onUnreachable?.(error);
  }
  // The floor keeps a server that closes right after one event from driving a hot loop.
  const floor = options.reconnectInitialMs / 10;
  const server = serverDelay(state.serverRetryMs, error.retryAfterMs, options.serverDelayMaxMs);
  const delay = Math.max(state.backoff.next(), floor, server.ms);
  options.logger.warn("stream disconnected, reconnecting", {
    reason: error.reason,
    error: error.message,
    url: options.url,
    eventsThisConnection: received,
    delayMs: delay,
    ...(server.clampedFromMs === undefined ? {} : { serverAskedMs: server.clampedFromMs }),
  });
  return delay;
}

/**
 * The server's wish (`retry:`, `Retry-After`), at most `maxMs`: a huge value would otherwise overflow
 * the timer (setTimeout fires at once beyond 2^31-1 ms) into a reconnect loop, or park ingest for years.
 */
export function serverDelay(
  retryMs: number,
  retryAfterMs: number | undefined,
  maxMs: number,
): { ms: number; clampedFromMs?: number } {
  const asked = Math.max(retryMs, retryAfterMs ?? 0);
  return asked > maxMs ? { ms: maxMs, clampedFromMs: asked } : { ms: asked };
}
