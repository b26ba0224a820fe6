import { describe, expect, it } from "vitest";
import { currentIndices } from "./current-indices.ts";

describe("currentIndices", () => {
  it("names each stream's index for the bucket of now, once each, in name order", () => {
    const now = Date.UTC(2026, 11, 2, 4, 30);
    const streams = ["mediawiki.recentchange", "mediawiki.page_change.v1"] as const;
    expect(currentIndices("ws", streams, "month", now)).toEqual([
      "ws-page_change-2026.12",
      "ws-recentchange-2026.12",
    ]);
    expect(currentIndices("ws", ["mediawiki.recentchange", "mediawiki.recentchange"], "day", now)).toEqual([
      "ws-recentchange-2026.12.02",
    ]);
    expect(currentIndices("ws", [], "year", now)).toEqual([]);
  });
});
