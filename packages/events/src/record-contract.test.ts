import { describe, expect, it } from "vitest";
import { recordKey } from "./record-contract.ts";

const meta = { id: "0416300b-980c-45bb-b0a2-c9d7a9e2b7eb", domain: "en.wikipedia.org" };

describe("recordKey", () => {
  it("keys recentchange by wiki and title, so one page's edits stay in order", () => {
    expect(recordKey("mediawiki.recentchange", { meta, wiki: "enwiki", title: "Foo" })).toBe("enwiki:Foo");
  });
  it("keys page_change by wiki and page id (stable across renames)", () => {
    expect(recordKey("mediawiki.page_change.v1", { meta, wiki_id: "fawiki", page: { page_id: 42 } })).toBe(
      "fawiki:42",
    );
  });
  it("falls back to meta.id when an event names no page", () => {
    expect(recordKey("mediawiki.page-create", { meta })).toBe(meta.id);
  });
});
