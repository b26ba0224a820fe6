import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { defaultRetentionDays, ismPolicy } from "./ism.ts";
import { bucketOf, type IndexInfo, planPrune } from "./plan.ts";

const info = (index: string): IndexInfo => ({
  index,
  docs: 1,
  bytes: 1,
  createdMs: 0,
  health: "green",
  status: "open",
});
const day = 86_400_000;

describe("bucketOf", () => {
  it("reads year, month and day buckets of the prefix", () => {
    expect(bucketOf("wikistream-recentchange-2026.09", "wikistream")).toEqual({
      family: "recentchange",
      startMs: Date.parse("2026-09-01T00:00:00Z"),
      endMs: Date.parse("2026-10-01T00:00:00Z"),
    });
    expect(bucketOf("wikistream-page_change-2026", "wikistream")?.endMs).toBe(
      Date.parse("2027-01-01T00:00:00Z"),
    );
    expect(bucketOf("wikistream-page_change-2026.12.31", "wikistream")?.endMs).toBe(
      Date.parse("2027-01-01T00:00:00Z"),
    );
  });
  it("refuses other prefixes, other names and impossible months", () => {
    expect(bucketOf("other-recentchange-2026.09", "wikistream")).toBeUndefined();
    expect(bucketOf("wikistream-recentchange-2026.13", "wikistream")).toBeUndefined();
    expect(bucketOf("wikistream-recentchange-latest", "wikistream")).toBeUndefined();
  });
});

describe("planPrune", () => {
  it("deletes only buckets that ended more than the retention ago, and never an unrecognised name", () => {
    const now = Date.parse("2026-12-31T00:00:00Z");
    const plan = planPrune(
      [
        info("wikistream-recentchange-2026.09"),
        info("wikistream-recentchange-2026.10"),
        info("wikistream-notes"),
      ],
      "wikistream",
      90 * day,
      now,
    );
    expect(plan.map((d) => [d.index.index, d.action])).toEqual([
      ["wikistream-notes", "keep"],
      ["wikistream-recentchange-2026.09", "delete"],
      ["wikistream-recentchange-2026.10", "keep"],
    ]);
  });
});

describe("ism policy", () => {
  it("deploy/opensearch/ism-policy.json is the generated policy for the defaults", () => {
    const file = new URL("../../../../deploy/opensearch/ism-policy.json", import.meta.url);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(
      ismPolicy({ prefix: "wikistream", retentionDays: defaultRetentionDays }),
    );
  });
});
