import { classifyOpenSearchError, isOpenSearchSetupFailure } from "@wikistream/opensearch";

/**
 * Whether start-up waits out this OpenSearch error until INDEXER_STARTUP_TIMEOUT_MS: a refused
 * connection, a timeout, 429/5xx or a cluster not yet settled, yes (the step marks those retryable).
 * Refused credentials (401/403), an untrusted or misnamed certificate, a plaintext node behind an
 * https:// URL, no AWS credentials for SigV4: no, whatever the step says, because they are
 * configuration and waiting cannot fix them; start-up stops at the first one with its explanation.
 */
export function waitOutAtStart(error: unknown): boolean {
  if (isOpenSearchSetupFailure(classifyOpenSearchError(error))) return false;
  return (error as { retryable?: unknown } | null)?.retryable === true;
}
