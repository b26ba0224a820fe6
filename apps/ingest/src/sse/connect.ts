import { createParser, type EventSourceMessage } from "eventsource-parser";
import { parseRetryAfter, refusalHint, StreamError } from "./errors.ts";

export interface ConnectOptions {
  url: string;
  headers: Record<string, string>;
  lastEventId: string | undefined;
  stallTimeoutMs: number;
  signal: AbortSignal;
  fetch?: typeof fetch;
  /** Called with the size of every chunk, for the bytes metric. */
  onBytes?: (bytes: number) => void;
}

export type StreamMessage =
  | { type: "event"; id: string | undefined; event: string | undefined; data: string }
  | { type: "retry"; ms: number }
  | { type: "comment"; text: string };

/**
 * One EventStreams connection: yields SSE messages until the server closes (then throws a `closed`
 * StreamError so every end of a connection takes the same reconnect path), the connection fails, or
 * nothing at all arrives for `stallTimeoutMs`.
 */
export async function* connect(options: ConnectOptions): AsyncGenerator<StreamMessage> {
  const { url, signal } = options;
  const connection = new AbortController();
  const abortConnection = () => connection.abort(signal.reason);
  signal.addEventListener("abort", abortConnection, { once: true });
  let stalled = false;
  let stallTimer: ReturnType<typeof setTimeout> | undefined;
  const armStallTimer = () => {
    clearTimeout(stallTimer);
    stallTimer = setTimeout(() => {
      stalled = true;
      connection.abort(new Error("stalled"));
    }, options.stallTimeoutMs);
  };

  try {
    const headers: Record<string, string> = { accept: "text/event-stream", ...options.headers };
    if (options.lastEventId) headers["last-event-id"] = options.lastEventId;
    armStallTimer();
    let response: Response;
    try {
      response = await (options.fetch ?? fetch)(url, { headers, signal: connection.signal });
    } catch (cause) {
      if (signal.aborted) throw signal.reason;
      const reason = stalled ? "stalled" : "unreachable";
      throw new StreamError(reason, `cannot connect to ${url}: ${describeCause(cause)}`, { cause, url });
    }
    if (!response.ok || !response.body) {
      const body = (await response.text().catch(() => "")).trim().slice(0, 300);
      const status = response.status;
      const reason = status === 429 ? "http_429" : status >= 500 ? "http_5xx" : "http_4xx";
      const hint =
        reason === "http_4xx"
          ? `; ${refusalHint(status, { userAgent: headers["user-agent"], lastEventId: options.lastEventId })}`
          : "";
      throw new StreamError(reason, `${url} answered HTTP ${status}: ${body}${hint}`, {
        url,
        status,
        retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
      });
    }

    const pending: StreamMessage[] = [];
    const parser = createParser({
      onEvent: (message: EventSourceMessage) =>
        pending.push({ type: "event", id: message.id, event: message.event, data: message.data }),
      onRetry: (ms) => pending.push({ type: "retry", ms }),
      onComment: (text) => pending.push({ type: "comment", text }),
    });
    // A streaming decoder keeps a UTF-8 character that is split across chunks intact.
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    try {
      while (true) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (cause) {
          if (signal.aborted) throw signal.reason;
          const reason = stalled ? "stalled" : "network";
          const detail = stalled ? `no bytes for ${options.stallTimeoutMs} ms` : describeCause(cause);
          throw new StreamError(reason, `reading ${url} failed: ${detail}`, { cause, url });
        }
        if (chunk.done) break;
        options.onBytes?.(chunk.value.byteLength);
        parser.feed(decoder.decode(chunk.value, { stream: true }));
        // While the consumer holds us at a yield (Kafka backpressure) we are not reading, so the
        // silence is ours, not the server's: the stall clock runs only while we wait for bytes.
        clearTimeout(stallTimer);
        while (pending.length > 0) yield pending.shift()!;
        armStallTimer();
      }
    } finally {
      reader.releaseLock();
    }
    // A frame cut off by the close is incomplete by definition and is discarded (SSE spec §9.2.6).
    throw new StreamError("closed", `${url} closed the stream`, { url });
  } finally {
    clearTimeout(stallTimer);
    signal.removeEventListener("abort", abortConnection);
    connection.abort();
  }
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = cause.cause instanceof Error ? ` (${cause.cause.message})` : "";
  return `${cause.message}${inner}`;
}
