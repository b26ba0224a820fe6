/**
 * Reuses `_bulk` request bodies. Each bulk is copied into one buffer of known length (~1 MB for 1,000
 * documents), allocated outside the JavaScript heap: about as many bytes as the records fetched, and
 * a major collection per 16 MiB of such growth (INDEXER_GC_EXTERNAL_BYTES). A body OpenSearch has
 * answered with 2xx was read to its last byte, so its buffer can hold the next bulk.
 */
export interface BodyPoolOptions {
  /** Free buffers kept (one per bulk in flight is enough). */
  maxFree: number;
  /** Buffers larger than this are not kept (INDEXER_BULK_MAX_BYTES plus the rounding). */
  maxBytes: number;
  /** Capacities are rounded up to this, so that one buffer serves the next, slightly larger body. */
  granule?: number;
}

export class BodyBufferPool {
  readonly #options: Required<BodyPoolOptions>;
  readonly #free: Uint8Array[] = [];
  #allocated = 0;

  constructor(options: BodyPoolOptions) {
    this.#options = { granule: 256 * 1024, ...options };
  }

  /** Buffers allocated so far (the rest of the bodies reused one). */
  get allocated(): number {
    return this.#allocated;
  }

  get free(): number {
    return this.#free.length;
  }

  /** A buffer of exactly `size` bytes: a view of the smallest free one that fits, else a new one. */
  acquire(size: number): Uint8Array {
    let best = -1;
    this.#free.forEach((buffer, at) => {
      if (buffer.byteLength >= size && (best < 0 || buffer.byteLength < (this.#free[best]?.byteLength ?? 0)))
        best = at;
    });
    if (best >= 0) {
      const [buffer] = this.#free.splice(best, 1);
      if (buffer !== undefined) return buffer.subarray(0, size);
    }
    const { granule } = this.#options;
    this.#allocated += 1;
    return new Uint8Array(Math.max(granule, Math.ceil(size / granule) * granule)).subarray(0, size);
  }

  /**
   * Takes back a body from acquire() once nothing reads it any more: only after a 2xx answer. After a
   * timeout, a lost connection or an early error answer the socket may still be sending it.
   */
  release(body: Uint8Array): void {
    const whole = new Uint8Array(body.buffer);
    if (whole.byteLength > this.#options.maxBytes || this.#free.length >= this.#options.maxFree) return;
    if (this.#free.some((buffer) => buffer.buffer === whole.buffer)) return;
    this.#free.push(whole);
  }
}
