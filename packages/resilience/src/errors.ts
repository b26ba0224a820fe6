/**
 * Base of every wikistream error: a stable `code` that retry and dead-letter decisions read (never
 * the message), whether a retry can help, and the underlying `cause`.
 */
export class WikistreamError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(
    code: string,
    message: string,
    options: { cause?: unknown; retryable?: boolean; context?: Record<string, unknown> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "WikistreamError";
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.context = Object.freeze({ ...options.context });
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
