import { WikistreamError } from "@wikistream/resilience";

/** Why a stream connection ended; also the `reason` label of the reconnects metric. */
export type DisconnectReason =
  | "closed" // the server ended the response normally (edge timeouts do this)
  | "unreachable" // no connection: DNS, refused, TLS (e.g. no internet)
  | "network" // the connection broke while reading
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

/**
 * What to do about a refusal the server will repeat, in the operator's terms (the variable to change).
 * 403 is how Wikimedia answers a generic User-Agent; 400 follows a bad stream name, `since` or a
 * Last-Event-ID naming topics of streams that are no longer requested.
 */
export function refusalHint(
  status: number,
  request: { userAgent: string | undefined; lastEventId: string | undefined },
): string {
  if (status === 403) {
    return (
      `Wikimedia refuses generic User-Agents: set INGEST_USER_AGENT to "<tool>/<version> (<url>; <email>)" ` +
      `(sent: ${JSON.stringify(request.userAgent)}; policy: https://foundation.wikimedia.org/wiki/Policy:Wikimedia_Foundation_User-Agent_Policy)`
    );
  }
  if (status === 400 && request.lastEventId !== undefined) {
    return (
      `the server refused the Last-Event-ID recovered from Kafka (${request.lastEventId}); if INGEST_STREAMS ` +
      "changed since those records were written, restore it or start on a new INGEST_TOPIC_PREFIX"
    );
  }
  if (status === 400) return "check INGEST_STREAMS and INGEST_SINCE";
  if (status === 404) return "check INGEST_STREAM_URL (expected e.g. https://stream.wikimedia.org/v2/stream)";
  return "not retried: the server would refuse again";
}
