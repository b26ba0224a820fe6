import { createParser } from "eventsource-parser";

/** A test client: fetch + eventsource-parser, bounded by limits so no test can hang. */
export interface ReceivedEvent {
  readonly event: string | undefined;
  readonly id: string | undefined;
  readonly data: string;
}

export type ReadEnd = "eof" | "error" | "max_events" | "idle" | "timeout" | "max_comments";

export interface ReadResult {
  readonly status: number;
  readonly headers: Headers;
  readonly events: ReceivedEvent[];
  readonly comments: string[];
  /** Raw body bytes as received, and how many network chunks they came in. */
  readonly raw: Buffer;
  readonly chunks: number;
  readonly end: ReadEnd;
  readonly error: unknown;
  /** The error body of a non-2xx response. */
  readonly body: string | undefined;
}

export interface ReadOptions {
  readonly lastEventId?: string | undefined;
  readonly maxEvents?: number;
  readonly maxComments?: number;
  /** Give up when nothing arrives for this long. */
  readonly idleMs?: number;
  /** Overall bound (default 5000 ms). */
  readonly timeoutMs?: number;
}

export async function readStream(url: string, options: ReadOptions = {}): Promise<ReadResult> {
  const read = new BoundedRead(options);
  try {
    const headers: Record<string, string> = { accept: "text/event-stream" };
    if (options.lastEventId !== undefined) headers["last-event-id"] = options.lastEventId;
    const response = await fetch(url, { headers, signal: read.signal });
    if (!response.ok || response.body === null) {
      return {
        status: response.status,
        headers: response.headers,
        events: [],
        comments: [],
        raw: Buffer.alloc(0),
        chunks: 0,
        end: "eof",
        error: undefined,
        body: await response.text(),
      };
    }
    await read.consume(response.body);
    return read.result(response);
  } finally {
    read.dispose();
  }
}

/** One read of a stream body, ended by the first limit reached (or the body's end, or an error). */
class BoundedRead {
  readonly #options: ReadOptions;
  readonly #controller = new AbortController();
  readonly #overall: NodeJS.Timeout;
  readonly #events: ReceivedEvent[] = [];
  readonly #comments: string[] = [];
  readonly #rawChunks: Buffer[] = [];
  #idle: NodeJS.Timeout | undefined;
  #end: ReadEnd | undefined;
  #error: unknown;

  constructor(options: ReadOptions) {
    this.#options = options;
    this.#overall = setTimeout(() => this.#stop("timeout"), options.timeoutMs ?? 5000);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  async consume(body: ReadableStream<Uint8Array>): Promise<void> {
    const options = this.#options;
    const parser = createParser({
      onEvent: (message) => {
        // One network chunk can hold many frames; nothing counts after a limit is reached.
        if (this.#end !== undefined) return;
        this.#events.push({ event: message.event, id: message.id, data: message.data });
        if (options.maxEvents !== undefined && this.#events.length >= options.maxEvents)
          this.#stop("max_events");
      },
      onComment: (comment) => {
        if (this.#end !== undefined) return;
        this.#comments.push(comment);
        if (options.maxComments !== undefined && this.#comments.length >= options.maxComments)
          this.#stop("max_comments");
      },
    });
    // A streaming decoder: UTF-8 characters split across chunks must come out whole.
    const decoder = new TextDecoder("utf-8");
    this.#touch();
    try {
      const reader = body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.#rawChunks.push(Buffer.from(value));
        this.#touch();
        parser.feed(decoder.decode(value, { stream: true }));
        if (this.#end !== undefined) break;
      }
      this.#end ??= "eof";
    } catch (caught) {
      if (this.#end === undefined) {
        this.#end = "error";
        this.#error = caught;
      }
    }
  }

  result(response: Response): ReadResult {
    return {
      status: response.status,
      headers: response.headers,
      events: this.#events,
      comments: this.#comments,
      raw: Buffer.concat(this.#rawChunks),
      chunks: this.#rawChunks.length,
      end: this.#end ?? "eof",
      error: this.#error,
      body: undefined,
    };
  }

  dispose(): void {
    clearTimeout(this.#overall);
    clearTimeout(this.#idle);
    this.#controller.abort();
  }

  #stop(reason: ReadEnd): void {
    this.#end ??= reason;
    this.#controller.abort();
  }

  #touch(): void {
    if (this.#options.idleMs === undefined) return;
    clearTimeout(this.#idle);
    this.#idle = setTimeout(() => this.#stop("idle"), this.#options.idleMs);
  }
}
