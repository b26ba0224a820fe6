import { once } from "node:events";
import type { ServerResponse } from "node:http";
import { setImmediate as nextTurn } from "node:timers/promises";

export interface ChunkingOptions {
  /** Smallest chunk in bytes (default 1). */
  minBytes?: number;
  /** Largest chunk in bytes (default 7). */
  maxBytes?: number;
  /** Seed for the chunk sizes, so a failing run can be repeated (default: random). */
  seed?: number;
}

export interface Writer {
  /** Resolves once the bytes are handed to the socket and it has room for more; rejects on abort. */
  write(bytes: string | Buffer): Promise<void>;
}

// mulberry32: tiny, seedable, good enough for chunk sizes.
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Writes that respect backpressure (wait for 'drain' when `write` returns false). With chunking,
 * every write is cut into small random pieces and the event loop turns between them, so each piece
 * leaves as its own HTTP chunk and a client sees frames, line endings and UTF-8 split anywhere.
 */
export function createWriter(res: ServerResponse, signal: AbortSignal, chunking?: ChunkingOptions): Writer {
  const put = async (bytes: Buffer | string) => {
    signal.throwIfAborted();
    if (!res.write(bytes)) await once(res, "drain", { signal });
  };
  if (chunking === undefined) return { write: put };
  const min = Math.max(1, chunking.minBytes ?? 1);
  const max = Math.max(min, chunking.maxBytes ?? 7);
  const random = seededRandom(chunking.seed ?? Math.floor(Math.random() * 2 ** 32));
  return {
    async write(bytes) {
      const buffer = typeof bytes === "string" ? Buffer.from(bytes, "utf8") : bytes;
      for (let at = 0; at < buffer.length; ) {
        const size = min + Math.floor(random() * (max - min + 1));
        await put(buffer.subarray(at, at + size));
        at += size;
        await nextTurn(undefined, { signal });
      }
    },
  };
}
