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
  const controller = new AbortController();
  let end: ReadEnd | undefined;
  const stop = (reason: ReadEnd) => {
    end ??= reason;
    controller.abort();
  };
  const overall = setTimeout(() => stop("timeout"), options.timeoutMs ?? 5000);
  let idle: NodeJS.Timeout | undefined;
  const touch = () => {
    if (options.idleMs === undefined) return;
    clearTimeout(idle);
    idle = setTimeout(() => stop("idle"), options.idleMs);
  };
  const events: ReceivedEvent[] = [];
  const comments: string[] = [];
  const rawChunks: Buffer[] = [];
  let error: unknown;
  try {
    const headers: Record<string, string> = { accept: "text/event-stream" };
    if (options.lastEventId !== undefined) headers["last-event-id"] = options.lastEventId;
    const response = await fetch(url, { headers, signal: controller.signal });
    if (!response.ok || response.body === null) {
      return {
        status: response.status,
        headers: response.headers,
        events,
        comments,
        raw: Buffer.alloc(0),
        chunks: 0,
        end: "eof",
        error: undefined,
        body: await response.text(),
      };
    }
    const parser = createParser({
      onEvent: (message) => {
        // One network chunk can hold many frames; nothing counts after a limit is reached.
        if (end !== undefined) return;
        events.push({ event: message.event, id: message.id, data: message.data });
        if (options.maxEvents !== undefined && events.length >= options.maxEvents) stop("max_events");
      },
      onComment: (comment) => {
        if (end !== undefined) return;
        comments.push(comment);
        if (options.maxComments !== undefined && comments.length >= options.maxComments) stop("max_comments");
      },
    });
    // A streaming decoder: UTF-8 characters split across chunks must come out whole.
    const decoder = new TextDecoder("utf-8");
    touch();
    try {
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        rawChunks.push(Buffer.from(value));
        touch();
        parser.feed(decoder.decode(value, { stream: true }));
        if (end !== undefined) break;
      }
      end ??= "eof";
    } catch (caught) {
      if (end === undefined) {
        end = "error";
        error = caught;
      }
    }
    return {
      status: response.status,
      headers: response.headers,
      events,
      comments,
      raw: Buffer.concat(rawChunks),
      chunks: rawChunks.length,
      end,
      error,
      body: undefined,
    };
  } finally {
    clearTimeout(overall);
    clearTimeout(idle);
    controller.abort();
  }
}
