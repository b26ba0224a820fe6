import { describe, expect, it } from "vitest";
import type { LineEnding } from "./frames.ts";
import { pageChange2026, recentchange2022, useServers } from "./testing/servers.ts";
import { readStream } from "./testing/sse-client.ts";

const serve = useServers();
// Ten page_change frames hold Persian (with U+200C), Japanese and other multi-byte text.
const events = [...(await recentchange2022()), ...(await pageChange2026()).slice(0, 10)];

describe("replay server: chunking and line endings", () => {
  it.each<[string, LineEnding]>([
    ["CRLF", "\r\n"],
    ["CR", "\r"],
    ["LF", "\n"],
  ])("delivers identical data in 1-7 byte chunks with %s line endings", async (_name, lineEnding) => {
    const plain = await serve({ events, onEnd: "close" });
    const chunked = await serve({ events, onEnd: "close", chunking: { seed: 7 }, lineEnding });
    const streams = ["recentchange", "page_change"];
    const expected = await readStream(plain.streamUrl(streams));
    const result = await readStream(chunked.streamUrl(streams), { timeoutMs: 10_000 });
    expect(result.end).toBe("eof");
    expect(result.events).toEqual(expected.events);
    expect(result.events).toHaveLength(13);
    expect(result.raw.includes(Buffer.from(`:ok${lineEnding}${lineEnding}`))).toBe(true);
    // Far more network reads than frames: the parser really saw frames split everywhere.
    expect(result.chunks).toBeGreaterThan(500);
  });
});
