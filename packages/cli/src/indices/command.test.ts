import { describe, expect, it } from "vitest";
import { UsageError } from "../errors.ts";
import { listLine, retentionDaysOf } from "./command.ts";

const index = {
  index: "wikistream-edits-2026.08",
  docs: 12,
  bytes: 3 * 1_048_576,
  createdMs: Date.UTC(2026, 7, 1),
  health: "green",
  status: "open",
};
const now = Date.UTC(2026, 8, 11);

describe("indices list line", () => {
  it("says how long ago the month the index holds ended", () => {
    expect(listLine(index, "wikistream", now, false)).toBe(
      "wikistream-edits-2026.08  12 docs  3.0 MiB  created 2026-08-01T00:00:00.000Z  month ended 10.0 days ago  green/open",
    );
    expect(JSON.parse(listLine(index, "wikistream", now, true))).toMatchObject({ ageDays: 10 });
  });

  it("marks a name that is not a bucket index", () => {
    const other = { ...index, index: "wikistream-scratch" };
    expect(listLine(other, "wikistream", now, false)).toContain("(not a bucket index)");
    expect(JSON.parse(listLine(other, "wikistream", now, true))).toMatchObject({ ageDays: null });
  });
});

describe("--retention-days", () => {
  it("defaults to 90 and refuses anything but a whole number >= 1", () => {
    expect(retentionDaysOf(undefined)).toBe(90);
    expect(retentionDaysOf("30")).toBe(30);
    for (const bad of ["0", "1.5", "x"]) expect(() => retentionDaysOf(bad)).toThrow(UsageError);
  });
});
