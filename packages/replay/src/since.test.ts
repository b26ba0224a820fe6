import { describe, expect, it } from "vitest";
import { parseSince } from "./since.ts";

describe("parseSince", () => {
  it("takes ms epoch integers and anything Date.parse reads", () => {
    expect(parseSince("1790525832813")).toBe(1790525832813);
    expect(parseSince("2026-09-27T16:17:12.812Z")).toBe(1790525832812);
    expect(parseSince("2019-12-18T10:56:56Z")).toBe(Date.parse("2019-12-18T10:56:56Z"));
    expect(parseSince(null)).toBeUndefined();
  });

  it("refuses what cannot be a time with invalid_timestamp", () => {
    for (const value of ["yesterday-ish", "", "12abc"]) {
      expect(() => parseSince(value)).toThrow(expect.objectContaining({ code: "invalid_timestamp" }));
    }
  });
});
