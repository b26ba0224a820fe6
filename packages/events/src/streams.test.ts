import { describe, expect, it } from "vitest";
import { resolveStream, topicForStream } from "./streams.ts";

describe("resolveStream", () => {
  it("maps EventStreams aliases to canonical names", () => {
    expect(resolveStream("recentchange")).toBe("mediawiki.recentchange");
    expect(resolveStream("page_change")).toBe("mediawiki.page_change.v1");
    expect(resolveStream(" mediawiki.page-create ")).toBe("mediawiki.page-create");
  });
  it("returns undefined for unknown streams", () => {
    expect(resolveStream("nope")).toBeUndefined();
    expect(resolveStream("toString")).toBeUndefined();
  });
});

describe("topicForStream", () => {
  it("prefixes the canonical stream name", () => {
    expect(topicForStream("wikistream.", "mediawiki.recentchange")).toBe("wikistream.mediawiki.recentchange");
  });
});
