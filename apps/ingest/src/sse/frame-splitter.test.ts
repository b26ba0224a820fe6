import { describe, expect, it } from "vitest";
import { FrameSplitter, type SplitPiece } from "./frame-splitter.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const show = (pieces: SplitPiece[]) =>
  pieces.map((p) =>
    p.kind === "frame"
      ? new TextDecoder().decode(p.bytes)
      : { head: new TextDecoder().decode(p.head), bytes: p.bytes },
  );

function split(chunks: readonly string[], maxBytes = 64, headBytes = 16): ReturnType<typeof show> {
  const splitter = new FrameSplitter({ maxBytes, headBytes });
  return chunks.flatMap((chunk) => show(splitter.push(bytes(chunk))));
}

describe("FrameSplitter", () => {
  it("cuts frames at blank lines and normalises CR and CRLF to LF", () => {
    expect(split(["id: 1\ndata: a\n\nid: 2\r\ndata: b\r\n\r\nid: 3\rdata: c\r\r"])).toEqual([
      "id: 1\ndata: a\n\n",
      "id: 2\ndata: b\n\n",
      "id: 3\ndata: c\n\n",
    ]);
  });

  it("holds a frame across chunks, CRLF split between them included", () => {
    expect(split(["id: 1\r", "\ndata: a", "b\r", "\n\r", "\n"])).toEqual(["id: 1\ndata: ab\n\n"]);
  });

  it("hands on comment lines at once, so keepalives never fill a frame", () => {
    expect(split([":ok\n\n", ":\n:\n", "data: x\n\n"])).toEqual([":ok\n", ":\n", ":\n", "data: x\n\n"]);
  });

  it("discards a frame over the limit to its blank line, keeping its head and size, then goes on", () => {
    const long = "x".repeat(500);
    expect(split(["id: 9\ndata: ", long.slice(0, 100), long.slice(100), "\n\ndata: next\n\n"])).toEqual([
      { head: "id: 9\ndata: xxxx", bytes: 6 + 6 + 500 },
      "data: next\n\n",
    ]);
  });

  it("an endless line never grows what it holds", () => {
    const splitter = new FrameSplitter({ maxBytes: 1024, headBytes: 16 });
    splitter.push(bytes("data: "));
    const megabyte = new Uint8Array(1 << 20).fill(0x78);
    for (let i = 0; i < 20; i++) expect(splitter.push(megabyte)).toEqual([]);
    const [piece] = splitter.push(bytes("\n\n"));
    expect(piece).toMatchObject({ kind: "oversized", bytes: 6 + 20 * (1 << 20) });
  });

  it("keeps a UTF-8 character split across chunks whole (frames are cut only at CR and LF)", () => {
    const encoded = bytes("data: é\n\n");
    const splitter = new FrameSplitter({ maxBytes: 64, headBytes: 16 });
    const first = splitter.push(encoded.subarray(0, 7));
    const rest = splitter.push(encoded.subarray(7));
    expect(
      [...first, ...rest].map((p) => (p.kind === "frame" ? new TextDecoder().decode(p.bytes) : p)),
    ).toEqual(["data: é\n\n"]);
  });

  it("gives the same pieces wherever a chunk boundary falls (whole frames of a chunk are handed on without copying)", () => {
    const stream = `:${"c".repeat(70)}\n:hi\nid: 1\ndata: a\n\ndata: b\n:inside\ndata: c\n\n\nid: 2\ndata: ${"y".repeat(70)}\n\ndata: é\n\n`;
    const whole = split([stream]);
    expect(whole).toEqual([
      // A comment line over the limit is an oversized frame, discarded to the next blank line.
      { head: ":ccccccccccccccc", bytes: 71 + 3 + 5 + 7 },
      ":inside\n",
      "data: b\ndata: c\n\n",
      { head: "id: 2\ndata: yyyy", bytes: 6 + 76 },
      "data: é\n\n",
    ]);
    const encoded = bytes(stream);
    for (let cut = 1; cut < encoded.length; cut++) {
      const splitter = new FrameSplitter({ maxBytes: 64, headBytes: 16 });
      const pieces = [...splitter.push(encoded.slice(0, cut)), ...splitter.push(encoded.slice(cut))];
      expect(show(pieces), `cut at ${cut}`).toEqual(whole);
    }
  });
});
