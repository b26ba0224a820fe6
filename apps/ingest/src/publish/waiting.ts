/** Callers parked until something happens (buffer space, an empty buffer); each is woken once. */
export class Waiters {
  #waiting: (() => void)[] = [];

  /** Resolves at the next wakeAll(), or when `signal` aborts (resolves, does not reject). */
  wait(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        signal?.removeEventListener("abort", done);
        resolve();
      };
      this.#waiting.push(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  wakeAll(): void {
    const woken = this.#waiting;
    this.#waiting = [];
    for (const resolve of woken) resolve();
  }
}

/** Settles like `promise`, or rejects as soon as `signal` aborts; a late failure is then ignored. */
export function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => {});
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Aborts `controller` with `why` after `ms` (never when undefined); clearTimeout the result to cancel. */
export function abortAfter(
  ms: number | undefined,
  controller: AbortController,
  why: string,
): ReturnType<typeof setTimeout> | undefined {
  return ms === undefined ? undefined : setTimeout(() => controller.abort(new Error(why)), ms);
}
