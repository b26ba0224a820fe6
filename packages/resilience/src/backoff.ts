export interface BackoffOptions {
  /** First delay ceiling in ms. */
  initialMs: number;
  /** Largest delay ceiling in ms. */
  maxMs: number;
  /** Growth per attempt. */
  factor?: number;
  /** Source of randomness in [0, 1), injectable for tests. */
  random?: () => number;
}

/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff and Jitter"):
 * the delay is uniform in [0, min(max, initial * factor^attempt)], which spreads reconnecting
 * clients apart instead of having them retry in lockstep.
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const { initialMs, maxMs, factor = 2, random = Math.random } = options;
  const ceiling = Math.min(maxMs, initialMs * factor ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}

/** A backoff sequence that remembers its attempt count until reset (e.g. after a healthy period). */
export function createBackoff(options: BackoffOptions) {
  let attempt = 0;
  return {
    next(): number {
      return backoffDelay(attempt++, options);
    },
    reset(): void {
      attempt = 0;
    },
    get attempt(): number {
      return attempt;
    },
  };
}

export type Backoff = ReturnType<typeof createBackoff>;

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
