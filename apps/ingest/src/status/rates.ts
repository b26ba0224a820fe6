/**
 * Events per second over a sliding window (one bucket per second), for `/status`. Prometheus derives
 * rates from the counters itself; this is for a human with curl, so it needs no scraper.
 */
export function createRateWindow(options: { windowSeconds?: number; now?: () => number } = {}) {
  const size = options.windowSeconds ?? 60;
  const now = options.now ?? Date.now;
  const started = now();
  const counts = new Float64Array(size);
  const seconds = new Float64Array(size).fill(-1);

  return {
    add(n = 1): void {
      const second = Math.floor(now() / 1000);
      const slot = second % size;
      if (seconds[slot] !== second) {
        seconds[slot] = second;
        counts[slot] = 0;
      }
      counts[slot] = (counts[slot] ?? 0) + n;
    },
    /** The mean over the window, or over the time since start while that is shorter. */
    perSecond(): number {
      const at = now();
      const second = Math.floor(at / 1000);
      let total = 0;
      for (let slot = 0; slot < size; slot++) {
        if (second - (seconds[slot] ?? -1) < size) total += counts[slot] ?? 0;
      }
      const elapsed = Math.min(size, Math.max(1, (at - started) / 1000));
      return Math.round((total / elapsed) * 100) / 100;
    },
    windowSeconds: size,
  };
}

export type RateWindow = ReturnType<typeof createRateWindow>;
