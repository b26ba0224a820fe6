import { describe, expect, it } from "vitest";
import { bucketSuffix, indexFor, indexPattern, readAlias } from "../index/names.ts";
import type { IndexDocument } from "../prepare/transform.ts";
import { bulkBody, bulkOperation, utf8Length } from "./bulk-request.ts";

const naming = { prefix: "wikistream", bucket: "month" as const };
const meta = { id: "0416300b-980c-45bb-b0a2-c9d7a9e2b7eb", dt: "2023-07-29T07:51:39Z" };
const document = {
  meta,
  title: "Tōkyō 東京 😀",
  wikistream: { stream: "mediawiki.recentchange", event_time: "x" },
};

describe("bulkOperation", () => {
  it("writes an index action with _id = meta.id into the bucket of meta.dt, then the document", () => {
    const op = bulkOperation("mediawiki.recentchange", document as IndexDocument, meta, naming);
    expect(op.index).toBe("wikistream-recentchange-2023.07");
    expect(op.id).toBe(meta.id);
    const [action, source, end] = op.ndjson.split("\n");
    expect(JSON.parse(action!)).toEqual({
      index: { _index: "wikistream-recentchange-2023.07", _id: meta.id },
    });
    expect(JSON.parse(source!)).toEqual(document);
    expect(end).toBe("");
    expect(op.bytes).toBe(new TextEncoder().encode(op.ndjson).byteLength);
  });

  it("routes by the event's own time, so every delivery lands in the same index", () => {
    const a = bulkOperation("mediawiki.page_change.v1", document as IndexDocument, meta, naming);
    const b = bulkOperation("mediawiki.page_change.v1", document as IndexDocument, meta, naming);
    expect(a).toEqual(b);
    expect(a.index).toBe("wikistream-page_change-2023.07");
  });

  it("concatenates operations in order", () => {
    const ops = [{ ndjson: "a\nb\n" }, { ndjson: "c\nd\n" }];
    expect(bulkBody(ops)).toBe("a\nb\nc\nd\n");
  });
});

describe("index naming", () => {
  it("buckets by UTC day, month or year, including legacy +00:00 offsets", () => {
    const t = Date.parse("2026-09-30T23:59:59-02:00");
    expect(bucketSuffix(t, "day")).toBe("2026.10.01");
    expect(bucketSuffix(t, "month")).toBe("2026.10");
    expect(bucketSuffix(t, "year")).toBe("2026");
    expect(indexFor("ws", "mediawiki.recentchange", Date.parse("2019-01-01T00:00:00+00:00"), "month")).toBe(
      "ws-recentchange-2019.01",
    );
  });

  it("keeps the read alias outside the template pattern's own names", () => {
    expect(readAlias("ws", "mediawiki.page_change.v1")).toBe("ws-page_change");
    expect(indexPattern("ws", "mediawiki.page_change.v1")).toBe("ws-page_change-*");
  });
});

describe("utf8Length", () => {
  it.each(["", "abc", "é", "東京", "😀", "\u200c", "a\ud800b"])("matches TextEncoder for %j", (text) => {
    expect(utf8Length(text)).toBe(new TextEncoder().encode(text).byteLength);
  });
});
