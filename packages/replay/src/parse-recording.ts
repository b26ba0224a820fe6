import { createParser, type EventSourceMessage } from "eventsource-parser";
import { ReplayError } from "./errors.ts";
import { type RecordedEvent, toRecordedEvent } from "./recorded-event.ts";

export interface ParseOptions {
  /** Stream for events without `meta.stream` and without a known `$schema`. */
  defaultStream?: string;
  /** "throw" (default) stops at the first bad line; "skip" drops it and reports it to `onSkip`. */
  onInvalid?: "throw" | "skip";
  onSkip?: (error: ReplayError) => void;
}

function collect(options: ParseOptions, out: RecordedEvent[], read: () => RecordedEvent): void {
  try {
    out.push(read());
  } catch (error) {
    if (options.onInvalid !== "skip" || !(error instanceof ReplayError)) throw error;
    options.onSkip?.(error);
  }
}

/** One JSON event per line; blank lines are ignored. `file` only names the source in errors. */
export function parseNdjson(text: string, file: string, options: ParseOptions = {}): RecordedEvent[] {
  const out: RecordedEvent[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    collect(options, out, () =>
      toRecordedEvent(line, { file, line: index + 1, defaultStream: options.defaultStream }),
    );
  });
  return out;
}

// Lines with their terminators, so the parser sees exactly the recorded bytes.
const LINE = /[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g;

/**
 * A raw SSE capture. eventsource-parser does the framing (comments, `event:`/`id:`/`data:`, any line
 * ending); it is fed one line at a time so each event can be traced to the line of its first `data:`.
 * Frames with an `event:` other than `message` (server-side `error` events) are not stream data.
 */
export function parseSse(text: string, file: string, options: ParseOptions = {}): RecordedEvent[] {
  const out: RecordedEvent[] = [];
  let lineNo = 0;
  let dataLine: number | undefined;
  let frameError: ReplayError | undefined;
  const onEvent = (message: EventSourceMessage) => {
    const line = dataLine ?? lineNo;
    dataLine = undefined;
    if (message.event !== undefined && message.event !== "message") return;
    collect(options, out, () =>
      toRecordedEvent(message.data, {
        file,
        line,
        sourceId: message.id,
        defaultStream: options.defaultStream,
      }),
    );
  };
  const parser = createParser({
    onEvent,
    onError: (error) => {
      frameError ??= new ReplayError("recording_invalid_frame", `${file}:${lineNo}: ${error.message}`, {
        file,
        line: lineNo,
        cause: error,
      });
    },
  });
  const feed = (chunk: string) => {
    parser.feed(chunk);
    if (frameError === undefined) return;
    const error = frameError;
    frameError = undefined;
    if (options.onInvalid !== "skip") throw error;
    options.onSkip?.(error);
  };
  for (const match of text.matchAll(LINE)) {
    lineNo += 1;
    if (dataLine === undefined && /^data(?::|\r|\n|$)/.test(match[0])) dataLine = lineNo;
    feed(match[0]);
  }
  // Captures may stop without the closing blank line (or newline) after the last frame.
  feed("\n\n");
  return out;
}
