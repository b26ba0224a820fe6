import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReplayError } from "./errors.ts";
import { loadAllRecordings, loadRecording } from "./recording.ts";
import { REAL_RECORDINGS, recordingPath, SCHEMA_EXAMPLES, sharedDataDir } from "./shared-data.ts";

const RC_2022 = recordingPath("recentchange-raw-2022-12.sse");
const PC_2026 = recordingPath("page-change-raw-2026-09-part1.sse");
const ENWIKI = recordingPath("recentchange-enwiki-2023-07.ndjson");

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "wikistream-replay-"));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function scratchFile(name: string, text: string): Promise<string> {
  const path = join(scratch, name);
  await writeFile(path, text);
  return path;
}

describe("sharedDataDir", () => {
  it("finds the shared folder next to the repository", () => {
    expect(sharedDataDir({})).toMatch(/shared[/\\]data[/\\]wikimedia$/);
  });

  it("prefers WIKISTREAM_SHARED_DATA", () => {
    expect(sharedDataDir({ WIKISTREAM_SHARED_DATA: "/elsewhere" })).toBe("/elsewhere");
    expect(recordingPath("x.sse", { WIKISTREAM_SHARED_DATA: "/elsewhere" })).toBe("/elsewhere/x.sse");
  });
});

describe("loadRecording on the real recordings", () => {
  it.each(Object.entries(REAL_RECORDINGS))("%s has %i events", async (name, count) => {
    expect(await loadRecording(recordingPath(name))).toHaveLength(count);
  });

  it("keeps the exact data text of each SSE frame and its recorded id", async () => {
    const events = await loadRecording(PC_2026);
    const lines = readFileSync(PC_2026, "utf8").split("\n");
    const dataLines = lines.filter((line) => line.startsWith("data: ")).map((line) => line.slice(6));
    const idLines = lines.filter((line) => line.startsWith("id: ")).map((line) => line.slice(4));
    expect(events.map((event) => event.data)).toEqual(dataLines);
    expect(events.map((event) => event.sourceId)).toEqual(idLines);
    expect(new Set(events.map((event) => event.stream))).toEqual(new Set(["mediawiki.page_change.v1"]));
    expect(events[0]?.dt).toBe(Date.parse("2026-09-27T16:17:12.812Z"));
    // Four comment lines (incl. `:ok`), a blank line, `event:` and `id:` come before the first `data:`.
    expect(events[0]?.origin).toEqual({ file: PC_2026, line: 8 });
  });

  it("reads the last frame of a capture that ends without a newline", async () => {
    const text = readFileSync(RC_2022, "utf8");
    expect(text.endsWith("\n")).toBe(false);
    const events = await loadRecording(RC_2022);
    expect(events.map((event) => event.event.meta?.wiki ?? event.event.wiki)).toEqual([
      "commonswiki",
      "enwiktionary",
      "wikidatawiki",
    ]);
    expect(events[2]?.data).toBe(text.slice(text.lastIndexOf("data: ") + 6));
  });

  it("keeps the exact line text of NDJSON events", async () => {
    const events = await loadRecording(ENWIKI);
    const lines = readFileSync(ENWIKI, "utf8").split("\n");
    expect(events.map((event) => event.data)).toEqual(lines);
    expect(events.every((event) => event.stream === "mediawiki.recentchange")).toBe(true);
    expect(events[99]?.origin?.line).toBe(100);
  });

  it("parses CRLF and CR captures to the same events", async () => {
    const lf = await loadRecording(PC_2026);
    const text = readFileSync(PC_2026, "utf8");
    for (const [name, eol] of [
      ["crlf.sse", "\r\n"],
      ["cr.sse", "\r"],
    ] as const) {
      const events = await loadRecording(await scratchFile(name, text.replaceAll("\n", eol)));
      expect(events.map((event) => event.data)).toEqual(lf.map((event) => event.data));
    }
  });
});

describe("loadAllRecordings", () => {
  it("loads every traffic recording, about 187 real events", async () => {
    const events = await loadAllRecordings();
    expect(events).toHaveLength(187);
    const count = (stream: string) => events.filter((event) => event.stream === stream).length;
    expect(count("mediawiki.recentchange")).toBe(140);
    expect(count("mediawiki.page_change.v1")).toBe(47);
  });

  it("adds the schema examples only when asked", async () => {
    const events = await loadAllRecordings({ includeSchemaExamples: true });
    expect(events).toHaveLength(189);
    expect(events.filter((event) => event.origin?.file.endsWith(SCHEMA_EXAMPLES))).toHaveLength(2);
  });
});

describe("loadRecording errors", () => {
  const realLines = () => readFileSync(ENWIKI, "utf8").split("\n");

  it("names the file and line of invalid JSON", async () => {
    const [a, b] = realLines();
    const path = await scratchFile("bad.ndjson", `${a}\n\n${b?.slice(0, 40)}\n${b}\n`);
    const error = await loadRecording(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ReplayError);
    expect(error).toMatchObject({ code: "recording_invalid_json", file: path, line: 3 });
    expect((error as Error).message).toContain(`${path}:3:`);
  });

  it("names the line of a bad data frame in an SSE capture", async () => {
    // Break the first frame's JSON (line 3 of the capture); the others stay intact.
    const broken = readFileSync(RC_2022, "utf8").replace('data: {"$schema"', "data: {$schema");
    const path = await scratchFile("bad.sse", broken);
    await expect(loadRecording(path)).rejects.toMatchObject({ code: "recording_invalid_json", line: 3 });
  });

  it("skips invalid lines when asked, and reports each", async () => {
    const [a, b, c] = realLines();
    const path = await scratchFile("skip.ndjson", `${a}\nnot json\n${b}\n[1,2]\n${c}`);
    const skipped: ReplayError[] = [];
    const events = await loadRecording(path, { onInvalid: "skip", onSkip: (error) => skipped.push(error) });
    expect(events.map((event) => event.data)).toEqual([a, b, c]);
    expect(skipped.map((error) => [error.code, error.line])).toEqual([
      ["recording_invalid_json", 2],
      ["recording_invalid_event", 4],
    ]);
  });

  it("derives the stream from $schema when meta.stream is absent, else needs defaultStream", async () => {
    const pageChange = (await loadRecording(PC_2026))[0]?.event;
    const noStream = JSON.stringify({ ...pageChange, meta: { ...pageChange?.meta, stream: undefined } });
    const neither = JSON.stringify({ meta: { dt: "2026-09-27T16:17:12Z", id: "x" } });
    const derived = await loadRecording(await scratchFile("derive.ndjson", noStream));
    expect(derived[0]?.stream).toBe("mediawiki.page_change.v1");
    const path = await scratchFile("neither.ndjson", neither);
    await expect(loadRecording(path)).rejects.toMatchObject({ code: "recording_unknown_stream", line: 1 });
    const fallback = await loadRecording(path, { defaultStream: "mediawiki.revision-create" });
    expect(fallback[0]?.stream).toBe("mediawiki.revision-create");
  });

  it("refuses events without a usable meta.dt", async () => {
    const path = await scratchFile("nodt.ndjson", JSON.stringify({ meta: { stream: "s", dt: "yesterday" } }));
    await expect(loadRecording(path)).rejects.toMatchObject({ code: "recording_invalid_event", line: 1 });
  });

  it("names a missing file", async () => {
    const path = join(scratch, "missing.sse");
    const error = await loadRecording(path).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "recording_unreadable", file: path });
    expect((error as Error).message).toContain(path);
  });

  it("refuses invalid UTF-8 instead of replacing it", async () => {
    const path = join(scratch, "latin1.ndjson");
    await writeFile(path, Buffer.from([0x7b, 0xe9, 0x7d]));
    await expect(loadRecording(path)).rejects.toMatchObject({ code: "recording_unreadable" });
  });
});
