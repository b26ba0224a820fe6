import { describe, expect, it } from "vitest";
import { BodyBufferPool } from "./body-pool.ts";
import { bulkBodyBytes } from "./bulk-request.ts";

const KiB = 1024;
const utf8 = new TextEncoder();
const operation = (text: string) => {
  const bytes = utf8.encode(text);
  return { chunks: [bytes], bytes: bytes.byteLength };
};

describe("BodyBufferPool", () => {
  it("gives bodies of the exact size and reuses a released buffer for the next that fits", () => {
    const pool = new BodyBufferPool({ maxFree: 2, maxBytes: 1024 * KiB, granule: 64 * KiB });
    const first = pool.acquire(100 * KiB);
    expect(first.byteLength).toBe(100 * KiB);
    expect(first.buffer.byteLength).toBe(128 * KiB);
    pool.release(first);
    const second = pool.acquire(120 * KiB);
    expect(second.buffer).toBe(first.buffer);
    expect(second.byteLength).toBe(120 * KiB);
    expect(pool.allocated).toBe(1);
    // Larger than any free buffer: a new one.
    const third = pool.acquire(200 * KiB);
    expect(third.buffer).not.toBe(first.buffer);
    expect(pool.allocated).toBe(2);
  });

  it("never hands out one buffer twice at a time, and keeps at most maxFree buffers no larger than maxBytes", () => {
    const pool = new BodyBufferPool({ maxFree: 1, maxBytes: 256 * KiB, granule: 64 * KiB });
    const a = pool.acquire(10 * KiB);
    const b = pool.acquire(10 * KiB);
    expect(a.buffer).not.toBe(b.buffer);
    pool.release(a);
    pool.release(a);
    pool.release(b);
    expect(pool.free).toBe(1);
    const c = pool.acquire(10 * KiB);
    const d = pool.acquire(10 * KiB);
    expect(c.buffer).not.toBe(d.buffer);
    pool.release(pool.acquire(300 * KiB));
    expect(pool.free).toBe(0);
  });

  it("holds the bytes bulkBodyBytes wrote, whatever the buffer held before", () => {
    const pool = new BodyBufferPool({ maxFree: 1, maxBytes: 1024 * KiB });
    const long = bulkBodyBytes([operation('{"index":{}}\n{"a":"xxxxxxxxxxxxxxxx"}\n')], (n) =>
      pool.acquire(n),
    );
    pool.release(long);
    const short = bulkBodyBytes([operation('{"index":{}}\n{"b":1}\n')], (n) => pool.acquire(n));
    expect(short.buffer).toBe(long.buffer);
    expect(new TextDecoder().decode(short)).toBe('{"index":{}}\n{"b":1}\n');
  });
});
