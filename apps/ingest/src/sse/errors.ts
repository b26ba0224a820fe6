import { WikistreamError } from "@wikistream/resilience";

/** Why a stream connection ended; also the `reason` label of the reconnects metric. */
export type DisconnectReason =
  | "closed" // the server ended the response normally (edge timeouts do this)
  | "network" // connect or read failed
  | "stalled" // no bytes, comments included, for the stall timeout
  | "http_429"
  | "http_5xx"
  | "http_4xx"; // anything else the server refused: not retried

export class StreamError extends WikistreamError {
  readonly reason: DisconnectReason;
  readonly retryAfterMs: number | undefined;

  constructor(
    reason: DisconnectReason,
    message: string,
    options: { cause?: unknown; url: string; status?: number; retryAfterMs?: number },
  ) {
    super(`stream_${reason}`, message, {
      cause: options.cause,
      retryable: reason !== "http_4xx",
      context: { url: options.url, status: options.status },
    });
    this.name = "StreamError";
    this.reason = reason;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
