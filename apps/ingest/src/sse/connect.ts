import { parseRetryAfter, refusalHint, StreamError } from "./errors.ts";
import { MessageReader, type StreamMessage } from "./messages.ts";

export type { StreamMessage } from "./messages.ts";

export interface ConnectOptions {
  url: string;
  headers: Record<string, string>;
  lastEventId: string | undefined;
  stallTimeoutMs: number;
  /** Largest frame held; a longer one is discarded to its end and reported as `oversized`. */
  maxEventBytes: number;
  signal: AbortSignal;
  fetch?: typeof fetch;
  /** Called with the size of every chunk, for the bytes metric. */
  onBytes?: (bytes: number) => void;
}

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
  const stall = new StallTimer(options.stallTimeoutMs, () => connection.abort(new Error("stalled")));
  try {
    stall.arm();
    const body = await open(options, connection.signal, stall);
    yield* messages(body, options, stall, connection.signal);
    // A frame cut off by the close is incomplete by definition and is discarded (SSE spec §9.2.6).
    throw new StreamError("closed", `${url} closed the stream`, { url });
  } finally {
    stall.pause();
    signal.removeEventListener("abort", abortConnection);
    connection.abort();
  }
}

/** Aborts the connection when no byte arrived for `ms`; paused while the consumer holds the reader. */
class StallTimer {
  readonly #ms: number;
  readonly #onStall: () => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stalled = false;

  constructor(ms: number, onStall: () => void) {
    this.#ms = ms;
    this.#onStall = onStall;
  }

  get stalled(): boolean {
    return this.#stalled;
  }

  arm(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#stalled = true;
      this.#onStall();
    }, this.#ms);
  }

  pause(): void {
    clearTimeout(this.#timer);
  }
}

/** The response body of a successful request; a failure or refusal as a StreamError with its reason. */
async function open(
  options: ConnectOptions,
  connection: AbortSignal,
  stall: StallTimer,
): Promise<ReadableStream<Uint8Array>> {
  const { url, signal } = options;
  const headers: Record<string, string> = { accept: "text/event-stream", ...options.headers };
  if (options.lastEventId) headers["last-event-id"] = options.lastEventId;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, { headers, signal: connection });
  } catch (cause) {
    if (signal.aborted) throw signal.reason;
    const reason = stall.stalled ? "stalled" : "unreachable";
    throw new StreamError(reason, `cannot connect to ${url}: ${describeCause(cause)}`, { cause, url });
  }
  if (response.ok && response.body) return response.body;
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

/** The SSE messages of a body, until it ends; a read failure as a `network` or `stalled` StreamError. */
async function* messages(
  body: ReadableStream<Uint8Array>,
  options: ConnectOptions,
  stall: StallTimer,
  connection: AbortSignal,
): AsyncGenerator<StreamMessage> {
  const { url, signal } = options;
  // Frames are cut from bytes and decoded whole, so a UTF-8 character split across chunks stays intact.
  const frames = new MessageReader({ maxEventBytes: options.maxEventBytes });
  const reader = body.getReader();
  // Deno (2.9) does not fail a pending read of a held response when its request is aborted, so a
  // stop or a stall would wait forever; cancelling the reader ends the read on every runtime.
  const cancel = () => void reader.cancel(connection.reason).catch(() => {});
  connection.addEventListener("abort", cancel, { once: true });
  const failure = (cause: unknown) => {
    if (signal.aborted) return signal.reason;
    const reason = stall.stalled ? "stalled" : "network";
    const detail = stall.stalled ? `no bytes for ${options.stallTimeoutMs} ms` : describeCause(cause);
    return new StreamError(reason, `reading ${url} failed: ${detail}`, { cause, url });
  };
  try {
    while (true) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (cause) {
        throw failure(cause);
      }
      // A cancelled read ends as done: that is the abort, not the server closing.
      if (chunk.done && connection.aborted) throw failure(connection.reason);
      if (chunk.done) return;
      options.onBytes?.(chunk.value.byteLength);
      const pending = frames.push(chunk.value);
      // While the consumer holds us at a yield (Kafka backpressure) we are not reading, so the
      // silence is ours, not the server's: the stall clock runs only while we wait for bytes.
      stall.pause();
      for (const message of pending) yield message;
      stall.arm();
    }
  } finally {
    connection.removeEventListener("abort", cancel);
    reader.releaseLock();
  }
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = cause.cause instanceof Error ? ` (${cause.cause.message})` : "";
  return `${cause.message}${inner}`;
}
