import { describe, expect, it } from "vitest";
import { indicesToUpdate } from "./existing-indices.ts";

describe("indicesToUpdate", () => {
  it("lists the indices whose refresh_interval differs, or is unset, in name order", () => {
    // GET <patterns>/_settings/index.refresh_interval as OpenSearch 3.3 answers it.
    const answer = {
      "wikistream-recentchange-2026.09": { settings: { index: { refresh_interval: "1s" } } },
      "wikistream-page_change-2026.09": { settings: { index: { refresh_interval: "30s" } } },
      "wikistream-recentchange-2020.01": { settings: {} },
    };
    expect(indicesToUpdate(answer, "1s")).toEqual([
      "wikistream-page_change-2026.09",
      "wikistream-recentchange-2020.01",
    ]);
    expect(indicesToUpdate({}, "1s")).toEqual([]);
  });
});
