import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeEvent, isCanary, validateEvent } from "./validate.ts";

const sharedData =
  process.env.WIKISTREAM_SHARED_DATA ??
  new URL("../../../../shared/data/wikimedia/", import.meta.url).pathname;

// The real recordings, read in place: NDJSON lines, or the data lines of raw SSE captures.
function payloads(file: string): string[] {
  const text = readFileSync(`${sharedData}/${file}`, "utf8");
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  return file.endsWith(".sse") ? lines.filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)) : lines;
}

describe("validateEvent against real EventStreams recordings", () => {
  it.each([
    ["recentchange-raw-2022-12.sse", 3],
    ["recentchange-enwiki-2023-07.ndjson", 100],
    ["recentchange-assorted.ndjson", 37],
  ])("accepts every recentchange event of %s", (file, count) => {
    const results = payloads(file).map((data) => decodeEvent("mediawiki.recentchange", data));
    expect(results).toHaveLength(count);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });

  it("accepts every page_change event of the 2026 capture", () => {
    const results = payloads("page-change-raw-2026-09-part1.sse").map((d) =>
      decodeEvent("mediawiki.page_change.v1", d),
    );
    expect(results).toHaveLength(47);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });
});

describe("rejections name the reason", () => {
  const real = JSON.parse(payloads("recentchange-enwiki-2023-07.ndjson")[0]!);

  it("reports unparseable JSON as invalid_json", () => {
    expect(decodeEvent("mediawiki.recentchange", "{not json")).toMatchObject({
      ok: false,
      reason: "invalid_json",
    });
  });

  it("reports a missing meta.id with its path", () => {
    const { id: _id, ...meta } = real.meta;
    const result = validateEvent("mediawiki.recentchange", { ...real, meta });
    expect(result).toMatchObject({ ok: false, reason: "schema_violation" });
    expect(!result.ok && result.detail).toContain("meta.id");
  });

  it("rejects a meta.id that is not a UUID", () => {
    const result = validateEvent("mediawiki.recentchange", { ...real, meta: { ...real.meta, id: "x" } });
    expect(!result.ok && result.detail).toContain("expected a UUID");
  });

  it("rejects a wrongly typed field", () => {
    const result = validateEvent("mediawiki.recentchange", { ...real, namespace: "zero" });
    expect(!result.ok && result.detail).toContain("namespace");
  });

  it("rejects an event of another stream", () => {
    const result = validateEvent("mediawiki.recentchange", {
      ...real,
      meta: { ...real.meta, stream: "mediawiki.page-create" },
    });
    expect(result).toMatchObject({ ok: false, reason: "stream_mismatch" });
  });

  it("rejects a page_change without its required page", () => {
    const [first] = payloads("page-change-raw-2026-09-part1.sse");
    const { page: _page, ...rest } = JSON.parse(first!);
    expect(validateEvent("mediawiki.page_change.v1", rest)).toMatchObject({
      ok: false,
      reason: "schema_violation",
    });
  });

  it("keeps fields the schema does not list (additionalProperties: true)", () => {
    const result = validateEvent("mediawiki.recentchange", { ...real, future_field: 1 });
    expect(result.ok && (result.event as Record<string, unknown>).future_field).toBe(1);
  });
});

describe("isCanary", () => {
  it("spots canary events by meta.domain", () => {
    expect(isCanary({ meta: { domain: "canary" } })).toBe(true);
    expect(isCanary({ meta: { domain: "en.wikipedia.org" } })).toBe(false);
    expect(isCanary({ meta: {} })).toBe(false);
  });
});
