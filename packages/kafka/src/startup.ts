import type { Logger } from "@wikistream/log";
import { retryUntil } from "@wikistream/resilience";
import { classifyKafkaError, describeKafkaFailure, isRetriableKafkaFailure } from "./errors.ts";

export interface SettleOptions {
  /** How long start-up may wait for the cluster (the app's *_STARTUP_TIMEOUT_MS). */
  deadlineMs: number;
  logger: Logger;
  signal?: AbortSignal;
  /** Other errors that waiting can fix, e.g. an OpenSearch node still starting. */
  alsoRetriable?: (error: unknown) => boolean;
}

/**
 * Runs one start-up step, waiting out the routine moments of a healthy cluster (a topic just created,
 * a leader moving, a broker restarting) until the deadline, and logging each retry with its cause.
 */
export function untilClusterSettles<T>(
  what: string,
  step: () => Promise<T>,
  options: SettleOptions,
): Promise<T> {
  return retryUntil(step, {
    what,
    deadlineMs: options.deadlineMs,
    signal: options.signal,
    backoff: { initialMs: 250, maxMs: 5_000 },
    isRetriable: (error) =>
      isRetriableKafkaFailure(classifyKafkaError(error)) || (options.alsoRetriable?.(error) ?? false),
    onRetry: ({ attempt, error, delayMs, remainingMs }) =>
      options.logger.warn(`${what}: not ready yet, retrying`, {
        cause: describeKafkaFailure(classifyKafkaError(error)),
        attempt,
        delayMs,
        remainingMs,
      }),
  });
}
