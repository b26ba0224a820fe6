import { createParser, type EventSourceMessage, type EventSourceParser } from "eventsource-parser";
import { FrameSplitter } from "./frame-splitter.ts";

export type StreamMessage =
  | {
      type: "event";
      id: string | undefined;
      event: string | undefined;
      data: string;
      /** The frame's bytes were not UTF-8; `data` has U+FFFD where they were. */
      invalidUtf8?: true;
    }
  /** A frame over the byte limit: `data` is the start of its data, `bytes` its whole size. */
  | { type: "oversized"; id: string | undefined; data: string; bytes: number; limit: number }
  | { type: "retry"; ms: number }
  | { type: "comment"; text: string };

/** How much of an oversized frame is kept for its dead letter: far below any Kafka size limit. */
export const oversizedHeadBytes = 16_384;

/**
 * Bytes of one connection → SSE messages. The splitter bounds every frame before eventsource-parser
 * sees it, and each frame is decoded on its own with `fatal: true`, so invalid UTF-8 is reported
 * (and dead-lettered) rather than silently replaced, and one bad frame never spoils the next.
 */
export class MessageReader {
  readonly #splitter: FrameSplitter;
  readonly #parser: EventSourceParser;
  readonly #limit: number;
  readonly #strict = new TextDecoder("utf-8", { fatal: true });
  readonly #lenient = new TextDecoder("utf-8");
  #pending: StreamMessage[] = [];
  /** Whether the frame being parsed failed strict decoding. */
  #feedingInvalid = false;

  constructor(options: { maxEventBytes: number }) {
    this.#limit = options.maxEventBytes;
    this.#splitter = new FrameSplitter({ maxBytes: options.maxEventBytes, headBytes: oversizedHeadBytes });
    this.#parser = createParser({
      onEvent: (message: EventSourceMessage) =>
        this.#pending.push({
          type: "event",
          id: message.id,
          event: message.event,
          data: message.data,
          ...(this.#feedingInvalid ? { invalidUtf8: true as const } : {}),
        }),
      onRetry: (ms) => this.#pending.push({ type: "retry", ms }),
      onComment: (text) => this.#pending.push({ type: "comment", text }),
    });
  }

  /** The messages this chunk completes. */
  push(chunk: Uint8Array): StreamMessage[] {
    for (const piece of this.#splitter.push(chunk)) {
      if (piece.kind === "oversized") {
        this.#pending.push({
          type: "oversized",
          ...headOf(this.#lenient.decode(piece.head)),
          bytes: piece.bytes,
          limit: this.#limit,
        });
        continue;
      }
      let text: string;
      try {
        text = this.#strict.decode(piece.bytes);
        this.#feedingInvalid = false;
      } catch {
        text = this.#lenient.decode(piece.bytes);
        this.#feedingInvalid = true;
      }
      // A whole frame ending in its blank line: the parser dispatches it at once and keeps nothing.
      this.#parser.feed(text);
      this.#feedingInvalid = false;
    }
    const out = this.#pending;
    this.#pending = [];
    return out;
  }
}

/** The id and the start of the data of an oversized frame's kept head (whole `id:` lines only). */
export function headOf(head: string): { id: string | undefined; data: string } {
  const lines = head.split("\n");
  const last = lines.length - 1;
  let id: string | undefined;
  const data: string[] = [];
  lines.forEach((line, index) => {
    const [field, value] = splitField(line);
    if (field === "id" && index < last && !value.includes("\0")) id = value;
    if (field === "data") data.push(value);
  });
  return { id, data: data.join("\n") };
}

function splitField(line: string): [string, string] {
  const colon = line.indexOf(":");
  if (colon === -1) return [line, ""];
  const value = line.slice(colon + 1);
  return [line.slice(0, colon), value.startsWith(" ") ? value.slice(1) : value];
}

/** One event frame as the pipeline sees it; `fault` when it cannot be an event at all. */
export interface StreamFrame {
  id: string | undefined;
  data: string;
  fault?: { reason: "event_too_large" | "invalid_utf8"; detail: string };
}

/** The frame of an event or oversized message. */
export function frameOf(message: Extract<StreamMessage, { type: "event" | "oversized" }>): StreamFrame {
  if (message.type === "oversized") {
    const detail =
      `frame of ${message.bytes} bytes exceeds INGEST_MAX_EVENT_BYTES=${message.limit}; ` +
      `discarded to its end, raw holds the start of its data (${message.data.length} characters)`;
    return { id: message.id, data: message.data, fault: { reason: "event_too_large", detail } };
  }
  if (message.invalidUtf8) {
    const detail = "the frame is not valid UTF-8; raw has U+FFFD in place of the invalid bytes";
    return { id: message.id, data: message.data, fault: { reason: "invalid_utf8", detail } };
  }
  return { id: message.id, data: message.data };
}
