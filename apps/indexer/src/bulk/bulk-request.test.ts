import { describe, expect, it } from "vitest";
import { bucketSuffix, indexFor, indexPattern, readAlias } from "../index/names.ts";
import type { IndexDocument } from "../prepare/transform.ts";
import {
  bulkBody,
  bulkBodyBytes,
  bulkOperation,
  bulkOperationFromSource,
  sourceDocumentEnd,
  utf8Length,
} from "./bulk-request.ts";

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

describe("bulkOperationFromSource", () => {
  const utf8 = new TextEncoder();
  const text = (op: { chunks: readonly Uint8Array[] }) =>
    new TextDecoder().decode(
      bulkBodyBytes([{ ...op, bytes: op.chunks.reduce((n, c) => n + c.byteLength, 0) }]),
    );
  const event = { meta, title: "Tōkyō 東京 😀", length: { old: 1, new: 2 } };
  const derived = { stream: "mediawiki.recentchange", event_time: "2023-07-29T07:51:39.000Z" };

  it("is the document bulkOperation serialises, built from the event's own bytes", () => {
    const source = utf8.encode(`${JSON.stringify(event)}  \r`);
    const end = sourceDocumentEnd(source);
    expect(end).toBeDefined();
    const op = bulkOperationFromSource("mediawiki.recentchange", source, end!, derived, meta, naming);
    const reference = bulkOperation(
      "mediawiki.recentchange",
      { ...event, wikistream: derived },
      meta,
      naming,
    );
    expect(text(op)).toBe(reference.ndjson);
    expect(op.bytes).toBe(reference.bytes);
    expect(op).toMatchObject({ index: reference.index, id: meta.id });
  });

  it("refuses bytes that cannot start a document line as they are", () => {
    const json = JSON.stringify(event);
    expect(sourceDocumentEnd(utf8.encode(` ${json}`))).toBeUndefined();
    expect(sourceDocumentEnd(utf8.encode(`\ufeff${json}`))).toBeUndefined();
    expect(sourceDocumentEnd(utf8.encode(JSON.stringify(event, null, 2)))).toBeUndefined();
    expect(sourceDocumentEnd(utf8.encode("{}"))).toBeUndefined();
    expect(sourceDocumentEnd(utf8.encode("[1]"))).toBeUndefined();
  });

  it("concatenates operations in order into one buffer of their total length", () => {
    const a = { chunks: [utf8.encode("a\n"), utf8.encode("b\n")], bytes: 4 };
    const b = { chunks: [utf8.encode("é\nd\n")], bytes: 5 };
    const body = bulkBodyBytes([a, b]);
    expect(body.byteLength).toBe(9);
    expect(new TextDecoder().decode(body)).toBe("a\nb\né\nd\n");
  });
});
