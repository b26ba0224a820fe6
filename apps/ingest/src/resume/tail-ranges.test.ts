import { describe, expect, it } from "vitest";
import { tailRange } from "./tail-ranges.ts";

describe("tailRange", () => {
  it("is the last `size` offsets, or the whole partition when it holds fewer", () => {
    expect(tailRange("0", "1000", 100)).toEqual({ from: 900n, last: 999n });
    expect(tailRange("950", "1000", 100)).toEqual({ from: 950n, last: 999n });
    expect(tailRange("0", "1", 100)).toEqual({ from: 0n, last: 0n });
  });

  it("is nothing for an empty partition, also one emptied by retention", () => {
    expect(tailRange("0", "0", 100)).toBeUndefined();
    expect(tailRange("42", "42", 100)).toBeUndefined();
  });
});
