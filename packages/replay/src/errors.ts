/**
 * Every way the replay package can refuse something. Callers branch on `code`, never on message text.
 * HTTP-facing codes double as the `type` of the JSON error body, as EventStreams does.
 */
export type ReplayErrorCode =
  | "recording_unreadable"
  | "recording_invalid_json"
  | "recording_invalid_event"
  | "recording_invalid_frame"
  | "recording_unknown_stream"
  | "invalid_option"
  | "invalid_timestamp"
  | "invalid_last_event_id"
  | "invalid_assignment";

export interface ReplayErrorContext {
  readonly file?: string;
  readonly line?: number;
  readonly cause?: unknown;
}

export class ReplayError extends Error {
  readonly code: ReplayErrorCode;
  // Nothing here gets better by retrying: the recording or the request itself is wrong.
  readonly retryable: boolean = false;
  readonly file: string | undefined;
  readonly line: number | undefined;

  constructor(code: ReplayErrorCode, message: string, context: ReplayErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.name = "ReplayError";
    this.code = code;
    this.file = context.file;
    this.line = context.line;
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
