import { type BackoffOptions, createBackoff, sleep } from "./backoff.ts";
import { errorMessage, WikistreamError } from "./errors.ts";

export interface RetryUntilOptions {
  /** What is being attempted, for the error once the deadline passes ("reading the resume point"). */
  what: string;
  /** Give up once this much time has passed since the first attempt. */
  deadlineMs: number;
  /** Whether waiting can fix this error; others are thrown at once. */
  isRetriable: (error: unknown) => boolean;
  backoff: BackoffOptions;
  /** Each retry, before its delay: log it with its cause. */
  onRetry?: (retry: { attempt: number; error: unknown; delayMs: number; remainingMs: number }) => void;
  signal?: AbortSignal;
  now?: () => number;
}

/** The deadline passed while the error was still one that waiting could fix; `cause` is the last one. */
export class DeadlineExceededError extends WikistreamError {
  readonly attempts: number;
  constructor(what: string, deadlineMs: number, attempts: number, cause: unknown) {
    super("deadline_exceeded", `${what} did not succeed within ${deadlineMs} ms: ${errorMessage(cause)}`, {
      cause,
      context: { attempts, deadlineMs },
    });
    this.name = "DeadlineExceededError";
    this.attempts = attempts;
  }

  /** "still failing after 3 attempts in 1.5 s", for a start-up line. */
  get waited(): string {
    const seconds = Number((Number(this.context.deadlineMs) / 1000).toFixed(1));
    return `still failing after ${this.attempts} ${this.attempts === 1 ? "attempt" : "attempts"} in ${seconds} s`;
  }
}

/**
 * Runs `operation` until it succeeds, retrying errors that `isRetriable` accepts with jittered backoff
 * until the deadline. A non-retriable error, an abort, or the deadline ends it; the delay never runs
 * past the deadline, so the caller hears about the failure on time.
 */
export async function retryUntil<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryUntilOptions,
): Promise<T> {
  const now = options.now ?? Date.now;
  const started = now();
  const backoff = createBackoff(options.backoff);
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (options.signal?.aborted || !options.isRetriable(error)) throw error;
      const remainingMs = options.deadlineMs - (now() - started);
      if (remainingMs <= 0) throw new DeadlineExceededError(options.what, options.deadlineMs, attempt, error);
      const delayMs = Math.min(Math.max(backoff.next(), 50), remainingMs);
      options.onRetry?.({ attempt, error, delayMs, remainingMs });
      await sleep(delayMs, options.signal);
    }
  }
}
