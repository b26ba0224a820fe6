import { describe, expect, it } from "vitest";
import { pageChange2026, useServers } from "./testing/servers.ts";
import { readStream } from "./testing/sse-client.ts";

const serve = useServers();
const pc = await pageChange2026();
const url = (server: { streamUrl(streams: readonly string[]): string }) => server.streamUrl(["page_change"]);

describe("replay server: faults", () => {
  it("answers a status fault at once with Retry-After, then serves the next connection normally", async () => {
    const server = await serve({
      events: pc,
      onEnd: "close",
      faults: [
        { kind: "status", status: 429, retryAfterSeconds: 3 },
        { kind: "status", status: 503, body: "upstream connect error" },
      ],
    });
    const limited = await fetch(url(server));
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
    expect(await limited.json()).toMatchObject({
      title: "Too Many Concurrent Connections From Your Client IP",
    });
    const unavailable = await fetch(url(server));
    expect([unavailable.status, await unavailable.text()]).toEqual([503, "upstream connect error"]);
    expect(unavailable.headers.get("retry-after")).toBeNull();
    const normal = await readStream(url(server));
    expect([normal.status, normal.events.length]).toEqual([200, 47]);
    expect(server.stats.injected.map((injected) => [injected.connection, injected.fault.kind])).toEqual([
      [0, "status"],
      [1, "status"],
    ]);
  });

  it("drops the connection in the middle of a frame, inside a UTF-8 character", async () => {
    // Event 7 of the capture carries non-ASCII text.
    const server = await serve({
      events: pc,
      onEnd: "close",
      faults: [{ kind: "dropMidFrame", afterEvents: 7 }],
    });
    const dropped = await readStream(url(server));
    expect(dropped.end).toBe("error");
    expect(dropped.events.map((event) => event.data)).toEqual(pc.slice(0, 7).map((event) => event.data));
    const [injected] = server.stats.injected;
    expect(injected).toMatchObject({ afterEvents: 7, insideCharacter: true });
    // The bytes after the last complete frame are the start of frame 8, ending on a UTF-8 lead byte.
    const tail = dropped.raw.subarray(dropped.raw.lastIndexOf("\n\n") + 2);
    expect(tail.length).toBe(injected?.bytesSent);
    expect(tail.toString()).toContain("\ndata: ");
    const last = tail.at(-1) ?? 0;
    expect(last >= 0xc0 && last <= 0xf7).toBe(true);

    const resumed = await readStream(url(server), { lastEventId: dropped.events.at(-1)?.id });
    expect(resumed.events.map((event) => event.data)).toEqual(pc.slice(7).map((event) => event.data));
  });

  it("injects a non-JSON frame and a schema-violating frame, then goes on", async () => {
    const server = await serve({ events: pc, onEnd: "close", faults: [{ kind: "garbage", afterEvents: 2 }] });
    const result = await readStream(url(server));
    const data = result.events.map((event) => event.data);
    expect(data).toEqual([
      ...pc.slice(0, 2).map((event) => event.data),
      "{not json",
      '{"meta":{}}',
      ...pc.slice(2).map((event) => event.data),
    ]);
    // The garbage frames repeat the last good id, so a resume from them loses nothing.
    expect(result.events[2]?.id).toBe(result.events[1]?.id);
    expect(server.stats.injected[0]?.payloads).toEqual(["{not json", '{"meta":{}}']);
  });

  it("writes custom garbage bytes verbatim", async () => {
    const bytes = "data: \u00e9t\u00e9 {\n\nretry: nope\n\n";
    const server = await serve({
      events: pc,
      onEnd: "close",
      faults: [{ kind: "garbage", afterEvents: 0, bytes }],
    });
    const result = await readStream(url(server));
    expect(result.events.map((event) => event.data).slice(0, 2)).toEqual(["\u00e9t\u00e9 {", '{"meta":{}}']);
    expect(result.events).toHaveLength(49);
  });

  it("stalls after N events, keeping the socket open until the client leaves", async () => {
    const server = await serve({ events: pc, faults: [{ kind: "stall", afterEvents: 3 }], closeAfterMs: 50 });
    const result = await readStream(url(server), { idleMs: 300 });
    expect(result.end).toBe("idle");
    expect(result.events).toHaveLength(3);
    await expect.poll(() => server.stats.connections[0]?.open).toBe(false);
    expect(server.stats.connections[0]?.endReason).toBe("fault");
  });

  it("closes stalled connections when the server closes", async () => {
    const server = await serve({ events: pc, faults: [{ kind: "stall", afterEvents: 1 }] });
    const reading = readStream(url(server), { timeoutMs: 3000 });
    await expect.poll(() => server.stats.injected.length).toBe(1);
    await server.close();
    const result = await reading;
    expect(result.events).toHaveLength(1);
    expect(result.end).not.toBe("timeout");
  });

  it("ends cleanly after N events with a close fault, then resumes", async () => {
    const server = await serve({ events: pc, onEnd: "close", faults: [{ kind: "close", afterEvents: 4 }] });
    const first = await readStream(url(server));
    expect([first.end, first.events.length]).toEqual(["eof", 4]);
    const rest = await readStream(url(server), { lastEventId: first.events.at(-1)?.id });
    expect([...first.events, ...rest.events].map((event) => event.data)).toEqual(
      pc.map((event) => event.data),
    );
  });

  it("consumes one fault per connection, skipping undefined entries", async () => {
    const server = await serve({
      events: pc,
      onEnd: "close",
      faults: [undefined, { kind: "close", afterEvents: 1 }],
    });
    const counts = [];
    for (let i = 0; i < 3; i += 1) counts.push((await readStream(url(server))).events.length);
    expect(counts).toEqual([47, 1, 47]);
    expect(server.connections).toBe(3);
  });
});

describe("replay server: size and encoding faults", () => {
  it("sends an oversized frame of N bytes of data, then goes on", async () => {
    const server = await serve({
      events: pc,
      onEnd: "close",
      faults: [{ kind: "oversized", afterEvents: 1, bytes: 200_000 }],
    });
    const result = await readStream(url(server));
    expect(result.events).toHaveLength(48);
    expect(result.events[1]?.data).toBe("x".repeat(200_000));
    expect(result.events[2]?.data).toBe(pc[1]?.data);
    expect(server.stats.injected[0]).toMatchObject({ afterEvents: 1, dataBytes: 200_000 });
  });

  it("writes garbage given as bytes verbatim, invalid UTF-8 included", async () => {
    const bytes = new Uint8Array([...Buffer.from('data: {"a":"'), 0xff, 0xfe, ...Buffer.from('"}\n\n')]);
    const server = await serve({
      events: pc,
      onEnd: "close",
      faults: [{ kind: "garbage", afterEvents: 0, bytes }],
    });
    const result = await readStream(url(server));
    expect(result.raw.includes(Buffer.from([0x22, 0xff, 0xfe, 0x22]))).toBe(true);
    expect(server.stats.injected[0]?.payloads?.[0]).toBe('data: {"a":"\uFFFD\uFFFD"}\n\n');
  });
});
