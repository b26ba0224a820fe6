import { WikistreamError } from "@wikistream/resilience";

/** The closed list of the command's own error codes; exit 2 for usage, 1 for the rest. */
export const cliErrorCodes = ["usage", "not_redrivable", "ism_unavailable", "opensearch_request"] as const;
export type CliErrorCode = (typeof cliErrorCodes)[number];

/** A flag or argument the operator got wrong; the message names the flag. */
export class UsageError extends WikistreamError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super("usage", message, { context });
    this.name = "UsageError";
  }
}

/** An OpenSearch call that failed, with the call and the index it was about. */
export class OpenSearchRequestError extends WikistreamError {
  constructor(message: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super("opensearch_request", message, { ...options, retryable: true });
    this.name = "OpenSearchRequestError";
  }
}

/** The cluster has no ISM plugin (`_plugins/_ism` answers 400/404). */
export class IsmUnavailableError extends WikistreamError {
  constructor(message: string) {
    super("ism_unavailable", message);
    this.name = "IsmUnavailableError";
  }
}
