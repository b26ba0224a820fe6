import { silentLogger } from "@wikistream/log";
import { describe, expect, it } from "vitest";
import type { StreamError } from "./errors.ts";
import { followStream, serverDelay } from "./follow.ts";

const frame = (n: number) => `id: ${n}\ndata: {"n":${n}}\n\n`;

/**
 * A response whose body is written by `write`; the fetch fake stands in for a misbehaving server.
 * Like fetch, aborting the request's signal errors the body.
 */
function streamResponse(
  signal: AbortSignal | null | undefined,
  write: (push: (text: string) => void, close: () => void) => void,
): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      signal?.addEventListener("abort", () => controller.error(signal.reason), { once: true });
      write(
        (text) => controller.enqueue(encoder.encode(text)),
        () => controller.close(),
      );
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

const base = {
  url: "http://stream.invalid/v2/stream/mediawiki.recentchange",
  headers: {},
  reconnectInitialMs: 10,
  reconnectMaxMs: 20,
  serverDelayMaxMs: 60_000,
  maxEventBytes: 1_048_576,
  logger: silentLogger,
};

describe("followStream", () => {
  it("tells once that the stream is unreachable, and keeps retrying", async () => {
    const stop = new AbortController();
    const told: StreamError[] = [];
    let attempts = 0;
    await followStream({
      ...base,
      stallTimeoutMs: 1000,
      signal: stop.signal,
      resumeId: () => undefined,
      onEvent: async () => {},
      onUnreachable: (error) => told.push(error),
      fetch: async () => {
        if (++attempts === 4) stop.abort();
        throw new TypeError("fetch failed", { cause: new Error("getaddrinfo ENOTFOUND stream.invalid") });
      },
    });
    expect(attempts).toBe(4);
    expect(told).toHaveLength(1);
    expect(told[0]?.reason).toBe("unreachable");
    expect(told[0]?.message).toContain("ENOTFOUND");
  });

  it("does not call it a stall while the consumer holds the reader (Kafka backpressure)", async () => {
    const stop = new AbortController();
    const reasons: string[] = [];
    const seen: string[] = [];
    let connections = 0;
    await followStream({
      ...base,
      stallTimeoutMs: 50,
      signal: stop.signal,
      resumeId: () => seen.at(-1),
      onDisconnect: (reason) => {
        reasons.push(reason);
        stop.abort();
      },
      onEvent: async (event) => {
        seen.push(event.id ?? "");
        // Held for four stall timeouts, as a full buffer would hold it.
        if (event.id === "1") await new Promise((resolve) => setTimeout(resolve, 200));
      },
      fetch: async (_url, init) => {
        connections++;
        return streamResponse(init?.signal, (push, close) => {
          push(frame(1) + frame(2));
          setTimeout(() => {
            push(frame(3));
            close();
          }, 250);
        });
      },
    });
    expect(seen).toEqual(["1", "2", "3"]);
    expect(reasons).toEqual(["closed"]);
    expect(connections).toBe(1);
  });

  it("drops a silent connection after the stall timeout and resumes from the last id", async () => {
    const stop = new AbortController();
    const reasons: string[] = [];
    const lastEventIds: (string | null)[] = [];
    let last: string | undefined;
    await followStream({
      ...base,
      stallTimeoutMs: 50,
      signal: stop.signal,
      resumeId: () => last,
      onDisconnect: (reason) => reasons.push(reason),
      onEvent: async (event) => {
        last = event.id;
        if (event.id === "2") stop.abort();
      },
      fetch: async (_url, init) => {
        const sent = new Headers(init?.headers).get("last-event-id");
        lastEventIds.push(sent);
        return streamResponse(init?.signal, (push) => push(sent === null ? frame(1) : frame(2)));
      },
    });
    expect(reasons).toEqual(["stalled"]);
    expect(lastEventIds).toEqual([null, "1"]);
  });

  it("asks for text/event-stream with our User-Agent, and reconnects no sooner than the server's retry:", async () => {
    const stop = new AbortController();
    const requests: { at: number; headers: Headers }[] = [];
    await followStream({
      ...base,
      headers: { "user-agent": "wikistream-test/1.0 (test@example.org)" },
      stallTimeoutMs: 1000,
      signal: stop.signal,
      resumeId: () => undefined,
      onEvent: async () => {},
      fetch: async (_url, init) => {
        requests.push({ at: performance.now(), headers: new Headers(init?.headers) });
        if (requests.length === 2) stop.abort();
        return streamResponse(init?.signal, (push, close) => {
          push(`retry: 200\n\n${frame(1)}`);
          close();
        });
      },
    });
    expect(requests[0]?.headers.get("accept")).toBe("text/event-stream");
    expect(requests[0]?.headers.get("user-agent")).toBe("wikistream-test/1.0 (test@example.org)");
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(195);
  });

  it("gives up on a 4xx, with the reason counted", async () => {
    const reasons: string[] = [];
    const run = followStream({
      ...base,
      stallTimeoutMs: 1000,
      signal: new AbortController().signal,
      resumeId: () => undefined,
      onEvent: async () => {},
      onDisconnect: (reason) => reasons.push(reason),
      fetch: async () => new Response("Please set a user-agent", { status: 403 }),
    });
    await expect(run).rejects.toThrow(/HTTP 403: Please set a user-agent; .*INGEST_USER_AGENT/);
    expect(reasons).toEqual(["http_4xx"]);
  });
});

describe("serverDelay", () => {
  it("clamps a huge retry: or Retry-After, which would overflow the timer into a 1 ms loop", () => {
    expect(serverDelay(2 ** 40, undefined, 300_000)).toEqual({ ms: 300_000, clampedFromMs: 2 ** 40 });
    expect(serverDelay(0, Number.POSITIVE_INFINITY, 300_000)).toEqual({
      ms: 300_000,
      clampedFromMs: Number.POSITIVE_INFINITY,
    });
    expect(serverDelay(3000, 5000, 300_000)).toEqual({ ms: 5000 });
  });
});
