export { type Backoff, type BackoffOptions, backoffDelay, createBackoff, sleep } from "./backoff.ts";
export { errorMessage, WikistreamError } from "./errors.ts";
export { DeadlineExceededError, type RetryUntilOptions, retryUntil } from "./retry.ts";
