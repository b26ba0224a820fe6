import { describe, expect, it } from "vitest";
import { cutFrame, eventFrame } from "./frames.ts";
import { loadRecording } from "./recording.ts";
import { recordingPath } from "./shared-data.ts";

const ID = '[{"topic":"eqiad.mediawiki.page_change.v1","partition":0,"offset":1}]';

describe("eventFrame", () => {
  it("writes event, id and data lines and a blank line, with the chosen line ending", () => {
    expect(eventFrame(ID, '{"a":1}')).toBe(`event: message\nid: ${ID}\ndata: {"a":1}\n\n`);
    expect(eventFrame(ID, '{"a":1}', "\r\n")).toBe(`event: message\r\nid: ${ID}\r\ndata: {"a":1}\r\n\r\n`);
  });

  it("splits multi-line data into several data lines", () => {
    expect(eventFrame("1", "a\nb")).toBe("event: message\nid: 1\ndata: a\ndata: b\n\n");
  });
});

describe("cutFrame", async () => {
  const events = await loadRecording(recordingPath("page-change-raw-2026-09-part1.sse"));

  it("cuts inside a multi-byte character of the data line when there is one", () => {
    // Event 7 of the capture has non-ASCII text (its comment or title).
    const frame = Buffer.from(eventFrame(ID, events[7]?.data ?? ""), "utf8");
    const cut = cutFrame(frame);
    expect(cut.insideCharacter).toBe(true);
    const last = cut.head.at(-1) ?? 0;
    expect(last >= 0xc0 && last <= 0xf7).toBe(true);
    expect(cut.head.toString("latin1")).toContain("\ndata: ");
    expect(cut.head.length).toBeLessThan(frame.length);
  });

  it("cuts in the middle of an ASCII-only data line", () => {
    const data = events[3]?.data ?? "";
    expect(/^[\x20-\x7e]*$/.test(data)).toBe(true);
    const frame = Buffer.from(eventFrame(ID, data), "utf8");
    const cut = cutFrame(frame);
    expect(cut.insideCharacter).toBe(false);
    const dataStart = frame.indexOf("\ndata: ") + 7;
    expect(cut.head.length).toBeGreaterThan(dataStart);
    expect(cut.head.length).toBeLessThan(frame.length - 2);
  });
});
