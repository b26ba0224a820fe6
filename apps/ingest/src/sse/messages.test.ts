import { describe, expect, it } from "vitest";
import { frameOf, headOf, MessageReader } from "./messages.ts";

const encode = (text: string) => new TextEncoder().encode(text);

describe("MessageReader", () => {
  it("reads events, retry and comments", () => {
    const reader = new MessageReader({ maxEventBytes: 1024 });
    expect(reader.push(encode(":ok\n\nretry: 5000\n\nevent: message\nid: 1\ndata: {}\n\n"))).toEqual([
      { type: "comment", text: "ok" },
      { type: "retry", ms: 5000 },
      { type: "event", id: "1", event: "message", data: "{}" },
    ]);
  });

  it("marks a frame with invalid UTF-8 and leaves the next frame intact", () => {
    const reader = new MessageReader({ maxEventBytes: 1024 });
    const bad = new Uint8Array([...encode('id: 1\ndata: {"a":"'), 0xff, 0xfe, ...encode('"}\n\n')]);
    const messages = reader.push(new Uint8Array([...bad, ...encode("id: 2\ndata: été\n\n")]));
    expect(messages).toEqual([
      { type: "event", id: "1", event: undefined, data: '{"a":"\uFFFD\uFFFD"}', invalidUtf8: true },
      { type: "event", id: "2", event: undefined, data: "été" },
    ]);
    expect(frameOf(messages[0] as never).fault?.reason).toBe("invalid_utf8");
  });

  it("reports an oversized frame with its id and the start of its data, then reads on", () => {
    const reader = new MessageReader({ maxEventBytes: 1024 });
    const messages = reader.push(encode(`id: 7\ndata: ${"y".repeat(5000)}\n\nid: 8\ndata: ok\n\n`));
    expect(messages[0]).toMatchObject({ type: "oversized", id: "7", bytes: 5012, limit: 1024 });
    expect((messages[0] as { data: string }).data).toBe("y".repeat(1024 - 12));
    expect(messages[1]).toEqual({ type: "event", id: "8", event: undefined, data: "ok" });
    expect(frameOf(messages[0] as never).fault).toMatchObject({ reason: "event_too_large" });
  });
});

describe("headOf", () => {
  it("takes only whole id lines", () => {
    expect(headOf("id: 1\ndata: abc")).toEqual({ id: "1", data: "abc" });
    expect(headOf("data: x\nid: 12")).toEqual({ id: undefined, data: "x" });
  });
});
